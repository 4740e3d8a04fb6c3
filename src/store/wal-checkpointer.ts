/**
 * WAL checkpoints off the writer's path. SQLite's automatic checkpoint runs inside the commit that crosses
 * `wal_autocheckpoint` pages, on the connection that commits: the writer thread then copies a few MB into the
 * database file and syncs it while holding its lock (the 40-90 ms pauses retention steps and ingest commits met).
 * Connections of the store turn that off (`wal_autocheckpoint = 0`); this thread, with a connection of its own, runs
 * PASSIVE checkpoints instead, which never take the write lock nor wait for it.
 *
 * The WAL stays bounded: the writer restarts it from its start once a checkpoint has copied every frame, and
 * `journal_size_limit` cuts the file back then. Should readers keep old snapshots so long that passive checkpoints
 * never catch up and the file passes `WAL_LIMIT`, one TRUNCATE checkpoint is tried, waiting at most `TRUNCATE_WAIT_MS`
 * for the lock (so ingestion waits no longer than that).
 *
 * The thread's code is plain JavaScript, not a module of ours: a worker that loads TypeScript files loads the type
 * stripper with them (~30 MB held for the life of the process, see store-writer.ts).
 */
import { Worker } from 'node:worker_threads';

/** WAL bytes past which a TRUNCATE checkpoint is tried (and the size the file is cut back to after a reset). */
export const WAL_LIMIT = 64 << 20;
/** How long a commit may wait for the next checkpoint: WAL growth between two is what the writer wrote meanwhile. */
const DELAY_MS = 100;
const TRUNCATE_WAIT_MS = 20;

const THREAD = `
const { DatabaseSync } = require('node:sqlite');
const { statSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { file, limit, delay, truncateWait } = workerData;
const db = new DatabaseSync(file);
db.exec('PRAGMA busy_timeout = 0; PRAGMA wal_autocheckpoint = 0');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer = null;
let stats = { checkpoints: 0, truncates: 0, failed: 0 };
function walBytes() {
  try { return statSync(file + '-wal').size; } catch { return 0; }
}
function run() {
  timer = null;
  try {
    const r = passive.get();
    stats.checkpoints++;
    if (r.log > r.checkpointed && walBytes() > limit) {
      db.exec('PRAGMA busy_timeout = ' + truncateWait);
      try { db.exec('PRAGMA wal_checkpoint(TRUNCATE)'); stats.truncates++; } finally { db.exec('PRAGMA busy_timeout = 0'); }
    }
  } catch (err) {
    stats.failed++;
    parentPort.postMessage({ failed: err && err.message ? err.message : String(err) });
  }
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.postMessage({ closed: stats });
    parentPort.close();
    return;
  }
  if (!timer) timer = setTimeout(run, delay);
});
parentPort.postMessage({ ready: true });
`;

export interface CheckpointerStats {
  checkpoints: number;
  truncates: number;
  failed: number;
}

/** The checkpoint thread of one database file. */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private closed: Promise<CheckpointerStats> | null = null;

  /** `onError`: a checkpoint failed (the next commit tries again). */
  constructor(file: string, onError: (message: string) => void) {
    this.worker = new Worker(THREAD, {
      eval: true,
      name: 'wal-checkpoint',
      workerData: { file, limit: WAL_LIMIT, delay: DELAY_MS, truncateWait: TRUNCATE_WAIT_MS },
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (m: { ready?: boolean; failed?: string }) => {
        if (m.ready) {
          // Referenced until then: the writer thread awaits this before it listens to its own port.
          this.worker.unref();
          resolve();
        }
        if (m.failed !== undefined) onError(m.failed);
      });
    });
  }

  /** Resolves once the thread has its connection. */
  start(): Promise<void> {
    return this.ready;
  }

  /** The writer committed: a checkpoint follows within DELAY_MS (commits meanwhile share it). */
  wrote(): void {
    this.worker.postMessage(0);
  }

  /** Ends the thread (no checkpoint of its own: the caller runs the last one on its connection). */
  stop(): Promise<CheckpointerStats> {
    this.closed ??= new Promise<CheckpointerStats>((resolve) => {
      this.worker.on('message', (m: { closed?: CheckpointerStats }) => {
        if (m.closed) resolve(m.closed);
      });
      this.worker.once('exit', () => resolve({ checkpoints: 0, truncates: 0, failed: 0 }));
      // Whoever waits for the end keeps the process up until then.
      this.worker.ref();
      this.worker.postMessage('close');
    });
    return this.closed;
  }
}

/** Settings of a connection whose checkpoints the thread runs. */
export const NO_AUTOCHECKPOINT = `PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = ${WAL_LIMIT}`;
