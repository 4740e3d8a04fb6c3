/**
 * Replay throughput per log format, and peak memory while replaying a 1 GB Plex log.
 * Logs are generated from a fixed seed into a temp dir (deleted at the end) and replayed in-process through the real
 * `replay()` (events off, output to a null stream) on one core; the 1 GB replay runs in a child process so its peak RSS
 * is its own. Targets on the reference 2-core box: >= 1,000,000 lines/s for Plex, peak RSS < 100 MB on 1 GB.
 * Sizes: ARRGUS_BENCH_MB (per format, default 100) and ARRGUS_BENCH_BIG_MB (default 1024).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { dockerJsonGenerator, jellyfinGenerator, nlogGenerator } from './gen/dotnet.ts';
import { plexGenerator } from './gen/plex.ts';
import type { LogGenerator } from './gen/random.ts';

const MB = 1024 * 1024;

function nullStream(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

/** Writes records until the file reaches `bytes`; returns the number of physical lines. */
function generate(path: string, gen: LogGenerator, bytes: number): number {
  const fd = openSync(path, 'w');
  let written = 0;
  let lines = 0;
  try {
    while (written < bytes) {
      const parts: string[] = [];
      let size = 0;
      while (size < 4 * MB) {
        const rec = gen.next();
        parts.push(rec);
        size += rec.length + 1;
        for (let i = rec.indexOf('\n'); i !== -1; i = rec.indexOf('\n', i + 1)) lines++;
        lines++;
      }
      written += writeSync(fd, `${parts.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

async function measure(path: string, app: string) {
  // Loaded on first use, so the RSS child can enable the compile cache before any of our modules load.
  const { replay } = await import('../src/replay.ts');
  return replay({ app, tz: 'UTC', events: false, format: 'ndjson', files: [path], out: nullStream() });
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r, ri) => {
      const line = r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
      return ri === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const perFormat = Number(process.env.ARRGUS_BENCH_MB ?? 100) * MB;
  const big = Number(process.env.ARRGUS_BENCH_BIG_MB ?? 1024) * MB;
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-bench-'));
  try {
    const gens = [plexGenerator(), jellyfinGenerator(), nlogGenerator(), dockerJsonGenerator(plexGenerator(4))];
    const rows = [['format (--app)', 'lines', 'MB', 'seconds', 'lines/s', 'MB/s', 'records']];
    for (const [i, gen] of gens.entries()) {
      const path = join(dir, `fmt-${i}.log`);
      const lines = generate(path, gen, perFormat);
      const size = statSync(path).size;
      await measure(path, gen.app); // warm-up: JIT and page cache
      (globalThis as { gc?: () => void }).gc?.();
      const s = await measure(path, gen.app);
      if (s.lines !== lines) throw new Error(`${gen.name}: replay read ${s.lines} lines, the generator wrote ${lines}`);
      rows.push([
        `${gen.name} (${gen.app})`,
        fmt(s.lines),
        fmt(size / MB),
        fmt(s.seconds, 2),
        fmt(s.lines / s.seconds),
        fmt(size / MB / s.seconds),
        fmt(s.records),
      ]);
      rmSync(path);
    }
    console.log('Replay throughput, one core, in-process replay(), --events off, output to a null stream:\n');
    console.log(table(rows));

    const path = join(dir, 'plex-big.log');
    const lines = generate(path, plexGenerator(7), big);
    const size = statSync(path).size;
    // (1) The ingestion pipeline alone (what live tailing runs per line), in a fresh process with a warm compile cache.
    const tiny = join(dir, 'tiny.log');
    generate(tiny, plexGenerator(1), 4096);
    const rssChild = new URL('./replay-rss-child.mjs', import.meta.url).pathname;
    spawnSync(process.execPath, [rssChild, tiny, 'plex']);
    const child = spawnSync(process.execPath, [rssChild, path, 'plex'], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`the ${fmt(size / MB)} MB replay failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout) as { lines: number; seconds: number; peakRss: number; baseline: number };
    if (r.lines !== lines) throw new Error(`big replay read ${r.lines} lines, the generator wrote ${lines}`);
    console.log(
      `\nPeak RSS replaying a ${fmt(size / MB)} MB Plex log (${fmt(lines)} lines, streamed) in a fresh process: ` +
        `${fmt(r.peakRss / MB, 1)} MB — ${fmt(r.lines / r.seconds)} lines/s.\n` +
        `  of which before the first byte was read (Node alone): ${fmt(r.baseline / MB, 1)} MB; ` +
        `growth while streaming 1 GB: ${fmt((r.peakRss - r.baseline) / MB, 1)} MB.`,
    );
    // (2) The real command, `arrgus replay` (detection included), as a user runs it (compile cache warmed first).
    const bin = new URL('../bin/arrgus.js', import.meta.url).pathname;
    spawnSync(process.execPath, [
      bin,
      'replay',
      '--app',
      'plex',
      '--format',
      'summary',
      path.replace(/\.log$/, '.none'),
    ]);
    const cli = spawnSync(
      process.execPath,
      ['--max-semi-space-size=4', bin, 'replay', '--app', 'plex', '--tz', 'UTC', path],
      {
        encoding: 'utf8',
      },
    );
    const summary = JSON.parse(cli.stdout.trim().split('\n').at(-1) ?? '{}') as {
      lines?: number;
      linesPerSecond?: number;
      peakRssMB?: number;
      issues?: number;
    };
    console.log(
      `\`arrgus replay --app plex\` (with detection) on the same file: ${fmt(summary.peakRssMB ?? 0, 1)} MB peak RSS, ` +
        `${fmt(summary.linesPerSecond ?? 0)} lines/s, ${fmt(summary.issues ?? 0)} issues.`,
    );
    console.log(`Targets: Plex >= 1,000,000 lines/s; peak RSS < 100 MB on 1 GB.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
