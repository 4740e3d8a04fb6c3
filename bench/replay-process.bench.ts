/**
 * `arrgus replay --format summary` as users run it: the real bin (with its shebang's V8 flags) as a process of its own
 * on generated logs, per format, detection included. Each size is measured as interleaved runs of the replay and of
 * `grep -cE` on the same file (medians), so the ratio to grep survives a busy machine. Records wall time, CPU time and
 * peak RSS (whole process, /usr/bin/time). Issue 15's targets: >= 1,000,000 lines/s on the 1M-line Plex log with many
 * problem kinds, peak RSS < 100 MB, and the same at 10M lines.
 *
 * Env: ARRGUS_BENCH_LINES (default 1,000,000), ARRGUS_BENCH_BIG_LINES (default 10,000,000; 0 skips),
 * ARRGUS_BENCH_RUNS (default 3), ARRGUS_BENCH_BIG_RUNS (default 1), ARRGUS_BENCH_DIR (keep generated logs there
 * between runs instead of a temp dir), ARRGUS_BENCH_BASELINE (another checkout's bin/arrgus.js: its runs are interleaved too, for before/after numbers).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nlogGenerator } from './gen/dotnet.ts';
import { plexProblemsGenerator } from './gen/plex-problems.ts';
import type { LogGenerator } from './gen/random.ts';
import { binCommand, fmt, generateFile, grepRun, load, median, type ProcessRun, runProcess, table } from './harness.ts';

const LINES = Number(process.env.ARRGUS_BENCH_LINES ?? 1_000_000);
const BIG = Number(process.env.ARRGUS_BENCH_BIG_LINES ?? 10_000_000);
const RUNS = Math.max(1, Number(process.env.ARRGUS_BENCH_RUNS ?? 3));
const BIG_RUNS = Math.max(1, Number(process.env.ARRGUS_BENCH_BIG_RUNS ?? 1));
const GREP = 'ERROR|WARN|FATAL|Error|Warn|Fatal';

interface Case {
  label: string;
  gen: () => LogGenerator;
  records: number;
  /** Interleaved runs (the 10M-line case: ARRGUS_BENCH_BIG_RUNS, default 1). */
  runs: number;
}

const cases: Case[] = [
  { label: 'Plex, 27 problem kinds', gen: () => plexProblemsGenerator(7), records: LINES, runs: RUNS },
  // An NLog record with an exception spans ~7 lines: about LINES physical lines.
  { label: 'Sonarr (NLog)', gen: () => nlogGenerator(3), records: Math.round(LINES / 1.3), runs: RUNS },
  ...(BIG > 0
    ? [{ label: 'Plex, 27 problem kinds', gen: () => plexProblemsGenerator(7), records: BIG, runs: BIG_RUNS }]
    : []),
];

const keep = process.env.ARRGUS_BENCH_DIR;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'arrgus-replay-bench-'));
if (keep) mkdirSync(keep, { recursive: true });
const baseline = process.env.ARRGUS_BENCH_BASELINE;
const bins: Array<{ name: string; argv: string[] }> = [
  { name: '', argv: binCommand() },
  ...(baseline ? [{ name: ' [baseline]', argv: binCommand(baseline) }] : []),
];

try {
  const shown = bins[0]?.argv ?? [];
  console.log(
    `\`${shown.slice(0, -1).join(' ')} bin/arrgus.js replay --app APP --format summary FILE\`, ${RUNS} runs each (${BIG_RUNS} at ${fmt(BIG)} lines)`,
  );
  console.log(`interleaved with \`grep -cE '${GREP}' FILE\`; medians. Load before: ${load()}`);
  if (baseline) console.log(`[baseline]: ${baseline}, same runs interleaved`);
  const rows = [
    ['log', 'lines', 'MB', 'wall s', 'cpu s', 'lines/s', 'lines/cpu-s', 'peak MB', 'grep s', 'x grep', 'issues'],
  ];
  // Warm the compile caches, so the first measured run does not pay for type stripping.
  for (const b of bins)
    await runProcess([...b.argv, 'replay', '--app', 'plex', '--format', 'summary', warmFile()], [0, 1]);
  for (const c of cases) {
    const g = c.gen();
    const path = join(dir, `${g.app}-${c.records}.log`);
    let lines: number;
    if (existsSync(path) && keep) lines = countLines(path);
    else lines = generateFile(path, g, c.records);
    const size = statSync(path).size;
    const replays: ProcessRun[][] = bins.map(() => []);
    const greps: ProcessRun[] = [];
    for (let i = 0; i < c.runs; i++) {
      greps.push(await grepRun(GREP, path));
      for (const [k, b] of bins.entries())
        replays[k]?.push(
          await runProcess([...b.argv, 'replay', '--app', g.app, '--format', 'summary', '--tz', 'UTC', path]),
        );
    }
    const grepWall = median(greps.map((r) => r.wall));
    for (const [k, b] of bins.entries()) {
      const runs = replays[k] ?? [];
      const out = runs[0]?.stdout ?? '';
      const replayed = Number(/Replayed ([\d,]+) lines/.exec(out)?.[1]?.replaceAll(',', '') ?? Number.NaN);
      if (replayed !== lines) throw new Error(`${c.label}: replay read ${replayed} lines, the file has ${lines}`);
      const issues = /issues (\d[\d,]*\d|\d)/.exec(out)?.[1] ?? '?';
      const wall = median(runs.map((r) => r.wall));
      const cpu = median(runs.map((r) => r.cpu));
      rows.push([
        `${c.label}${b.name}`,
        fmt(lines),
        fmt(size / 2 ** 20),
        fmt(wall, 2),
        fmt(cpu, 2),
        fmt(lines / wall),
        cpu > 0 ? fmt(lines / cpu) : '?',
        fmt(Math.max(...runs.map((r) => r.peakMB)), 1),
        fmt(grepWall, 2),
        fmt(wall / grepWall, 1),
        issues,
      ]);
    }
    if (!keep) rmSync(path);
  }
  console.log(table(rows));
  console.log(`\nLoad after: ${load()}. Targets: Plex >= 1,000,000 lines/s, peak < 100 MB at 1M and 10M lines.`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

/** A tiny file to warm up with: this bench's own source (read as Plex, it yields a few records). */
function warmFile(): string {
  return new URL(import.meta.url).pathname;
}

function countLines(path: string): number {
  return Number(/^\s*(\d+)/.exec(spawnSync('wc', ['-l', path], { encoding: 'utf8' }).stdout)?.[1]);
}
