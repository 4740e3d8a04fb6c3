/**
 * Batched writes off the hot path: ingestion hands each batch (records + the checkpoints that cover them) to
 * `submit`, which returns at once; a worker thread (store-writer-worker.ts) commits batches in order, each with its
 * checkpoints in the same transaction, so a restart — SIGKILL included — resumes exactly where the store ends.
 *
 * Back-pressure is bounded: file readers ask `room()` before each read and wait while half of `maxQueued` records
 * are waiting for the disk (the file keeps the lines: nothing is lost, memory stays bounded). Batches submitted past
 * `maxQueued` anyway (lines pushed over HTTP cannot wait) keep their checkpoints but their records are dropped,
 * counted per source and logged, never silently. An in-memory database (tests) is written inline instead.
 */
import module from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/logger.ts';
import type { Database } from './db.ts';
import { toColumns, transferables } from './record-columns.ts';
import type { Batch, RecordStore } from './records.ts';
import { RetentionPass, type RetentionPolicy, type RetentionResult } from './retention-pass.ts';
import { NO_AUTOCHECKPOINT } from './wal-checkpointer.ts';

export interface StoreWriterOptions {
  db: Database;
  store: RecordStore;
  logger: Logger;
  /** Records waiting for the disk past which new records are dropped (default 20,000). */
  maxQueued?: number;
}

const MAX_STATEMENTS_PER_MESSAGE = 1000;
/** SQLite's own `wal_autocheckpoint`, back once the writer thread (and its checkpoints) are gone. */
const DEFAULT_AUTOCHECKPOINT = 1000;

export class StoreWriter {
  private readonly opts: StoreWriterOptions;
  private worker: Worker | null = null;
  private seq = 0;
  /** Records submitted and not yet committed, by batch. */
  private readonly pending = new Map<number, number>();
  private queued = 0;
  private readonly drops = new Map<string, number>();
  private totalDropped = 0;
  private waiters: Array<() => void> = [];
  private failing = false;
  /** A checkpoint failed (logged once until the store stops). */
  private checkpointFailing = false;
  private closing: Promise<void> | null = null;
  private retentionId = 0;
  private roomWaiters: { promise: Promise<void> | null; resolve: (() => void) | null } | null = null;
  private readonly retentions = new Map<number, { resolve(r: RetentionResult): void; reject(e: Error): void }>();
  /** Statements from `exec` not handed to the thread yet. */
  private statements: Array<{ sql: string; args: ReadonlyArray<string | number | null> }> = [];

  constructor(opts: StoreWriterOptions) {
    this.opts = opts;
  }

  /**
   * For readers that can wait (files): undefined while the backlog is under half of `maxQueued`, else a promise that
   * resolves once it is under a quarter. Records submitted past `maxQueued` (pushed lines) are dropped and counted.
   */
  room(): Promise<void> | undefined {
    const max = this.opts.maxQueued ?? 20_000;
    if (!this.worker || this.queued < max / 2) return undefined;
    this.roomWaiters ??= { promise: null, resolve: null };
    if (!this.roomWaiters.promise) {
      this.roomWaiters.promise = new Promise<void>((resolve) => {
        if (this.roomWaiters) this.roomWaiters.resolve = resolve;
      });
    }
    return this.roomWaiters.promise;
  }

  /** Records waiting for the disk now. */
  get backlog(): number {
    return this.queued;
  }

  /** Records dropped by back-pressure since start, per source. */
  dropped(): Map<string, number> {
    return new Map(this.drops);
  }

  /** Records dropped by back-pressure since start. */
  get droppedTotal(): number {
    return this.totalDropped;
  }

  async start(): Promise<void> {
    const file = this.opts.db.location();
    if (!file) return;
    // Named: the thread's CPU time shows apart in /proc (benchmarks, top -H).
    const worker = new Worker(workerBoot(), { eval: true, name: 'store-writer', workerData: { file } });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (!m.ready) return;
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.on('message', (m: { done?: number[]; failed?: string; closed?: boolean }) => this.onMessage(m));
    worker.on('error', (err) => this.opts.logger.error('The store writer thread failed.', { error: err }));
    worker.unref();
    // The writer thread's checkpoint thread copies the WAL into the database; a commit of this connection (outbox,
    // first-seen marks) must not run one itself on the main thread.
    this.opts.db.exec(NO_AUTOCHECKPOINT);
  }

  /** Hands a batch to the writer. Throws only in inline mode (in-memory database), like a direct commit. */
  submit(batch: Batch): void {
    if (!batch.records.length && !batch.checkpoints.length && !batch.forget.length) return;
    if (!this.worker) {
      this.opts.store.commit(batch);
      return;
    }
    const max = this.opts.maxQueued ?? 20_000;
    let b = batch;
    if (this.queued + batch.records.length > max && batch.records.length) {
      for (const r of batch.records) this.drops.set(r.source, (this.drops.get(r.source) ?? 0) + 1);
      const before = this.totalDropped;
      this.totalDropped += batch.records.length;
      if (before === 0 || Math.floor(before / 100_000) !== Math.floor(this.totalDropped / 100_000)) {
        this.opts.logger.warn(
          `The disk is not keeping up: ${this.totalDropped} records were not stored so that tailing does not wait (detection and alerts still saw them).`,
          { backlog: this.queued },
        );
      }
      b = { ...batch, records: [], issues: [] };
    }
    this.postStatements();
    const seq = ++this.seq;
    this.pending.set(seq, b.records.length);
    this.queued += b.records.length;
    // Only what the store keeps crosses, in columns; their typed arrays are handed over, not copied.
    const columns = toColumns(b.records, b.issues);
    const job = { columns, checkpoints: b.checkpoints, forget: b.forget, at: b.at, seq };
    this.worker.postMessage(job, transferables(columns));
  }

