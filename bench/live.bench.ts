/**
 * `arrgus run` as users run it: the bin (its shebang's V8 flags included) spawned as a process of its own, with the
 * embedded defaults (embedded MQTT broker, HTTP API, store) in a temp dataDir and one followed Plex log. Measured from
 * outside only, the way a user would see it:
 *
 * 1) Memory. RSS polled from /proc/<pid>/status every 50 ms: at ready, after `BENCH_LIVE_IDLE` seconds idle (default
 *    60; issue 15's target < 60 MB) and the peak of every phase. Anonymous memory (the heaps) and file-backed pages
 *    (the node binary's code and data as far as it was touched) are shown apart.
 * 2) Live burst (issue 15's target ≥ 300k lines/s end to end). `BENCH_LIVE_BURST` ERROR lines (default 50,000) of the
 *    generator's error kinds, with varying ids, appended in one write. Timed from just before the write until:
 *      stored  `GET /api/stats` counts every line in the store (detection ran before: the issue id is stored with
 *              the line, so the issues are complete by then too; their counts are read from `GET /api/issues`);
 *      MQTT    the source's state on the embedded broker counts them all (`errors_5m`). States are merged over
 *              `mqtt.minStateInterval` (1 s) on purpose (rate limiting), so this time includes up to that wait.
 *    Repeated `BENCH_LIVE_ROUNDS` times (default 3). `grep -cE` over the same bytes, in the same run, is the yardstick;
 *    the CPU time each thread spent (from /proc, whatever the machine's load) shows which one limits the rate.
 * 3) Sustained tailing (issue 10's targets: ≥ 150k lines/s into the store, RSS < 150 MB throughout). `BENCH_LIVE_TAIL`
 *    lines (default 500,000; 0 skips it) of a realistic Plex log appended in 4 MiB writes, timed until all are stored.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { plexLine } from '../test/helpers/log-lines.ts';
import { plexGenerator } from './gen/plex.ts';
import { plexErrorBurst } from './gen/plex-burst.ts';

const IDLE_S = Number(process.env.BENCH_LIVE_IDLE ?? 60);
const BURST = Number(process.env.BENCH_LIVE_BURST ?? 50_000);
const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 3);
const TAIL = Number(process.env.BENCH_LIVE_TAIL ?? 500_000);
/** Another checkout's bin can be measured with the same harness (before/after comparisons). */
const ROOT = process.env.ARRGUS_BENCH_ROOT || new URL('..', import.meta.url).pathname;
const MB = 1024;

interface Mem {
  rss: number;
  anon: number;
  file: number;
}

/** RSS of `pid` in MiB (VmRSS, RssAnon, RssFile), or null once it is gone. */
function memOf(pid: number): Mem | null {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / MB, anon: kb('RssAnon') / MB, file: kb('RssFile') / MB };
}

