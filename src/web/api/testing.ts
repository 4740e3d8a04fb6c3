/**
 * Test harness for the API: the real detector, history, record store (SQLite in memory) and web app, wired like
 * main.ts does, with a manual clock. `feed` runs records through detection and stores them.
 */
import type { ConfigInput } from '../../config/schema.ts';
import { testContext } from '../../core/testing.ts';
import type { Level, LogRecord } from '../../core/types.ts';
import { Detector } from '../../detect/detector.ts';
import { SourceStatsTracker } from '../../sources/source-stats.ts';
import { openDatabase } from '../../store/db.ts';
import { History } from '../../store/history.ts';
import { QueryError, SEARCH_BUDGET_MS } from '../../store/log-reader.ts';
import { RecordStore } from '../../store/records.ts';
import { createWebApp } from '../app.ts';
import { type ApiDeps, apiRoutes } from './index.ts';
import { issueRouteDeps } from './issue-deps.ts';
import { LiveTail, type TailOptions } from './log-tail.ts';

export function rec(time: number, level: Level, message: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { time, timeExact: true, level, app: 'radarr', source: 'radarr', message, raw: message, lines: 1, ...extra };
}

export async function apiHarness(
  config: ConfigInput = {},
  more: ApiDeps['more'] = [],
  tail: TailOptions = {},
  /** The log search's time budget per page (0: every page stops at its first look at the clock). */
  searchBudgetMs = SEARCH_BUDGET_MS,
) {
  const { ctx, clock } = testContext(config);
  const db = openDatabase(':memory:');
  const records = new RecordStore(db);
  records.migrate();
  const history = new History(db);
  history.migrate();
  history.attach(ctx.bus);
  const detector = new Detector(ctx, { tickIntervalMs: 3_600_000 });
  await detector.start();
  const stats = new SourceStatsTracker(clock);
  const api = apiRoutes({
    config: ctx.config,
    version: ctx.version,
    issues: issueRouteDeps({
      issues: detector,
      clock,
      timeline: (id) => history.timeline(id),
      around: (at, before, after) => records.around(at, before, after),
    }),
    alerts: { alerts: (q) => history.alerts(q) },
    sources: {
      clock,
      stats: () => stats.all(),
      followed: () => [],
      offsets: () => new Map(),
      storedCounts: () => records.counts.storedCounts(),
    },
    stats: { clock, hourly: (q) => records.counts.hourly(q) },
    logs: {
      search: (q) => records.logs.searchPage(q, searchBudgetMs),
      isQueryError: (err) => err instanceof QueryError,
      tail: new LiveTail(ctx.bus, tail),
    },
    more,
  });
  const app = createWebApp(ctx, {
    health: () => ({ status: 'ok', version: 'x', uptimeSeconds: 0 }),
    mounts: [{ path: '/', app: api }],
  });
  const feed = (list: LogRecord[]) => {
    const issues: Array<string | null> = [];
    for (const r of list) {
      clock.advanceTo(Math.max(clock.now(), r.time));
      issues.push(detector.process(r) ?? null);
      stats.register(r.source, r.app);
      stats.record(r);
    }
    records.commit({ records: list, issues, checkpoints: [], forget: [], at: clock.now() });
  };
  const get = async (path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: string } };
  };
  const close = async () => {
    await detector.stop();
    history.detach();
    db.close();
  };
  return { ctx, clock, app, db, records, history, detector, stats, feed, get, close };
}
