/**
 * The JSON Arrgus publishes on its state and event topics, built from what the ports report. Pure functions: no I/O,
 * time comes in as `now`. These payloads are the contract for every MQTT consumer (Home Assistant templates read them
 * through discovery.ts; Node-RED and openHAB read them directly), so keys are snake_case and only ever added.
 */

import { topEntities } from '../core/entities.ts';
import type { SourceStats } from '../core/ports.ts';
import type { Alert, EntityKind, Incident, Issue, Severity } from '../core/types.ts';

/** Home Assistant keeps at most 255 characters of a state; longer titles are cut with an ellipsis. */
export const MAX_STATE_CHARS = 255;

/** The event types of the per-source event topic (the `event_types` of the Home Assistant event entity). */
export const EVENT_TYPES = ['opened', 'regressed', 'alert', 'resolved', 'incident'] as const;
/** Media servers' event topics also carry failed playbacks (session-states.ts). */
export const PLAYBACK_EVENT_TYPES = ['playback_failed'] as const;
export type EventType = (typeof EVENT_TYPES)[number] | (typeof PLAYBACK_EVENT_TYPES)[number];

export interface TopIssue {
  id: string;
  title: string;
  impact: number;
  count: number;
  category: string;
  severity: Severity;
  first_seen: string;
  last_seen: string;
  /** Why it has its category (the deciding layer and what it saw). */
  evidence?: string;
  /** Most frequent affected files, hosts, devices… (user names left out: recorder history is kept for long). */
  affected?: Partial<Record<EntityKind, string[]>>;
  /** One-sentence AI analysis of the issue, when one exists. */
  analysis?: string;
}

export interface SourceState {
  source: string;
  app: string;
  alert_active: boolean;
  alert: { title: string; severity: Severity; fired_at: string } | null;
  muted: boolean;
  maintenance: boolean;
  errors_5m: number;
  warnings_5m: number;
  errors_1h: number;
  warnings_1h: number;
  open_issues: number;
  top_issue: TopIssue | null;
  last_error_at: string | null;
  last_record_at: string | null;
  records_per_minute: number;
  /** Seconds since the last record; null before the first one. */
  log_freshness_s: number | null;
  /** `failing` while the source cannot read its folder or some of its files (it keeps trying). */
  reading: 'ok' | 'failing';
  /** What it cannot read and why (file names only), e.g. `sonarr.txt: permission denied`; null when reading. */
  read_problem: string | null;
}

export interface BridgeState {
  version: string;
  instance_id: string;
  started_at: string;
  uptime_s: number;
  open_issues: number;
  highest_impact: number;
  active_alerts: number;
  open_incidents: number;
  maintenance: boolean;
}

export interface IssueSummary {
  open: number;
  top: Issue | null;
}

/** One pass over the issue list (it can hold tens of thousands): open count and top issue per source, and in total. */
export function summarizeIssues(issues: Iterable<Issue>): { bySource: Map<string, IssueSummary>; total: IssueSummary } {
  const bySource = new Map<string, IssueSummary>();
  const total: IssueSummary = { open: 0, top: null };
  for (const issue of issues) {
    if (issue.status !== 'open') continue;
    total.open++;
    if (outranks(issue, total.top)) total.top = issue;
    for (const source of issue.sources) {
      let s = bySource.get(source);
      if (!s) {
        s = { open: 0, top: null };
        bySource.set(source, s);
      }
      s.open++;
      if (outranks(issue, s.top)) s.top = issue;
    }
  }
  return { bySource, total };
}

/** Highest impact first; on a tie the one seen most recently, then the id so the choice is stable. */
function outranks(a: Issue, b: Issue | null): boolean {
  if (!b) return true;
  if (a.impact !== b.impact) return a.impact > b.impact;
  if (a.lastSeen !== b.lastSeen) return a.lastSeen > b.lastSeen;
  return a.id < b.id;
}

export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

export function clip(text: string, max = MAX_STATE_CHARS): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export interface SourceStateInput {
  name: string;
  app: string;
  stats: SourceStats | undefined;
  issues: IssueSummary | undefined;
  /** Firing alerts of this source. */
  alerts: readonly Alert[];
  muted: boolean;
  maintenance: boolean;
  now: number;
  /** The AI analysis summary of an issue, when there is one. */
  analysis?: (issueId: string) => string | undefined;
}

export function sourceState(i: SourceStateInput): SourceState {
  const s = i.stats;
  const top = i.issues?.top ?? null;
  const alert = [...i.alerts].sort((a, b) => b.firedAt - a.firedAt)[0];
  const last = s?.lastRecordAt ?? null;
  return {
    source: i.name,
    app: s?.app ?? i.app,
    alert_active: i.alerts.length > 0,
    alert: alert
      ? { title: clip(alert.title), severity: alert.severity, fired_at: iso(alert.firedAt) as string }
      : null,
    muted: i.muted,
    maintenance: i.maintenance,
    errors_5m: s?.errors5m ?? 0,
    warnings_5m: s?.warnings5m ?? 0,
    errors_1h: s?.errors1h ?? 0,
    warnings_1h: s?.warnings1h ?? 0,
    open_issues: i.issues?.open ?? 0,
    top_issue: top ? topIssue(top, i.analysis?.(top.id)) : null,
    last_error_at: iso(s?.lastErrorAt),
    last_record_at: iso(last),
    records_per_minute: round(s?.recordsPerMinute ?? 0, 2),
    log_freshness_s: last === null ? null : Math.max(0, Math.round((i.now - last) / 1000)),
    reading: s?.problems?.length ? 'failing' : 'ok',
    read_problem: readProblem(s?.problems),
  };
}