  /**
   * Runs retention where the writes happen (the writer thread), one short step between batches, so ingestion is
   * never held behind a long delete. Resolves with what was deleted and the longest step.
   */
  retain(policy: RetentionPolicy, now: number): Promise<RetentionResult> {
    const worker = this.worker;
    if (!worker) return runInline(new RetentionPass(this.opts.db, this.opts.store.dictionary, policy, now));
    this.postStatements();
    const id = ++this.retentionId;
    return new Promise<RetentionResult>((resolve, reject) => {
      this.retentions.set(id, {
        resolve: (r) => {
          if (!this.retentions.size && !this.pending.size && !this.closing) worker.unref();
          resolve(r);
        },
        reject,
      });
      worker.ref();
      worker.postMessage({ retain: policy, now, id });
    });
  }

  /**
   * Runs a write statement in order with the batches (the issue timeline, the alert log): the caller never waits on
   * the writer thread's lock. Inline (in-memory database) it runs at once.
   */
  exec(sql: string, args: ReadonlyArray<string | number | null>): void {
    if (!this.worker) {
      this.opts.db.prepare(sql).run(...args);
      return;
    }
    // One message per turn (or per 1000 statements), not one per statement: a flood of alerts writes a few rows
    // each, and a message to the thread costs more than the row.
    this.statements.push({ sql, args });
    if (this.statements.length >= MAX_STATEMENTS_PER_MESSAGE) this.postStatements();
    else if (this.statements.length === 1) queueMicrotask(() => this.postStatements());
  }

  /** Hands the statements `exec` collected to the thread, before anything submitted after them. */
  private postStatements(): void {
    if (!this.statements.length || !this.worker) return;
    const seq = ++this.seq;
    this.pending.set(seq, 0);
    this.worker.postMessage({ seq, statements: this.statements });
    this.statements = [];
  }

  /** Resolves when every submitted batch is committed. */
  async drain(): Promise<void> {
    this.postStatements();
    if (!this.pending.size) return;
    // The thread is unref'd so that it never keeps the process alive by itself; while someone waits on it, it must.
    this.worker?.ref();
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.closing) this.worker?.unref();
  }

  /** Commits what waits, then ends the thread. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.closing ??= (async () => {
      worker.ref();
      await this.drain();
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ close: true });
      });
      this.worker = null;
      if (this.opts.db.isOpen) this.opts.db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    })();
    await this.closing;
  }

  private onMessage(m: {
    done?: number[];
    failed?: string;
    closed?: boolean;
    retained?: number;
    result?: RetentionResult;
    error?: string;
    checkpointFailed?: string;
  }): void {
    if (m.closed) {
      for (const r of this.retentions.values()) r.reject(new Error('the store closed during retention'));
      this.retentions.clear();
      void this.worker?.terminate();
      return;
    }
    if (m.retained !== undefined) {
      const r = this.retentions.get(m.retained);
      this.retentions.delete(m.retained);
      if (m.result) r?.resolve(m.result);
      else r?.reject(new Error(m.error ?? 'retention failed'));
      return;
    }
    if (m.checkpointFailed !== undefined) {
      if (!this.checkpointFailing)
        this.opts.logger.warn('A WAL checkpoint failed; the next commit tries again.', { error: m.checkpointFailed });
      this.checkpointFailing = true;
      return;
    }
    if (m.failed !== undefined) {
      if (!this.failing)
        this.opts.logger.error('Storing records failed; they are kept and retried.', { error: m.failed });
      this.failing = true;
      return;
    }
    if (m.done) {
      if (this.failing) this.opts.logger.info('Storing records works again.');
      this.failing = false;
      for (const seq of m.done) {
        this.queued -= this.pending.get(seq) ?? 0;
        this.pending.delete(seq);
      }
      const room = this.roomWaiters;
      if (room?.resolve && this.queued < (this.opts.maxQueued ?? 20_000) / 4) {
        room.resolve();
        this.roomWaiters = null;
      }
      if (!this.pending.size) {
        const w = this.waiters;
        this.waiters = [];
        for (const fn of w) fn();
      }
    }
  }
}

/**
 * The worker's first code. A worker thread does not inherit the compile cache the bin enables (Node 24): without it the
 * thread strips the types of its modules itself, which loads the TypeScript stripper into the thread (~30 MB of
 * memory, held for the life of the process). Enabled in the same directory as the main thread's, before any of them loads.
 */
function workerBoot(): string {
  const url = new URL('./store-writer-worker.ts', import.meta.url).href;
  const cache = module.getCompileCacheDir?.();
  const enable = cache ? `require('node:module').enableCompileCache(${JSON.stringify(dirname(cache))});` : '';
  return `${enable}import(${JSON.stringify(url)});`;
}

async function runInline(pass: RetentionPass): Promise<RetentionResult> {
  while (!pass.step()) await new Promise<void>((r) => setImmediate(r));
  return pass.result;
}
