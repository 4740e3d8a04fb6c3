/**
 * `/api/health`'s report, read from the running service's parts. It answers without a token, so it carries counts
 * and states only: who is watching what stays behind `/api/sessions`.
 */
import type { CoreContext } from './core/context.ts';
import type { SessionSummary } from './core/session-types.ts';
import type { Detector } from './detect/detector.ts';
import type { MqttBridge } from './mqtt/bridge.ts';
import type { NotifyDispatcher } from './notify/dispatcher.ts';
import type { SessionTracker } from './sessions/tracker.ts';
import type { ApiPollers } from './sources/api-pollers.ts';
import type { Ingestion } from './sources/ingestion.ts';
import type { SourceStatsTracker } from './sources/source-stats.ts';
import type { HealthReport } from './web/app.ts';

/** The parts of the service the report reads. */
export interface HealthParts {
  readonly ctx: CoreContext;
  readonly ingestion: Ingestion;
  readonly stats: SourceStatsTracker;
  readonly notify: NotifyDispatcher;
  readonly mqtt: MqttBridge;
  readonly detector: Detector;
  readonly apiPollers: ApiPollers;
  readonly sessions: SessionTracker;
}

export function serviceHealth(p: HealthParts, version: string, startedAt: number): HealthReport {
  const followed = new Map(p.ingestion.followed().map((f) => [f.source, f.files]));
  const sources = p.stats.all().map((s) => ({
    name: s.source,
    app: s.app,
    files: followed.get(s.source) ?? s.files,
    lastRecordAt: iso(s.lastRecordAt),
    lastErrorAt: iso(s.lastErrorAt),
    recordsPerMinute: s.recordsPerMinute,
    errors5m: s.errors5m,
    warnings5m: s.warnings5m,
    parseFailures: s.parseFailures,
    totalRecords: s.totalRecords,
    // A source that cannot read its folder or some of its files is failing until it can (it keeps trying).
    reading: s.problems?.length ? ('failing' as const) : ('ok' as const),
    problems: s.problems ?? [],
  }));
  const notifications = p.notify.health();
  const mqttEnabled = p.ctx.config.mqtt.enabled;
  const mqttConnected = p.mqtt.mqtt?.connected ?? false;
  const degraded =
    notifications.some((n) => !n.healthy) ||
    (mqttEnabled && !mqttConnected) ||
    sources.some((s) => s.reading === 'failing');
  return {
    status: degraded ? 'degraded' : 'ok',
    version,
    uptimeSeconds: Math.round((p.ctx.clock.now() - startedAt) / 1000),
    sources,
    openIssues: p.detector.list({ status: ['open', 'acknowledged'] }).length,
    activeAlerts: p.detector.activeAlerts().length,
    apis: p.apiPollers.status(),
    sessions: sessionCounts(p.sessions.summary()),
    mqtt: { enabled: mqttEnabled, connected: mqttConnected },
    notifications,
  };
}

function sessionCounts(s: SessionSummary): Omit<SessionSummary, 'trouble' | 'byServer'> {
  const { trouble: _trouble, byServer: _byServer, ...counts } = s;
  return counts;
}

function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}
