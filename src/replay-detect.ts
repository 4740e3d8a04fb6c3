/**
 * Detection hooks for `arrgus replay`: the detector runs on the log's own time (a manual clock advanced to each
 * record's time, ticking as the live timer would), so a replay shows exactly the alerts live tailing would have
 * raised. Adds `fingerprint` to record lines (`--events`), then prints issue, alert and incident lines and their
 * counts in the summary.
 */
import { defaultConfig } from './config/defaults.ts';
import type { Config } from './config/schema.ts';
import { EventBus } from './core/bus.ts';
import { ManualClock } from './core/clock.ts';
import type { CoreContext } from './core/context.ts';
import type { AlertEvent, ArrgusEvents, IncidentEvent } from './core/events.ts';
import { silentLogger } from './core/logger.ts';
import { type Issue, LEVEL_RANK } from './core/types.ts';
import { Detector } from './detect/detector.ts';
import type { ReplayOptions } from './replay.ts';

/** The live detector ticks every 15 s; the replay ticks when the log's time has moved that far. */
const TICK_MS = 15_000;

export interface ReplayDetection extends Pick<ReplayOptions, 'onRecord' | 'finish' | 'detailsFrom'> {
  detector: Detector;
}

export function attachDetection(opts: { tz?: string; config?: Config; explain?: boolean }): ReplayDetection {
  const clock = new ManualClock(0);
  const logger = silentLogger;
  const bus = new EventBus<ArrgusEvents>(logger);
  const ctx: CoreContext = {
    config: opts.config ?? defaultConfig(),
    logger,
    bus,
    clock,
    instanceId: 'replay',
    version: 'replay',
  };
  const detector = new Detector(ctx, { issueOnAlerts: false });
  // The printed alert lines only, not the events: each event carries a full copy of its issue (samples and all).
  const alerts: Record<string, unknown>[] = [];
  let fired = 0;
  const incidents = new Map<string, IncidentEvent>();
  bus.on('alert', 'replay', (e) => {
    if (e.kind === 'fired') fired++;
    alerts.push(alertLine(e));
  });
  bus.on('incident', 'replay', (e) => {
    incidents.set(e.incident.id, e);
  });
  let lastTick = Number.NEGATIVE_INFINITY;
  let uncategorized = 0;

  return {
    detector,
    detailsFrom: detector.lowestLevelRead,
    onRecord(record) {
      clock.advanceTo(record.time);
      const now = clock.now();
      if (now - lastTick >= TICK_MS) {
        detector.tick(now);
        lastTick = now;
      }
      const fp = detector.process(record);
      if (fp === undefined) return undefined;
      if (LEVEL_RANK[record.level] >= LEVEL_RANK.error && detector.get(fp)?.category === 'uncategorized')
        uncategorized++;
      return { fingerprint: fp };
    },
    finish() {
      detector.tick(clock.now());
      const issues = detector.list();
      const lines: Record<string, unknown>[] = [];
      for (const i of issues) {
        lines.push({
          type: 'issue',
          fingerprint: i.id,
          title: i.title,
          category: i.category,
          severity: i.severity,
          level: i.level,
          status: i.status,
          count: i.count,
          impact: i.impact,
          firstSeen: new Date(i.firstSeen).toISOString(),
          lastSeen: new Date(i.lastSeen).toISOString(),
          app: i.app,
          sources: i.sources,
          ...(i.ruleId ? { rule: i.ruleId } : {}),
          ...(i.regressed ? { regressed: true } : {}),
          ...(i.evidence ? { evidence: i.evidence } : {}),
          ...(i.template ? { template: i.template } : {}),
          ...(i.entities ? { entities: i.entities } : {}),
        });
      }
      for (const line of alerts) lines.push(line);
      for (const { incident: inc } of incidents.values()) {
        lines.push({
          type: 'incident',
          id: inc.id,
          title: inc.title,
          severity: inc.severity,
          status: inc.status,
          issues: inc.issueIds,
          sources: inc.sources,
          startedAt: new Date(inc.startedAt).toISOString(),
        });
      }
      return {
        lines,
        ...(opts.explain ? { text: explainIssues(issues) } : {}),
        counts: {
          issues: issues.length,
          alerts: fired,
          incidents: incidents.size,
          uncategorizedErrors: uncategorized,
        },
      };
    },
  };
}

function alertLine(e: AlertEvent): Record<string, unknown> {
  const a = e.alert;
  return {
    type: 'alert',
    event: e.kind,
    at: new Date(e.at).toISOString(),
    id: a.id,
    key: a.key,
    kind: a.kind,
    title: a.title,
    source: a.source,
    category: a.category,
    severity: a.severity,
    level: a.level,
    count: a.count,
    suppressed: a.suppressed,
    ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
  };
}

/**
 * `arrgus replay --explain`: per issue, why it has its category (the deciding layer and what it saw), where its title
 * comes from, the template it groups and the entities it touched — what a user needs to write a rule of their own.
 */
export function explainIssues(issues: readonly Issue[]): string[] {
  const out: string[] = [];
  for (const i of issues) {
    const lines = [
      `[${i.severity}] ${i.title}`,
      `  ${i.count.toLocaleString('en-US')} record(s), ${i.level}, ${i.app}, ${new Date(i.firstSeen).toISOString()} … ${new Date(i.lastSeen).toISOString()}, fingerprint ${i.id}`,
      `  category ${i.category}: ${i.evidence ? `${i.evidence.layer} layer, ${i.evidence.detail}` : 'no evidence recorded'}`,
      `  title from ${i.ruleId ? `rule ${i.ruleId}` : 'the exception and template'}`,
    ];
    if (i.template) lines.push(`  template: ${i.template}`);
    for (const [kind, list] of Object.entries(i.entities ?? {}))
      if (list?.length) lines.push(`  ${kind}: ${list.map((e) => `${e.value} (${e.count})`).join(', ')}`);
    out.push(lines.join('\n'));
  }
  return out;
}
