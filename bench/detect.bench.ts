/**
 * Detection cost: in-process `arrgus replay` throughput over generated logs (Plex and Radarr layouts, a realistic mix:
 * mostly DEBUG/INFO, a few percent WARN/ERROR from a few dozen templates with varying values) with and without the
 * detection hooks. Budget: detection and issue tracking may cost at most 30% of replay throughput.
 *
 * Measured honestly: both modes read the same generated files; one warm-up run of each is discarded; then the modes
 * alternate (without, with, with, without, …) so drift of a shared machine hits both alike; each run starts after a
 * full GC when the process allows one (`npm run bench` passes --expose-gc); the cost is computed from the medians.
 * Every detection run must produce the same issues and alerts (a run that does not is a bug, and the bench fails).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { replay } from '../src/replay.ts';
import { attachDetection } from '../src/replay-detect.ts';

const LINES = Number(process.env.BENCH_LINES ?? 400_000);
/** Measured runs per mode (after one warm-up run each). */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'arrgus-bench-detect-'));
const MONTHS = ['Jan', 'Feb', 'Mar'];

function plexLine(i: number, t: number): string {
  const d = new Date(t);
  const ts = `${MONTHS[d.getUTCMonth() % 3]} ${String(d.getUTCDate()).padStart(2, '0')}, 2026 ${d.toISOString().slice(11, 23)}`;
  const r = i % 100;
  let body: string;
  if (r < 60)
    body = `DEBUG - [Req#${(i % 4096).toString(16)}] Completed: [10.0.0.${i % 250}:${40000 + (i % 9999)}] 200 GET /library/metadata/${i % 5000} (12 live) 3ms 1207 bytes`;
  else if (r < 90) body = `INFO - Library section ${i % 9} scanned ${i % 300} items`;
  else if (r < 95)
    body = `WARN - Held transaction for too long (/data/jenkins/server/${i}/Library/MetadataItem.cpp:${i % 9000}): 1.${i % 99} seconds`;
  else if (r < 97) body = `ERROR - [Transcode] [FFMPEG] - Cannot load libcuda.so.1`;
  else if (r < 99)
    body = `ERROR - Failed to begin transaction (../Library/MetadataCollection.cpp:173) (tries=${i % 5}): Cannot begin transaction. database is locked`;
  else body = `ERROR - Unknown failure ${i % 37} in module Mod${i % 23} for item ${i}`;
  return `${ts} [${140000000000 + (i % 7)}] ${body}`;
}

function radarrLine(i: number, t: number): string {
  const ts = new Date(t).toISOString().replace('T', ' ').slice(0, 21);
  const r = i % 100;
  if (r < 70) return `${ts}|Debug|Parser|Parsing string 'Movie.${i}.2019.1080p.BluRay.x264'`;
  if (r < 92) return `${ts}|Info|RssSyncService|RSS Sync Completed. Reports found: ${i % 900}, Reports grabbed: 0`;
  if (r < 97)
    return `${ts}|Warn|FreeSpaceSpecification|Not enough free space (1048576) to import: /mnt/movies/Movie ${i} (2019)/Movie ${i}.mkv (${i * 1000})`;
  return `${ts}|Error|DownloadedMovieImportService|Import failed, path does not exist or is not accessible by Radarr: /downloads/Movie.${i}.2019/`;
}

const start = Date.UTC(2026, 0, 5);
const half = LINES / 2;
const FILES = [
  [join(dir, 'Plex Media Server.log'), 'plex'],
  [join(dir, 'radarr.txt'), 'radarr'],
] as const;
writeFileSync(FILES[0][0], `${Array.from({ length: half }, (_, i) => plexLine(i, start + i * 150)).join('\n')}\n`);
writeFileSync(FILES[1][0], `${Array.from({ length: half }, (_, i) => radarrLine(i, start + i * 150)).join('\n')}\n`);
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

/** Full GC between runs, when the process was started with --expose-gc. */
const fullGc = (globalThis as { gc?: () => void }).gc;
let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries() as PerformanceEntry[]) gcMs += e.duration;
});
gcObserver.observe({ entryTypes: ['gc'] });

interface Run {
  lps: number;
  gcMs: number;
  issues: number;
  alerts: number;
  incidents: number;
}

/** One replay of both files, with or without detection; fresh detector each run. */
async function run(detect: boolean): Promise<Run> {
  fullGc?.();
  // GC entries are delivered asynchronously: let the forced collection's entry arrive before the run starts counting.
  await new Promise((r) => setImmediate(r));
  const hooks = detect ? attachDetection({}) : undefined;
  let lines = 0;
  let counts: Record<string, unknown> = {};
  const gc0 = gcMs;
  const t0 = performance.now();
  for (const [file, app] of FILES) {
    const s = await replay({
      app,
      tz: 'UTC',
      events: false,
      format: 'summary',
      files: [file],
      out: sink(),
      ...(hooks ? { onRecord: hooks.onRecord, finish: hooks.finish } : {}),
      now: () => start,
    });
    lines += s.lines;
    counts = s;
  }
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setImmediate(r));
  return {
    lps: lines / seconds,
    gcMs: gcMs - gc0,
    issues: hooks ? hooks.detector.list().length : 0,
    alerts: Number(counts.alerts ?? 0),
    incidents: Number(counts.incidents ?? 0),
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

try {
  await run(false);
  await run(true);
  const base: Run[] = [];
  const det: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    // ABBA order: neither mode always runs first (warmer caches, or a neighbour's load spike, hit both).
    if (i % 2 === 0) {
      base.push(await run(false));
      det.push(await run(true));
    } else {
      det.push(await run(true));
      base.push(await run(false));
    }
  }
  const first = det[0] as Run;
  for (const r of det) {
    if (r.issues !== first.issues || r.alerts !== first.alerts || r.incidents !== first.incidents)
      throw new Error('Detection runs over the same input disagree: the detector is not deterministic.');
  }
  const without = median(base.map((r) => r.lps));
  const withDet = median(det.map((r) => r.lps));
  const cost = 1 - withDet / without;
  console.log(`lines: ${LINES.toLocaleString('en')} (Plex and Radarr layouts, ~7% WARN/ERROR); median of ${RUNS} runs`);
  console.log(`replay without detection: ${fmt(without)} lines/s  (runs: ${base.map((r) => fmt(r.lps)).join(', ')})`);
  console.log(`replay with detection:    ${fmt(withDet)} lines/s  (runs: ${det.map((r) => fmt(r.lps)).join(', ')})`);
  console.log(
    `GC per run (median): ${median(base.map((r) => r.gcMs)).toFixed(0)} ms without, ${median(det.map((r) => r.gcMs)).toFixed(0)} ms with${fullGc ? '' : ' (run with --expose-gc for a full GC between runs)'}`,
  );
  // Cross-check: the cost within each back-to-back pair, whose two runs saw the same machine load.
  const paired = median(base.map((b, i) => 1 - (det[i] as Run).lps / b.lps));
  console.log(
    `detection cost: ${(cost * 100).toFixed(1)}% (budget 30%) ${cost <= 0.3 ? 'OK' : 'OVER BUDGET'}; median of paired runs ${(paired * 100).toFixed(1)}%`,
  );
  console.log(`issues produced: ${first.issues}; alerts fired: ${first.alerts}; incidents: ${first.incidents}`);
  console.log(`peak RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
} finally {
  gcObserver.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
