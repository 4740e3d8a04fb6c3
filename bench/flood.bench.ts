/**
 * Floods against a real `arrgus run` process (bin/arrgus.js, as `nobody` when run as root), with its memory read from
 * /proc/PID/status while they run (issue 14's target: RSS under 200 MB, the API answering). The hostile test that
 * filed the issue saw 40,000 webhooks take RSS from 198 to 553 MB and 270 ingest requests reach 644 MB.
 *
 *   1. playback webhooks, each a new playback (BENCH_FLOOD_WEBHOOKS, default 40,000), 10 at a time;
 *   2. the same webhooks for a source whose app API fails: requests the app gets meanwhile;
 *   3. `/api/ingest` naming a new source each time (300);
 *   4. new-issue log lines appended to a followed log (BENCH_FLOOD_ISSUES, default 50,000; alerts at the first
 *      occurrence, so each is an alert too), timed until read, beside `grep -cE` over the same file;
 *   5. test notification requests (100).
 *
 * Per phase: the peak RSS (VmHWM) and RSS after, the slowest `/api/health` answer during it (asked every 250 ms), and
 * what was kept; for the new-issue lines also lines/s and the ratio to `grep -cE` over the same file. Numbers only;
 * nothing here fails on a slow machine. `BENCH_FLOOD_PHASES=issues` (comma-separated: webhooks, failing-api, ingest,
 * issues, tests) runs only some phases, so a phase's peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ArrgusProcess, startArrgus } from '../test/helpers/arrgus-process.ts';
import {
  FailingApp,
  ingestNewSources,
  newIssueLines,
  type Statuses,
  testNotifications,
  webhookFlood,
} from '../test/helpers/floods.ts';

const WEBHOOKS = Number(process.env.BENCH_FLOOD_WEBHOOKS ?? 40_000);
const ISSUES = Number(process.env.BENCH_FLOOD_ISSUES ?? 50_000);
const SECRET = 'bench-flood-webhook-secret-0123456789';
const PHASES = new Set(
  (process.env.BENCH_FLOOD_PHASES ?? 'webhooks,failing-api,ingest,issues,tests').split(',').map((p) => p.trim()),
);

interface Health {
  openIssues: number;
  activeAlerts: number;
  sessions: { active: number };
  sources: Array<{ name: string; totalRecords: number }>;
}

const root = mkdtempSync(join(tmpdir(), 'arrgus-flood-bench-'));
const logDir = join(root, 'sonarr');
const logFile = join(logDir, 'sonarr.txt');
mkdirSync(logDir);
writeFileSync(logFile, '');
const plexApi = await new FailingApp().start();
const hook = await new FailingApp().start();
const arrgus: ArrgusProcess = await startArrgus(
  root,
  {
    dataDir: join(root, 'data'),
    instanceId: 'floodbench',
    web: { port: 0, host: '127.0.0.1' },
    mqtt: { embedded: { port: 0 } },
    alerts: { threshold: 1 },
    sources: [
      { name: 'plex', app: 'plex', url: plexApi.url, token: 'plex-token-0123456789', webhookSecret: SECRET },
      { name: 'plex-hooks', app: 'plex', webhookSecret: SECRET },
      { name: 'sonarr', app: 'sonarr', path: logDir },
    ],
    notify: [{ name: 'down', type: 'webhook', url: `${hook.url}/hook` }],
  },
  { open: [logDir] },
);

process.on('uncaughtException', async (err) => {
  console.log(
    `bench failed: ${err instanceof Error ? err.message : String(err)}; arrgus run exit ${arrgus.child.exitCode ?? arrgus.child.signalCode ?? 'none yet'}; its last lines:\n${arrgus.lines.slice(-15).join('\n')}`,
  );
  await arrgus.stop();
  process.exit(1);
});
const mb = (n: number | undefined) => (n === undefined ? 'gone' : `${Math.round(n)} MB`);
const health = async (): Promise<Health> => (await (await fetch(`${arrgus.base}/api/health`)).json()) as Health;
const fmt = (s: Statuses) =>
  Object.entries(s)
    .map(([k, v]) => `${v}×${k}`)
    .join(' ');

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; arrgus run pid ${arrgus.pid}`,
);
const start = arrgus.rss();
console.log(`started: RSS ${mb(start?.rssMb)}`);
let worstPeak = start?.peakMb ?? 0;

/** Runs `fn` while probing /api/health every 250 ms; prints the phase's memory and slowest answer. */
async function phase<T>(name: string, fn: () => Promise<T>, kept: (r: T) => Promise<string>): Promise<void> {
  let slowest = 0;
  let failedProbes = 0;
  let running = true;
  const prober = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const r = await fetch(`${arrgus.base}/api/health`, { signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
        if (r.status !== 200) failedProbes++;
      } catch {
        failedProbes++;
      }
      slowest = Math.max(slowest, performance.now() - t);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const t = performance.now();
  const result = await fn();
  const ms = performance.now() - t;
  running = false;
  await prober;
  const m = arrgus.rss();
  worstPeak = Math.max(worstPeak, m?.peakMb ?? 0);
  console.log(
    `${name}: ${Math.round(ms)} ms; peak RSS so far ${mb(m?.peakMb)}, RSS after ${mb(m?.rssMb)}; health answered ` +
      `${failedProbes ? `${failedProbes} probes NOT, ` : 'every probe, '}slowest ${Math.round(slowest)} ms; ${await kept(result)}`,
  );
}

if (PHASES.has('webhooks'))
  await phase(
    `${WEBHOOKS} playback webhooks (new ids)`,
    () => webhookFlood(arrgus.base, 'plex-hooks', SECRET, WEBHOOKS),
    async (s) => `answers ${fmt(s)}, active sessions ${(await health()).sessions.active}`,
  );

const before = plexApi.requests.length;
const polledFrom = Date.now();
if (PHASES.has('failing-api'))
  await phase(
    '2000 webhooks while the app API fails',
    () => webhookFlood(arrgus.base, 'plex', SECRET, 2000),
    async (s) =>
      `answers ${fmt(s)}, requests to the failing API ${plexApi.requests.length - before} in ${Math.round((Date.now() - polledFrom) / 1000)} s`,
  );

if (PHASES.has('ingest'))
  await phase(
    '300 ingest requests naming new sources',
    () => ingestNewSources(arrgus.base, 300),
    async (s) => `answers ${fmt(s)}, sources ${(await health()).sources.length}`,
  );

if (PHASES.has('issues'))
  await phase(
    `${ISSUES} new-issue lines appended`,
    async () => {
      const from = performance.now();
      for (let i = 0; i < ISSUES; i += 1000) appendFileSync(logFile, newIssueLines(i, Math.min(1000, ISSUES - i)));
      for (;;) {
        // A reset connection (the server closing an idle keep-alive socket as it is reused) is asked again.
        const h = await health().catch(() => undefined);
        if (h && (h.sources.find((s) => s.name === 'sonarr')?.totalRecords ?? 0) >= ISSUES) {
          return { ...h, ms: performance.now() - from };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async (h) => {
      const t = performance.now();
      const grep = spawnSync('grep', ['-cE', '\\|Error\\|', logFile], { encoding: 'utf8' });
      const grepMs = performance.now() - t;
      const drops = arrgus.lines.filter((l) => l.includes('is full; dropped')).length;
      const warns = arrgus.lines.filter((l) => / WARN /.test(l)).length;
      const rate = ISSUES / (h.ms / 1000);
      return `${Math.round(rate)} lines/s (${(h.ms / grepMs).toFixed(0)}× grep's time); open issues ${h.openIssues}, active alerts ${h.activeAlerts}; log lines about dropped notifications ${drops}, WARN lines in all ${warns}; grep -cE counted ${grep.stdout.trim()} in ${grepMs.toFixed(1)} ms`;
    },
  );

if (PHASES.has('tests'))
  await phase(
    '100 test notification requests',
    () => testNotifications(arrgus.base, 'down', 100),
    async (s) => `answers ${fmt(s)}`,
  );

const code = await arrgus.stop();
console.log(
  `peak RSS over all floods: ${mb(worstPeak)} (target < 200 MB: ${worstPeak < 200 ? 'met' : 'NOT met'}); clean stop: ${code === 0 ? 'yes' : `no (${code})`}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await plexApi.stop();
await hook.stop();
rmSync(root, { recursive: true, force: true });
