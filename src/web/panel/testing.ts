/**
 * A panel with real rooms behind it for tests (route tests, the browser test, the timing test): a real Detector fed
 * real-looking records, real source stats, mutes and session tracker, and a small notification double that records
 * test sends. One of the records carries every XSS trick the panel must render as text.
 */
import type { ConfigInput } from '../../config/schema.ts';
import type { SessionSnapshot } from '../../core/session-types.ts';
import { testContext } from '../../core/testing.ts';
import type { Level, LogRecord } from '../../core/types.ts';
import { Detector } from '../../detect/detector.ts';
import type { AttemptLog, TargetHealth, TestResult } from '../../notify/delivery.ts';
import { SessionTracker } from '../../sessions/tracker.ts';
import { SourceStatsTracker } from '../../sources/source-stats.ts';
import type { StoredLogLine } from '../api/logs.ts';
import { createWebApp } from '../app.ts';
import { sessionRoutes } from '../session-routes.ts';
import type { PanelDeps } from './deps.ts';

/** A log line that would run script, load a javascript: URL or colour the terminal if rendered as markup. */
export const XSS_LINE =
  '\u001b[31mImport failed\u001b[0m for <script>window.__xss=1</script><img src=x onerror="window.__xss=2"> <a href="javascript:window.__xss=3">x</a>';

export function record(over: Partial<LogRecord> & { message: string }, at: number): LogRecord {
  return {
    time: at,
    timeExact: true,
    level: 'error' as Level,
    app: 'sonarr',
    source: 'sonarr',
    raw: `${new Date(at).toISOString()}|Error|ImportService|${over.message}`,
    lines: 1,
    ...over,
  };
}

const WORDS = ['cannot', 'refused', 'stalled', 'rejected', 'overflowed', 'vanished', 'timed', 'broke'];

function letters(n: number): string {
  let s = '';
  let k = n;
  do {
    s = String.fromCharCode(97 + (k % 26)) + s;
    k = Math.floor(k / 26);
  } while (k);
  return s;
}

/** The `i`-th synthetic problem line: `bqx stalled refused while dqy ran` (each its own issue). */
export function syntheticMessage(i: number): string {
  return `${letters(i)}x ${WORDS[i % 8]} ${WORDS[(i >> 3) % 8]} while ${letters(i * 3)}y ran`;
}

export class FakeNotify {
  readonly sent: string[] = [];
  private readonly log: AttemptLog[] = [];
  private readonly now: () => number;
  constructor(now: () => number) {
    this.now = now;
  }
  health(): TargetHealth[] {
    return [
      {
        name: 'ntfy-home',
        type: 'ntfy',
        healthy: true,
        queued: 0,
        dropped: 0,
        failed: 0,
        lastError: null,
        lastSuccessAt: this.now() - 60_000,
        lastAttemptAt: this.now() - 60_000,
        consecutiveFailures: 0,
      },
      {
        name: 'discord-ops',
        type: 'discord',
        healthy: false,
        queued: 2,
        dropped: 0,
        failed: 3,
        lastError: 'HTTP 401 <b>Unauthorized</b>',
        lastSuccessAt: null,
        lastAttemptAt: this.now() - 30_000,
        consecutiveFailures: 3,
      },
    ];
  }
  deliveryLog(_target?: string, limit = 100): AttemptLog[] {
    return this.log.slice(-limit).reverse();
  }
  targetNames(): string[] {
    return ['ntfy-home', 'discord-ops'];
  }
  async test(name: string): Promise<TestResult | undefined> {
    if (!this.targetNames().includes(name)) return undefined;
    this.sent.push(name);
    const ok = name === 'ntfy-home';
    this.log.push({
      at: this.now(),
      target: name,
      id: 0,
      kind: 'test',
      title: 'Arrgus test notification',
      attempt: 1,
      outcome: ok ? 'test-ok' : 'test-failed',
      durationMs: 12,
      ...(ok ? {} : { error: 'HTTP 401' }),
    });
    return { ok, target: name, type: ok ? 'ntfy' : 'discord', durationMs: 12, ...(ok ? {} : { error: 'HTTP 401' }) };
  }
}

