/**
 * Detection cost: `arrgus replay` throughput over generated logs (Plex and Radarr layouts, a realistic mix: mostly
 * DEBUG/INFO, a few percent WARN/ERROR from a few dozen templates with varying values) with and without detection.
 * Budget: detection and issue tracking may cost at most 30% of replay throughput. Also prints the issues produced.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { replay } from '../src/replay.ts';
import { attachDetection } from '../src/replay-detect.ts';

const LINES = Number(process.env.BENCH_LINES ?? 400_000);
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
const plexFile = join(dir, 'Plex Media Server.log');
const radarrFile = join(dir, 'radarr.txt');
writeFileSync(plexFile, `${Array.from({ length: half }, (_, i) => plexLine(i, start + i * 150)).join('\n')}\n`);
writeFileSync(radarrFile, `${Array.from({ length: half }, (_, i) => radarrLine(i, start + i * 150)).join('\n')}\n`);
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

async function run(detect: boolean): Promise<{ lps: number; counts: Record<string, unknown> }> {
  let best = 0;
  let counts: Record<string, unknown> = {};
  for (let round = 0; round < 3; round++) {
    const hooks = detect ? attachDetection({}) : {};
    let lines = 0;
    const t0 = performance.now();
    for (const [file, app] of [
      [plexFile, 'plex'],
      [radarrFile, 'radarr'],
    ] as const) {
      const s = await replay({
        app,
        tz: 'UTC',
        events: false,
        format: 'summary',
        files: [file],
        out: sink(),
        ...hooks,
        now: () => start,
      });
      lines += s.lines;
      counts = s;
    }
    const lps = lines / ((performance.now() - t0) / 1000);
    best = Math.max(best, lps);
  }
  return { lps: best, counts };
}

try {
  const base = await run(false);
  const det = await run(true);
  const cost = 1 - det.lps / base.lps;
  console.log(`lines: ${LINES} (Plex and Radarr layouts, ~7% WARN/ERROR)`);
  console.log(`replay without detection: ${Math.round(base.lps).toLocaleString('en')} lines/s`);
  console.log(`replay with detection:    ${Math.round(det.lps).toLocaleString('en')} lines/s`);
  console.log(`detection cost: ${(cost * 100).toFixed(1)}% (budget 30%) ${cost <= 0.3 ? 'OK' : 'OVER BUDGET'}`);
  console.log(`issues: ${String(det.counts.issues)}; alerts fired: ${String(det.counts.alerts)}`);
  const all = attachDetection({});
  for (const [file, app] of [
    [plexFile, 'plex'],
    [radarrFile, 'radarr'],
  ] as const) {
    await replay({
      app,
      tz: 'UTC',
      events: false,
      format: 'summary',
      files: [file],
      out: sink(),
      ...all,
      now: () => start,
    });
  }
  console.log(
    `issues over both files: ${all.detector.list().length}; peak RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