/** Polls a process's memory and keeps the peak since the last `reset()`. */
class MemWatch {
  peak: Mem = { rss: 0, anon: 0, file: 0 };
  private readonly pid: number;
  private readonly timer: NodeJS.Timeout;
  constructor(pid: number) {
    this.pid = pid;
    this.timer = setInterval(() => this.sample(), 50);
  }
  sample(): Mem | null {
    const m = memOf(this.pid);
    if (m && m.rss > this.peak.rss) this.peak = m;
    return m;
  }
  reset(): void {
    this.peak = { rss: 0, anon: 0, file: 0 };
    this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * CPU time per thread kind of `pid`, in ms (utime + stime from /proc/<pid>/task/<tid>/stat, by thread name:
 * MainThread, WorkerThread — the store writer —, V8Worker — GC and compiler helpers —, libuv-worker …). CPU time does
 * not depend on how busy the machine is, which wall-clock rates do.
 */
function cpuByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime), counted from field 3 after the name; clock ticks of 10 ms.
      const ms = (Number(f[11]) + Number(f[12])) * 10;
      out.set(name, (out.get(name) ?? 0) + ms);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

function cpuDiff(a: Map<string, number>, b: Map<string, number>): string {
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names
    .map((n) => [n, (b.get(n) ?? 0) - (a.get(n) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((x, y) => y[1] - x[1])
    .map(([n, ms]) => `${n} ${fmt(ms)}`)
    .join(', ');
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const memText = (m: Mem | null) =>
  m ? `${fmt(m.rss, 1)} MiB (anon ${fmt(m.anon, 1)}, file-backed ${fmt(m.file, 1)})` : 'gone';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms: number, every = 10) {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** `grep -cE` over `file`, median of 5 runs, in ms (a whole process, like the one it is compared with). */
function grepMs(file: string, pattern: string): { ms: number; count: number } {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync('grep', ['-cE', pattern, file], { encoding: 'utf8' });
    times.push(performance.now() - t0);
    count = Number(r.stdout.trim());
  }
  return { ms: median(times), count };
}

interface SourceStateMsg {
  errors_5m: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-bench-live-'));
  const logDir = join(dir, 'plex-logs');
  const logFile = join(logDir, 'Plex Media Server.log');
  mkdirSync(logDir);
  writeFileSync(logFile, plexLine(Date.now(), 'INFO', 'Plex Media Server v1.41.5.9522 - Docker'));
  const [webPort, mqttPort] = [await freePort(), await freePort()];
  const cfg = join(dir, 'arrgus.yaml');
  writeFileSync(
    cfg,
    [
      `dataDir: ${JSON.stringify(join(dir, 'data'))}`,
      'instanceId: bench-live',
      `web: { port: ${webPort}, host: 127.0.0.1 }`,
      `mqtt: { embedded: { port: ${mqttPort} } }`,
      'sources:',
      `  - { name: plex, app: plex, path: ${JSON.stringify(logDir)}, timezone: UTC }`,
      '',
    ].join('\n'),
  );
  // The bin as users start it: its shebang (`env -S node --max-semi-space-size=…`) finds this node first.
  const env: NodeJS.ProcessEnv = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: dir };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  // E.g. `--cpu-prof` to see where a burst's time goes.
  if (process.env.NODE_OPTIONS) env.NODE_OPTIONS = process.env.NODE_OPTIONS;
  const t0 = performance.now();
  // ARRGUS_BENCH_NODE_FLAGS (experiments: V8 flags NODE_OPTIONS refuses): `node FLAGS bin/arrgus.js` instead.
  const flags = process.env.ARRGUS_BENCH_NODE_FLAGS?.split(' ').filter(Boolean);
  const [cmd, ...args] = flags
    ? [process.execPath, ...flags, join(ROOT, 'bin/arrgus.js'), 'run', '--config', cfg]
    : [join(ROOT, 'bin/arrgus.js'), 'run', '--config', cfg];
  const child: ChildProcess = spawn(cmd as string, args, {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid as number;
  const watch = new MemWatch(pid);
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    log = (log + d).slice(-200_000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let client: mqtt.MqttClient | null = null;
  try {
    await waitFor('"Arrgus is running."', () => (log.includes('Arrgus is running.') ? true : undefined), 60_000);
    const ready = performance.now() - t0;
    const atReady = watch.sample();
    const api = async <T>(path: string): Promise<T> => {
      const url = `http://127.0.0.1:${webPort}${path}`;
      // A kept-alive socket the server closed while the bench was busy fails once: ask again on a fresh one.
      const r = await fetch(url).catch(() => fetch(url));
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    };
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'bench-live' });
    let errors5m = 0;
    let errorsAt = 0;
    client.on('message', (topic, payload) => {
      if (topic !== 'arrgus/plex/state') return;
      const s = JSON.parse(payload.toString()) as SourceStateMsg;
      errors5m = s.errors_5m;
      errorsAt = performance.now();
    });
    await client.subscribeAsync('arrgus/plex/state');
    const rows: string[] = [];
    rows.push(
      `start: ready ${fmt(ready)} ms after spawn, RSS ${memText(atReady)}; peak until ready ${fmt(watch.peak.rss, 1)} MiB`,
    );

    await sleep(IDLE_S * 1000);
    const idle = watch.sample();
    rows.push(
      `idle: RSS after ${IDLE_S} s ${memText(idle)}; peak so far ${memText(watch.peak)} (target < 60 MB after 60 s)`,
    );

    const burstFile = join(dir, 'burst.log');
    const results: Array<{ stored: number; allButLast: number; mqtt: number; grep: number; peak: Mem }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const text = plexErrorBurst(BURST, 100 + round);
      writeFileSync(burstFile, text);
      const grep = grepMs(burstFile, ' ERROR - ');
      if (grep.count !== BURST) throw new Error(`the burst holds ${grep.count} ERROR lines, not ${BURST}`);
      const before = (await api<{ stored?: number }>('/api/stats')).stored ?? 0;
      const errorsBefore = errors5m;
      watch.reset();
      const cpu0 = cpuByThread(pid);
      const start = performance.now();
      appendFileSync(logFile, text);
      // The last record is complete only when a next line begins or `ingest.idleFlush` (1 s) passes without one: the
      // time to all but it shows the pipeline's own rate.
      let allButLast = 0;
      const stored = await waitFor(
        'every burst line in the store',
        async () => {
          const s = (await api<{ stored?: number }>('/api/stats')).stored ?? 0;
          if (!allButLast && s >= before + BURST - 1) allButLast = performance.now() - start;
          return s >= before + BURST ? performance.now() - start : undefined;
        },
        300_000,
        20,
      );
      const mqttMs = await waitFor(
        'the MQTT state to count the burst',
        () => (errors5m >= errorsBefore + BURST ? errorsAt - start : undefined),
        300_000,
      );
      const cpu = cpuDiff(cpu0, cpuByThread(pid));
      results.push({ stored, allButLast, mqtt: mqttMs, grep: grep.ms, peak: watch.peak });
      rows.push(
        `burst ${round + 1}: ${fmt(BURST)} ERROR lines stored in ${fmt(stored)} ms (${fmt(BURST / (stored / 1000))} lines/s; all but the last record in ${fmt(allButLast)} ms, ${fmt((BURST - 1) / (allButLast / 1000))} lines/s), counted by the MQTT state after ${fmt(mqttMs)} ms (${fmt(BURST / (mqttMs / 1000))} lines/s); grep -cE ${fmt(grep.ms, 1)} ms (×${fmt(stored / grep.ms, 1)}); peak RSS ${memText(watch.peak)}; CPU ms by thread: ${cpu}`,
      );
      await sleep(1500);
    }
    // Issues the bursts became (every page).
    let issues = 0;
    let grouped = 0;
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: { items: Array<{ count: number }>; next: string | null } = await api(
        `/api/issues?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      issues += page.items.length;
      for (const i of page.items) grouped += i.count;
      cursor = page.next;
    }
    const stored = median(results.map((r) => r.stored));
    const allButLast = median(results.map((r) => r.allButLast));
    const viaMqtt = median(results.map((r) => r.mqtt));
    const grep = median(results.map((r) => r.grep));
    rows.push(
      `bursts (median of ${ROUNDS}): stored ${fmt(BURST / (stored / 1000))} lines/s (all but the last record ${fmt((BURST - 1) / (allButLast / 1000))} lines/s), MQTT ${fmt(BURST / (viaMqtt / 1000))} lines/s (target ≥ 300k end to end); ${fmt(stored / grep, 1)}× grep -cE's time on the same lines; ${fmt(issues)} issues hold ${fmt(grouped)} of the ${fmt(BURST * ROUNDS)} lines`,
    );
    for (const r of rows) console.log(r);
    rows.length = 0;

    if (TAIL > 0) {
      // Sustained tailing: a realistic Plex log (the generator's mix, tracebacks included) written beforehand, then
      // appended to the followed file in 4 MiB writes as fast as the disk takes them.
      const gen = plexGenerator(7);
      const parts: string[] = [];
      let lines = 0;
      let records = 0;
      while (lines < TAIL) {
        const rec = gen.next();
        parts.push(rec);
        records++;
        lines += rec.split('\n').length;
      }
      const tailText = `${parts.join('\n')}\n`;
      parts.length = 0;
      writeFileSync(burstFile, tailText);
      const grep = grepMs(burstFile, ' (ERROR|WARN) - ');
      const before = (await api<{ stored?: number }>('/api/stats')).stored ?? 0;
      watch.reset();
      const cpu0 = cpuByThread(pid);
      const start = performance.now();
      const bytes = Buffer.from(tailText);
      for (let at = 0; at < bytes.length; at += 4 << 20) appendFileSync(logFile, bytes.subarray(at, at + (4 << 20)));
      const written = performance.now() - start;
      const stored = await waitFor(
        'every tailed record in the store',
        async () => {
          const s = (await api<{ stored?: number }>('/api/stats')).stored ?? 0;
          return s >= before + records ? performance.now() - start : undefined;
        },
        900_000,
        100,
      );
      rows.push(
        `tailing: ${fmt(lines)} Plex lines (${fmt(records)} records, ${fmt(bytes.length / 2 ** 20)} MiB) appended in ${fmt(written)} ms, all stored after ${fmt(stored)} ms → ${fmt(lines / (stored / 1000))} lines/s into the store (issue 10's target ≥ 150k); ${fmt(stored / grep.ms, 1)}× grep -cE's time; peak RSS ${memText(watch.peak)} (target < 150 MB); CPU ms by thread: ${cpuDiff(cpu0, cpuByThread(pid))}`,
      );
    }
    const warnings = log.split('\n').filter((l) => / (WARN|ERROR) /.test(l));
    for (const r of rows) console.log(r);
    for (const w of warnings.slice(0, 10)) console.log(`service said: ${w}`);
  } finally {
    await client?.endAsync();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    watch.stop();
    if (code === 'timeout') child.kill('SIGKILL');
    console.log(`stopped on SIGTERM: exit ${code}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

const cpu = cpus();
console.log(
  `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown cpu'}, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await main();
