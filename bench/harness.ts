/**
 * Shared pieces of the whole-process benchmarks: generate a log file from a seeded generator (streamed, so a 10M-line
 * file costs no memory), run a command as its own process and record its wall time, CPU time and peak RSS (through
 * `/usr/bin/time`, or by polling /proc/PID/status VmHWM where that is missing), and run the `arrgus` bin exactly as
 * its shebang does (same V8 flags). Numbers are medians of interleaved runs and come with a `grep -cE` run on the same
 * file, so a ratio survives a busy machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogGenerator } from './gen/random.ts';

export const BIN = new URL('../bin/arrgus.js', import.meta.url).pathname;

/** `node <flags of the bin's shebang> bin/arrgus.js`: what `arrgus …` runs (the shebang's `env -S node FLAGS`). */
export function binCommand(bin = BIN): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\S*env -S node(.*)$/.exec(first);
  const flags = (m?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  return [process.execPath, ...flags, bin];
}

/** Writes `records` records of `gen` to `path` (streamed in 4 MB writes); returns the number of physical lines. */
export function generateFile(path: string, gen: LogGenerator, records: number): number {
  const fd = openSync(path, 'w');
  let lines = 0;
  try {
    let parts: string[] = [];
    let size = 0;
    for (let i = 0; i < records; i++) {
      const rec = gen.next();
      parts.push(rec);
      size += rec.length + 1;
      for (let j = rec.indexOf('\n'); j !== -1; j = rec.indexOf('\n', j + 1)) lines++;
      lines++;
      if (size >= 4 << 20) {
        writeSync(fd, `${parts.join('\n')}\n`);
        parts = [];
        size = 0;
      }
    }
    if (parts.length) writeSync(fd, `${parts.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return lines;
}

export interface ProcessRun {
  /** Wall-clock seconds from spawn to exit. */
  wall: number;
  /** User + system CPU seconds. */
  cpu: number;
  /** Peak resident set, MB (MiB). */
  peakMB: number;
  stdout: string;
  code: number | null;
}

const HAS_TIME = existsSync('/usr/bin/time');

/** Runs `argv` as its own process; stdout is kept (replay summaries are small), stderr is inherited on failure. */
export async function runProcess(
  argv: string[],
  okCodes: readonly number[] = [0],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-run-'));
  const timeFile = join(dir, 'time');
  const full = HAS_TIME ? ['/usr/bin/time', '-f', '%e %U %S %M', '-o', timeFile, ...argv] : argv;
  const started = performance.now();
  const child = spawn(full[0] as string, full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    if (stdout.length < 1 << 20) stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 1 << 16) stderr += d;
  });
  let polledKB = 0;
  const poll = HAS_TIME
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) polledKB = Math.max(polledKB, Number(m[1]));
        } catch {
          // The process has exited between two polls: its last reading stands.
        }
      }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const wall = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  try {
    if (code === null || !okCodes.includes(code))
      throw new Error(`${argv.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`);
    if (!HAS_TIME) {
      const cpu = 0; // Not known without /usr/bin/time; the wall time stands in.
      return { wall, cpu, peakMB: polledKB / 1024, stdout, code };
    }
    const lastLine = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
    const [, user, sys, maxKB] = lastLine.split(' ').map(Number);
    return { wall, cpu: (user ?? 0) + (sys ?? 0), peakMB: (maxKB ?? 0) / 1024, stdout, code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `grep -cE PATTERN FILE` as its own process (exit 1, no match, is fine). */
export function grepRun(pattern: string, file: string): Promise<ProcessRun> {
  return runProcess(['grep', '-cE', pattern, file], [0, 1]);
}

export function hasGrep(): boolean {
  return spawnSync('grep', ['--version']).status === 0;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r, ri) => {
      const line = r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
      return ri === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}
