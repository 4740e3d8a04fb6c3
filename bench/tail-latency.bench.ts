/**
 * Tail latency: a followed file gets lines appended at a steady rate; we measure how long after an append its record
 * comes out of Ingestion (through the real path: chokidar event or poll → read → splitter → assembler → process).
 *
 * A record is complete only when the next header arrives (or after `idleFlush`), so two numbers are printed:
 *   read   = append of line n+1 → record n emitted: what the tailer adds (target p99 < 50 ms with events);
 *   record = append of line n → record n emitted: read latency plus the wait for the next line.
 * Writer and reader share one process, as a busy Arrgus would share its event loop.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateConfig } from '../src/config/load.ts';
import { EventBus } from '../src/core/bus.ts';
import { systemClock } from '../src/core/clock.ts';
import type { CoreContext } from '../src/core/context.ts';
import type { ArrgusEvents } from '../src/core/events.ts';
import { silentLogger } from '../src/core/logger.ts';
import { Ingestion } from '../src/sources/ingestion.ts';
import { SourceStatsTracker } from '../src/sources/source-stats.ts';
import { openDatabase } from '../src/store/db.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

interface Mode {
  label: string;
  poll: boolean;
  pollInterval: string;
  /** Lines per second. */
  rate: number;
}

/** Steady streams, and sparse lines (each one arrives after the file went quiet: no quick re-read helps). */
const MODES: Mode[] = [
  { label: 'events, 200 lines/s', poll: false, pollInterval: '1s', rate: 200 },
  { label: 'events, 3 lines/s', poll: false, pollInterval: '1s', rate: 3 },
  { label: 'polling 100ms, 200 lines/s', poll: true, pollInterval: '100ms', rate: 200 },
  { label: 'polling 100ms, 3 lines/s', poll: true, pollInterval: '100ms', rate: 3 },
  { label: 'polling 1s, 200 lines/s', poll: true, pollInterval: '1s', rate: 200 },
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function run(mode: Mode): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-bench-tail-'));
  const file = join(dir, 'sonarr.txt');
  writeFileSync(file, '');
  const config = validateConfig({
    dataDir: join(dir, 'data'),
    sources: [{ name: 'tv', app: 'sonarr', path: dir, poll: mode.poll, pollInterval: mode.pollInterval }],
  });
  const ctx: CoreContext = {
    config,
    logger: silentLogger,
    bus: new EventBus<ArrgusEvents>(silentLogger),
    clock: systemClock,
    instanceId: 'bench',
    version: 'bench',
  };
  const appended: number[] = [];
  const read: number[] = [];
  const record: number[] = [];
  const db = openDatabase(join(dir, 'data', 'arrgus.db'));
  const ingestion = new Ingestion(ctx, {
    db,
    process: (r) => {
      const now = performance.now();
      const n = Number(r.message.slice(5));
      const at = appended[n];
      const next = appended[n + 1];
      if (at !== undefined) record.push(now - at);
      if (next !== undefined) read.push(now - next);
    },
    stats: new SourceStatsTracker(systemClock),
  });
  await ingestion.start();
  const RATE = mode.rate;
  const total = Math.round(RATE * SECONDS);
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    // Steady schedule: line n is due at started + n / RATE seconds.
    const wait = started + (n * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    appended[n] = performance.now();
    appendFileSync(file, `2026-01-01 00:00:00.0|Info|Bench|line ${n}\n`);
  }
  await sleep(1500);
  await ingestion.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  read.sort((a, b) => a - b);
  record.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(7);
  console.log(
    `${mode.label.padEnd(27)} read p50 ${f(pct(read, 50))} ms  p99 ${f(pct(read, 99))} ms  max ${f(read.at(-1) ?? Number.NaN)} ms | record p50 ${f(pct(record, 50))} ms  p99 ${f(pct(record, 99))} ms  (${record.length}/${total} records)`,
  );
}

console.log(`${SECONDS}s per mode; append → record emitted, in ms`);
for (const mode of MODES) await run(mode);
