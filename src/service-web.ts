/**
 * The web room's wiring: the JSON API's routes, the panel's pages, webhooks, ingest, metrics and Loki push, mounted on
 * one Hono app over the running service's parts. Routes and pages share the same in-process functions.
 */
import { Hono } from 'hono';
import type { AiService } from './ai/service.ts';
import type { CoreContext } from './core/context.ts';
import type { Detector } from './detect/detector.ts';
import type { MetricsCollector } from './metrics/collector.ts';
import type { NotifyDispatcher } from './notify/dispatcher.ts';
import type { SessionTracker } from './sessions/tracker.ts';
import type { Ingestion } from './sources/ingestion.ts';
import type { SourceStatsTracker } from './sources/source-stats.ts';
import type { WebhookReceiver } from './sources/webhooks.ts';
import type { History } from './store/history.ts';
import { QueryError, SEARCH_BUDGET_MS } from './store/log-reader.ts';
import { analysisRoutes, describeAnalysisRoutes } from './web/api/analysis.ts';
import { apiRoutes } from './web/api/index.ts';
import { issueRouteDeps } from './web/api/issue-deps.ts';
import { LiveTail } from './web/api/log-tail.ts';
import type { LogRouteDeps } from './web/api/logs.ts';
import type { StatsRouteDeps } from './web/api/stats.ts';
import { createWebApp, type HealthReport } from './web/app.ts';
import { lokiRoutes } from './web/loki-routes.ts';
import { metricsRoutes } from './web/metrics-routes.ts';
import { createNotifyRoutes } from './web/notify-routes.ts';
import { sessionRoutes } from './web/session-routes.ts';
import { webhookRoutes } from './web/webhook-routes.ts';

/** The parts of the service the web serves. */
export interface WebParts {
  readonly ctx: CoreContext;
  readonly detector: Detector;
  readonly stats: SourceStatsTracker;
  readonly notify: NotifyDispatcher;
  readonly ingestion: Ingestion;
  readonly sessions: SessionTracker;
  readonly webhooks: WebhookReceiver;
  readonly history: History;
  readonly metrics: MetricsCollector;
  readonly ai: AiService | undefined;
}

export interface WebOptions {
  health: () => HealthReport;
  /** Where each configuration value came from (the panel's settings page). */
  origins?: Readonly<Record<string, string>> | undefined;
}

export function serviceWebApp(p: WebParts, opts: WebOptions): Hono {
  const { ctx, detector, ingestion, history, stats, ai, metrics } = p;
  const { config, clock, version } = ctx;
  const hourly: StatsRouteDeps['hourly'] = (q) => ingestion.records.counts.hourly(q);
  const logSearch: Pick<LogRouteDeps, 'search' | 'isQueryError'> = {
    search: (q) => ingestion.records.logs.searchPage(q, SEARCH_BUDGET_MS),
    isQueryError: (err) => err instanceof QueryError,
  };
  const issueApi = issueRouteDeps({
    issues: detector,
    clock,
    timeline: (id) => history.timeline(id),
    around: (at, before, after) => ingestion.records.around(at, before, after),
    analysis: (id) => {
      const view = ai?.view(id);
      return view && view.status !== 'none' ? view : undefined;
    },
  });
  const pushLines = (source: string, appName: string, lines: string[]) => ingestion.pushLines(source, appName, lines);
  const mounts: Array<{ path: string; app: Hono }> = [
    { path: '/', app: createNotifyRoutes(p.notify) },
    { path: '/', app: sessionRoutes({ tracker: p.sessions }) },
    { path: '/', app: webhookRoutes(ctx, { receiver: p.webhooks }) },
    // Before the issue routes: their `POST /api/issues/:id/:action` refuses `analyze`.
    { path: '/', app: analysisRoutes({ ai, issues: detector }) },
    {
      path: '/',
      app: apiRoutes({
        config,
        version,
        issues: issueApi,
        alerts: { alerts: (q) => history.alerts(q) },
        sources: {
          clock,
          stats: () => stats.all(),
          followed: () => ingestion.followed(),
          offsets: (source) => new Map(ingestion.records.checkpoints(source).map((c) => [c.path, c.offset])),
          storedCounts: () => ingestion.records.counts.storedCounts(),
          droppedCounts: () => ingestion.writer.dropped(),
        },
        stats: {
          clock,
          hourly,
          totals: () => ({ stored: ingestion.records.count(), dropped: ingestion.writer.droppedTotal }),
        },
        logs: { ...logSearch, tail: new LiveTail(ctx.bus) },
        more: [
          (docs) => {
            describeAnalysisRoutes(docs);
            return new Hono();
          },
        ],
      }),
    },
    { path: '/', app: metricsRoutes(() => metrics.collect()) },
    { path: '/', app: lokiRoutes(ctx, { pushLines }) },
  ];
  return createWebApp(ctx, {
    health: opts.health,
    pushLines,
    mounts,
    panel: {
      config,
      ...(opts.origins ? { origins: opts.origins } : {}),
      issues: detector,
      mutes: detector.mutes,
      stats,
      sessions: p.sessions,
      notify: p.notify,
      issueApi,
      hourly,
      logs: logSearch,
    },
  });
}
