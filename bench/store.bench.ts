/**
 * The log store (issue 10): bytes per stored line on a generated Plex log, ingest rate while tailing (the real
 * Ingestion with the writer thread) and RSS throughout, full-text query p95 over a large store (rare term, common
 * term, phrase, each with a level + source filter), and how long retention holds the write lock per step.
 * Sizes: ARRGUS_BENCH_STORE_LINES (size and tailing, default 1,000,000; 0 skips both) and ARRGUS_BENCH_FTS_LINES (default
 * 10,000,000; that store is kept in the temp dir as arrgus-bench-fts-N.db and reused by later runs).
 * Targets: <= 200 bytes/line; >= 150k lines/s ingest; RSS < 150 MB; p95 <= 100 ms; retention steps <= 50 ms.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/load.ts';
import { EventBus } from '../src/core/bus.ts';
import { systemClock } from '../src/core/clock.ts';
import type { CoreContext } from '../src/core/context.ts';
import type { ArrgusEvents } from '../src/core/events.ts';
import { createLogger } from '../src/core/logger.ts';
import type { LogRecord } from '../src/core/types.ts';
import { Assembler, DEFAULT_LIMITS } from '../src/parsers/assembler.ts';
import { parsersFor } from '../src/parsers/index.ts';
import { Ingestion } from '../src/sources/ingestion.ts';
import { SourceStatsTracker } from '../src/sources/source-stats.ts';
import { type Database, openDatabase } from '../src/store/db.ts';
import { SEARCH_BUDGET_MS } from '../src/store/log-reader.ts';
import { RecordStore } from '../src/store/records.ts';
import { RetentionPass } from '../src/store/retention-pass.ts';
import { NO_AUTOCHECKPOINT, WalCheckpointer } from '../src/store/wal-checkpointer.ts';
import { plexGenerator } from './gen/plex.ts';

const MB = 2 ** 20;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const rssMb = () => process.memoryUsage().rss / MB;

/** Parsed Plex records, `n` at a time, through the real assembler. */
function* plexBatches(total: number, batch: number, seed = 1, source = 'plex'): Generator<LogRecord[]> {
  const gen = plexGenerator(seed);
  let out: LogRecord[] = [];
  let made = 0;
  const asm = new Assembler({
    parsers: parsersFor('plex'),
    app: 'plex',
    source,
    file: '/config/Library/Logs/Plex Media Server.log',
    limits: DEFAULT_LIMITS,
    now: () => 0,
    emit: (r) => out.push(r),
  });
  while (made < total) {
    while (out.length < batch) for (const l of gen.next().split('\n')) asm.push(l);
    const take = out.slice(0, Math.min(batch, total - made));
    out = out.slice(take.length);
    made += take.length;
    yield take;
  }
}

function dbBytes(file: string): number {
  let n = 0;
  for (const s of ['', '-wal', '-shm']) if (existsSync(file + s)) n += statSync(file + s).size;
  return n;
}