/** Search over an in-memory list: what the log store's search answers, for pages that need one. */
export function memoryLogs(
  lines: Array<Partial<StoredLogLine> & { id: number; message: string }>,
): NonNullable<PanelDeps['logs']> {
  const full: StoredLogLine[] = lines.map((l) => ({
    time: 0,
    level: 'info',
    source: 'sonarr',
    app: 'sonarr',
    logger: null,
    raw: l.message,
    issue: null,
    exception: null,
    ...l,
  }));
  return {
    search: (q) => {
      if (q.text?.includes('"') && (q.text.match(/"/g)?.length ?? 0) % 2) throw new QueryError('unterminated string');
      const lines = full
        .filter(
          (r) =>
            (!q.text || r.raw.toLowerCase().includes(q.text.toLowerCase())) &&
            (!q.sources?.length || q.sources.includes(r.source)) &&
            (!q.levels?.length || q.levels.includes(r.level)) &&
            (q.before === undefined || r.id < q.before),
        )
        .sort((a, b) => b.id - a.id)
        .slice(0, q.limit);
      return { lines };
    },
    isQueryError: (err) => err instanceof QueryError,
  };
}

class QueryError extends Error {}

export const TRANSCODE: SessionSnapshot = {
  id: 'player-1/item-9',
  user: 'alice',
  client: 'Plex for Android (TV)',
  device: 'Living room <TV>',
  location: 'lan',
  title: 'The Show - S01E02 - <b>Pilot</b>',
  kind: 'episode',
  state: 'buffering',
  positionMs: 600_000,
  durationMs: 2_400_000,
  bandwidthKbps: 12_000,
  transcode: {
    decision: 'transcode',
    videoDecision: 'transcode',
    audioDecision: 'copy',
    reasons: ['video codec not supported'],
    hardware: false,
    hardwareRequested: true,
    source: { container: 'mkv', videoCodec: 'hevc', resolution: '4k', bitrateKbps: 40_000 },
    target: { container: 'mpegts', videoCodec: 'h264', resolution: '1080p', bitrateKbps: 10_000 },
    speed: 0.7,
  },
};

export function panelFixture(
  config: ConfigInput = {},
  opts: { issues?: number; logs?: Parameters<typeof memoryLogs>[0] } = {},
) {
  const { ctx, clock, logs } = testContext({
    sources: [
      { name: 'sonarr', app: 'sonarr', path: '/tmp/none-sonarr.txt' },
      { name: 'plex', app: 'plex', path: '/tmp/none-plex.log' },
    ],
    ...config,
  });
  clock.set(Date.UTC(2026, 0, 2, 12));
  const detector = new Detector(ctx);
  const stats = new SourceStatsTracker(clock);
  stats.register('sonarr', 'sonarr');
  stats.register('plex', 'plex');
  const sessions = new SessionTracker({ clock, logger: ctx.logger });
  const notify = new FakeNotify(() => clock.now());
  const now = clock.now();
  const feed = (r: LogRecord) => {
    stats.record(r);
    detector.process(r);
  };
  feed(record({ message: XSS_LINE }, now - 3_600_000));
  feed(record({ message: XSS_LINE }, now - 1_800_000));
  // Starts close to the first Sonarr issue on another source: the two make an incident.
  feed(
    record(
      {
        message: 'Failed to begin transaction: database is locked',
        app: 'plex',
        source: 'plex',
        raw: 'Jan 02, 2026 11:00:30.000 [0x1] ERROR - Failed to begin transaction: database is locked',
      },
      now - 3_570_000,
    ),
  );
  feed(
    record(
      {
        message: 'Transcoder crashed: exit code 1',
        app: 'plex',
        source: 'plex',
        raw: 'Jan 02, 2026 11:00:00.000 [0x1] ERROR - Transcoder crashed: exit code 1',
      },
      now - 600_000,
    ),
  );
  feed(record({ message: 'Indexer rss sync slow', level: 'warn' }, now - 120_000));
  // Distinct problems: template mining masks numbers and merges lines that differ in a word, so each synthetic line
  // gets its own leading word and shape.
  for (let i = 0; i < (opts.issues ?? 0); i++) {
    feed(record({ message: syntheticMessage(i), source: 'sonarr' }, now - (i % 500) * 60_000));
  }
  sessions.apply('plex', 'plex', TRANSCODE, now - 300_000);
  const deps: PanelDeps = {
    config: ctx.config,
    origins: { 'web.port': 'file', sources: 'file', 'log.level': 'environment' },
    issues: detector,
    mutes: detector.mutes,
    stats,
    sessions,
    notify,
    ...(opts.logs ? { logs: memoryLogs(opts.logs) } : {}),
    issueApi: {
      timeline: (id) => (detector.get(id) ? [{ at: now - 3_600_000, kind: 'opened', by: 'detect' }] : []),
      context: (_id, sample) => ({
        before: [
          { id: 1, time: '', level: 'info', source: sample.source, message: 'line before <i>', raw: 'line before <i>' },
        ],
        after: [{ id: 3, time: '', level: 'info', source: sample.source, message: 'line after', raw: 'line after' }],
      }),
    },
    hourly: ({ from, to }) =>
      [
        { hour: Math.floor(now / 3_600_000) * 3_600_000, source: 'sonarr', level: 'error', count: 7 },
        { hour: Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000, source: 'plex', level: 'warn', count: 4 },
      ].filter((r) => r.hour >= from && r.hour < to),
  };
  const app = createWebApp(ctx, {
    health: () => ({ status: 'ok', version: ctx.version, uptimeSeconds: 1 }),
    pushLines: () => 0,
    mounts: [{ path: '/', app: sessionRoutes({ tracker: sessions }) }],
    panel: deps,
  });
  return { ctx, clock, logs, detector, stats, sessions, notify, deps, app, feed };
}
