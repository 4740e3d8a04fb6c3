/**
 * Renders the retained state messages for a set of publisher keys: `bridge`, `notifiers`, `src:<name>`,
 * `avail:<name>`, `sess:<name>`. One scan of the open issues serves every key of a flush, however many issues there
 * are; playback summaries need no scan at all, so a burst of session changes stays cheap.
 */
import type { IssueService, MuteService, StatsService } from '../core/ports.ts';
import type { SessionSummary } from '../core/session-types.ts';
import type { OutboundMessage } from './publisher.ts';
import { isMediaServer, type SessionSummaries, sessionsState } from './session-states.ts';
import type { SourceRegistry } from './source-registry.ts';
import type { NotifierHealth } from './states.ts';
import { bridgeState, sourceState, summarizeIssues } from './states.ts';
import type { Topics } from './topics.ts';

export const BRIDGE_KEY = 'bridge';
export const NOTIFIERS_KEY = 'notifiers';

/** The publisher keys of one source: its state, its availability and, for a media server, its playbacks. */
export function sourceKeys(name: string, app: string, sessions: boolean): string[] {
  const keys = [`src:${name}`, `avail:${name}`];
  if (sessions && isMediaServer(app)) keys.push(`sess:${name}`);
  return keys;
}

export interface RenderDeps {
  issues: IssueService;
  mutes: MuteService;
  stats: StatsService;
  notifierHealth?: () => NotifierHealth[];
  sessions?: SessionSummaries;
  /** The AI analysis summary of an issue (top issues carry it as an attribute). */
  analysis?: (issueId: string) => string | undefined;
  /** Whether a media server's playbacks are reported at all (default: yes). */
  sessionsTracked?: (source: string, summary: SessionSummary) => boolean;
  /** `homeassistant.privacy`: no user names in published attributes (default on). */
  privacy?: boolean;
  sources: SourceRegistry;
  topics: Topics;
  version: string;
  instanceId: string;
  startedAt: number;
  now: number;
}

export function renderStates(keys: ReadonlySet<string>, d: RenderDeps): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  const needIssues = [...keys].some((k) => k === BRIDGE_KEY || k.startsWith('src:'));
  const summary = needIssues ? summarizeIssues(d.issues.list({ status: 'open' })) : null;
  const alerts = needIssues ? d.issues.activeAlerts().filter((a) => a.state === 'firing') : [];
  const maintenance = d.mutes.isMuted(null);
  for (const key of keys) {
    if (key === BRIDGE_KEY && summary) {
      const state = bridgeState({
        version: d.version,
        instanceId: d.instanceId,
        startedAt: d.startedAt,
        now: d.now,
        issues: summary.total,
        activeAlerts: alerts.length,
        openIncidents: d.issues.incidents().filter((i) => i.status === 'open').length,
        maintenance,
      });
      out.push({ topic: d.topics.bridgeState, payload: JSON.stringify(state) });
    } else if (key === NOTIFIERS_KEY) {
      const health = d.notifierHealth?.();
      if (health) out.push({ topic: d.topics.notifiers, payload: JSON.stringify(d.sources.notifierJson(health)) });
    } else if (key.startsWith('src:') && summary) {
      const s = d.sources.get(key.slice(4));
      if (!s) continue;
      const state = sourceState({
        name: s.name,
        app: s.app,
        stats: d.stats.get(s.name),
        issues: summary.bySource.get(s.name),
        alerts: alerts.filter((a) => a.source === s.name),
        muted: d.mutes.isMuted(s.name),
        maintenance,
        now: d.now,
        ...(d.analysis ? { analysis: d.analysis } : {}),
      });
      out.push({ topic: d.topics.sourceState(s.slug), payload: JSON.stringify(state) });
    } else if (key.startsWith('sess:') && d.sessions) {
      const s = d.sources.get(key.slice(5));
      if (!s || !isMediaServer(s.app)) continue;
      const summary = d.sessions.summary(s.name);
      const state = sessionsState(s.name, summary, d.sessionsTracked?.(s.name, summary) ?? true, d.privacy ?? true);
      out.push({ topic: d.topics.sourceSessions(s.slug), payload: JSON.stringify(state) });
    } else if (key.startsWith('avail:')) {
      const s = d.sources.get(key.slice(6));
      if (s) out.push({ topic: d.topics.sourceAvailability(s.slug), payload: s.enabled ? 'online' : 'offline' });
    }
  }
  return out;
}