function fill(db: Database, store: RecordStore, lines: number, seed: number, sources: string[]): number {
  const t0 = performance.now();
  let i = 0;
  for (const batch of plexBatches(lines, 10_000, seed)) {
    const source = sources[i++ % sources.length] as string;
    for (const r of batch) r.source = source;
    // A rare word every 100k lines.
    const rare = batch[0];
    if (rare && i % 10 === 0) rare.message += ' zebraquartz';
    store.commit({ records: batch, checkpoints: [], forget: [], at: 0 });
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  return lines / ((performance.now() - t0) / 1000);
}

function sizeBench(dir: string, lines: number): void {
  const file = join(dir, 'size.db');
  const db = openDatabase(file);
  const store = new RecordStore(db);
  store.migrate();
  const rate = fill(db, store, lines, 1, ['plex']);
  const bytes = dbBytes(file);
  console.log(
    `size: ${fmt(lines)} Plex lines → ${fmt(bytes / MB, 1)} MiB, ${fmt(bytes / lines, 1)} bytes/line (all files, WAL checkpointed); inline insert ${fmt(rate)} lines/s`,
  );
  db.close();
}

async function tailBench(dir: string, lines: number): Promise<void> {
  const log = join(dir, 'Plex Media Server.log');
  const fd = openSync(log, 'w');
  const gen = plexGenerator(7);
  let physical = 0;
  let pending: string[] = [];
  for (let i = 0; i < lines; i++) {
    const rec = gen.next();
    pending.push(rec);
    physical += rec.split('\n').length;
    if (pending.length === 10_000) {
      writeSync(fd, `${pending.join('\n')}\n`);
      pending = [];
    }
  }
  if (pending.length) writeSync(fd, `${pending.join('\n')}\n`);
  closeSync(fd);
  const config = validateConfig({
    dataDir: join(dir, 'data'),
    sources: [{ name: 'plex', app: 'plex', path: log, backfill: 'all', timezone: 'UTC' }],
  });
  const logger = createLogger('bench', { level: 'error' });
  const ctx: CoreContext = {
    config,
    logger,
    bus: new EventBus<ArrgusEvents>(logger),
    clock: systemClock,
    instanceId: 'bench',
    version: 'bench',
  };
  const db = openDatabase(join(config.dataDir, 'arrgus.db'));
  const ingestion = new Ingestion(ctx, { db, process: () => undefined, stats: new SourceStatsTracker(systemClock) });
  (globalThis as { gc?: () => void }).gc?.();
  const base = rssMb();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 50);
  const t0 = performance.now();
  await ingestion.start();
  const read = performance.now();
  while (ingestion.records.count() + ingestion.writer.droppedTotal < lines * 0.999) {
    await new Promise((r) => setTimeout(r, 50));
    if (performance.now() - t0 > 600_000) break;
  }
  await ingestion.writer.drain();
  const t1 = performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, rssMb());
  const stored = ingestion.records.count();
  console.log(
    `tailing: ${fmt(stored)} records (${fmt(physical)} lines) of a ${fmt(statSync(log).size / MB)} MiB Plex log read in ${fmt((read - t0) / 1000, 1)} s and stored in ${fmt((t1 - t0) / 1000, 1)} s → ${fmt(physical / ((t1 - t0) / 1000))} lines/s into the store (dropped ${fmt(ingestion.writer.droppedTotal)}); peak RSS ${fmt(peak)} MiB (${fmt(base)} MiB before start; the writer thread included)`,
  );
  await ingestion.stop();
  db.close();
}