function readProblem(problems: SourceStats['problems']): string | null {
  const first = problems?.[0];
  if (!first) return null;
  const name = first.path.split(/[\\/]/).filter(Boolean).at(-1) ?? first.path;
  const more = (problems?.length ?? 0) - 1;
  return clip(`${name}: ${first.error}${more > 0 ? ` (and ${more} more)` : ''}`);
}

function topIssue(issue: Issue, analysis: string | undefined): TopIssue {
  return {
    ...(analysis ? { analysis: clip(analysis) } : {}),
    id: issue.id,
    title: clip(issue.title),
    impact: issue.impact,
    count: issue.count,
    category: issue.category,
    severity: issue.severity,
    first_seen: iso(issue.firstSeen) as string,
    last_seen: iso(issue.lastSeen) as string,
    ...(issue.evidence ? { evidence: `${issue.evidence.layer}: ${clip(issue.evidence.detail)}` } : {}),
    ...(issue.entities ? { affected: topEntities(issue, 3, ['user']) } : {}),
  };
}

export interface BridgeStateInput {
  version: string;
  instanceId: string;
  startedAt: number;
  now: number;
  issues: IssueSummary;
  activeAlerts: number;
  openIncidents: number;
  maintenance: boolean;
}

export function bridgeState(i: BridgeStateInput): BridgeState {
  return {
    version: i.version,
    instance_id: i.instanceId,
    started_at: iso(i.startedAt) as string,
    uptime_s: Math.max(0, Math.round((i.now - i.startedAt) / 1000)),
    open_issues: i.issues.open,
    highest_impact: i.issues.top?.impact ?? 0,
    active_alerts: i.activeAlerts,
    open_incidents: i.openIncidents,
    maintenance: i.maintenance,
  };
}

/** The payload of one event on `<base>/<source>/event`. Keys other than `event_type` become attributes in HA. */
export interface EventPayload {
  event_type: EventType;
  source: string;
  title: string;
  severity: Severity;
  at: string;
  /** What the event is about: an issue, an alert, an incident or a playback session. */
  subject: 'issue' | 'alert' | 'incident' | 'session';
  issue_id?: string;
  alert_id?: string;
  incident_id?: string;
  category?: string;
  impact?: number;
  count?: number;
  /** The source (or everything) was muted: notification automations should stay quiet. */
  muted: boolean;
  url?: string;
  /** Set on a summary that stands for `count` events merged by rate limiting. */
  summary?: boolean;
  /** The issues merged into a summary, or the log issues a failed playback was linked to. */
  issue_ids?: string[];
  /** Playback events: the session (`<source>/<player>/<item>`), who watched what on which app, and why it failed. */
  session_key?: string;
  media_title?: string;
  user?: string;
  client?: string;
  reason?: string;
}

export function issueEvent(type: EventType, issue: Issue, source: string, at: number, muted: boolean): EventPayload {
  return {
    event_type: type,
    source,
    title: clip(issue.title),
    severity: issue.severity,
    at: iso(at) as string,
    subject: 'issue',
    issue_id: issue.id,
    category: issue.category,
    impact: issue.impact,
    count: issue.count,
    muted,
  };
}

export function alertEvent(type: EventType, alert: Alert, at: number, muted: boolean): EventPayload {
  return {
    event_type: type,
    source: alert.source,
    title: clip(alert.title),
    severity: alert.severity,
    at: iso(at) as string,
    subject: 'alert',
    alert_id: alert.id,
    category: alert.category,
    count: alert.count,
    muted,
    ...(alert.fingerprint ? { issue_id: alert.fingerprint } : {}),
  };
}

export function incidentEvent(incident: Incident, source: string, at: number, muted: boolean): EventPayload {
  return {
    event_type: 'incident',
    source,
    title: clip(incident.title),
    severity: incident.severity,
    at: iso(at) as string,
    subject: 'incident',
    incident_id: incident.id,
    count: incident.issueIds.length,
    muted,
  };
}

/**
 * One event standing for `total` events of one type that rate limiting held back; `samples` are the first few of
 * them (ids are listed, at most 20).
 */
export function summaryEvent(samples: readonly EventPayload[], total: number, at: number): EventPayload {
  const first = samples[0] as EventPayload;
  let worst = first.severity;
  for (const e of samples) if (SEVERITY_ORDER.indexOf(e.severity) > SEVERITY_ORDER.indexOf(worst)) worst = e.severity;
  const ids = samples.flatMap((e) => (e.issue_id ? [e.issue_id] : [])).slice(0, 20);
  return {
    event_type: first.event_type,
    source: first.source,
    title: `${total} more ${first.event_type} events (merged by rate limiting)`,
    severity: worst,
    at: iso(at) as string,
    subject: first.subject,
    count: total,
    muted: samples.every((e) => e.muted),
    summary: true,
    ...(ids.length ? { issue_ids: ids } : {}),
  };
}

const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Health of one notification target, for its diagnostic entity. */
export interface NotifierHealth {
  name: string;
  ok: boolean;
  lastError?: string;
  lastSuccessAt?: number;
  lastFailureAt?: number;
  pending?: number;
}