/** Milliseconds this thread has spent runnable without a core (/proc/thread-self/schedstat; 0 elsewhere). */
function runQueueMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function ftsBench(lines: number): Promise<void> {
  const file = join(tmpdir(), `arrgus-bench-fts-${lines}.db`);
  const db = openDatabase(file);
  const store = new RecordStore(db);
  store.migrate();
  const have = store.count();
  if (have < lines) {
    console.log(`fts: building a ${fmt(lines)}-line store in ${file} (kept for later runs)…`);
    const rate = fill(db, store, lines - have, 11 + have, ['plex', 'plex-4k', 'plex-kids', 'jellyfin']);
    console.log(`fts: built at ${fmt(rate)} lines/s inline; ${fmt(dbBytes(file) / lines, 1)} bytes/line`);
  }
  const queries: Array<[string, Parameters<RecordStore['logs']['search']>[0]]> = [
    ['rare term', { text: 'zebraquartz', levels: ['debug', 'info'], sources: ['plex'], limit: 50 }],
    ['common term', { text: 'GET', levels: ['debug'], sources: ['plex-4k'], limit: 50 }],
    ['phrase', { text: '"database is locked"', levels: ['error'], sources: ['plex'], limit: 50 }],
    ['rare level', { text: 'transaction', levels: ['fatal'], sources: ['plex'], limit: 50 }],
    ['common, page 2', { text: 'library', levels: ['debug', 'info'], sources: ['jellyfin'], limit: 50 }],
  ];
  const rows: string[] = [];
  for (const [name, q] of queries) {
    // As `/api/logs` and the panel ask: one page in the search budget (a page may end early with a cursor).
    const page = () => store.logs.searchPage(q, SEARCH_BUDGET_MS);
    page();
    const times: number[] = [];
    let found = 0;
    let partial = false;
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const p = page();
      times.push(performance.now() - t0);
      found = p.lines.length;
      partial = p.continueBelow !== undefined;
    }
    rows.push(
      `  ${name.padEnd(16)} ${String(found).padStart(3)} hits${partial ? ' (out of time: next page continues)' : ''}  p50 ${fmt(percentile(times, 50), 1)} ms  p95 ${fmt(percentile(times, 95), 1)} ms`,
    );
  }
  console.log(
    `fts: ${fmt(store.count())} stored lines, 30 runs per query (level + source filter each; one API page, ${SEARCH_BUDGET_MS} ms budget):`,
  );
  console.log(rows.join('\n'));

  // Retention: half the lines expire; the write lock is held for one step at a time. As in the service: this
  // connection never checkpoints, the checkpoint thread does (PASSIVE) after each step.
  db.exec(NO_AUTOCHECKPOINT);
  const checkpointer = new WalCheckpointer(file, (e) => console.log(`checkpoint failed: ${e}`));
  await checkpointer.start();
  // The oldest line left (earlier runs deleted the first ones): the hour after it expires.
  const first =
    (db.prepare('SELECT time FROM logs ORDER BY id LIMIT 1').get() as { time: number } | undefined)?.time ?? 0;
  const pass = new RetentionPass(
    db,
    store.dictionary,
    {
      levels: { trace: 1, debug: 1, info: 1, warn: 1, error: 1, fatal: 1 },
      sources: {},
      maxBytes: 2 ** 40,
    },
    first + 1 + 3_600_000,
  );
  const steps: number[] = [];
  /** CPU time of this thread per step: what the step itself costs, apart from waits (disk, a busy machine). */
  const stepsCpu: number[] = [];
  /** Per step, the time the thread was runnable but had no core (a busy machine), from /proc (Linux). */
  const stepsQueued: number[] = [];
  const t0 = performance.now();
  while (steps.length < 300) {
    const s0 = performance.now();
    const c0 = process.threadCpuUsage();
    const q0 = runQueueMs();
    const done = pass.step();
    checkpointer.wrote();
    if (done) break;
    steps.push(performance.now() - s0);
    const c = process.threadCpuUsage(c0);
    stepsCpu.push((c.user + c.system) / 1000);
    stepsQueued.push(runQueueMs() - q0);
  }
  const cp = await checkpointer.stop();
  if (process.env.ARRGUS_BENCH_STEPS)
    console.log(
      steps
        .map((w, i) => [i, w.toFixed(1), stepsCpu[i]?.toFixed(1), stepsQueued[i]?.toFixed(1)])
        .sort((a, b) => Number(b[1]) - Number(a[1]))
        .slice(0, 8),
    );
  console.log(
    `retention on ${fmt(store.count() + pass.result.deleted)} lines: ${steps.length} steps deleted ${fmt(pass.result.deleted)} lines in ${fmt((performance.now() - t0) / 1000, 1)} s; write lock per step p50 ${fmt(percentile(steps, 50), 1)} ms, p99 ${fmt(percentile(steps, 99), 1)} ms, max ${fmt(Math.max(...steps), 1)} ms (thread CPU per step p99 ${fmt(percentile(stepsCpu, 99), 1)} ms, max ${fmt(Math.max(...stepsCpu), 1)} ms; wall less time waiting for a core p99 ${fmt(
      percentile(
        steps.map((w, i) => w - (stepsQueued[i] ?? 0)),
        99,
      ),
      1,
    )} ms, max ${fmt(Math.max(...steps.map((w, i) => w - (stepsQueued[i] ?? 0))), 1)} ms); ${cp.checkpoints} passive checkpoints beside it`,
  );
  db.close();
}

async function main(): Promise<void> {
  const lines = Number(process.env.ARRGUS_BENCH_STORE_LINES ?? 1_000_000);
  const ftsLines = Number(process.env.ARRGUS_BENCH_FTS_LINES ?? 10_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-bench-store-'));
  try {
    // Tailing first: its RSS is then not inflated by what the other parts allocated.
    if (lines > 0) {
      await tailBench(dir, lines);
      sizeBench(dir, lines);
    }
    await ftsBench(ftsLines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
