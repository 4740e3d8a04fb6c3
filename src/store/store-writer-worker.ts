/**
 * The store's writer thread: receives batches (records with the checkpoints that cover them) from StoreWriter and
 * commits them in arrival order. Batches waiting together are committed in ONE transaction (each batch's records,
 * forgets and checkpoints in its own order), which is what makes FTS5 fast: fewer, larger segments. A failing
 * commit is retried (after a pause) with the same batches, so order and exactly-once hold.
 */
import type { StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, transaction } from './db.ts';
import { type ColumnBatch, RecordStore } from './records.ts';
import { AUTOMERGE, FTS_HASH_BYTES, RetentionPass, type RetentionPolicy } from './retention-pass.ts';
import { NO_AUTOCHECKPOINT, WalCheckpointer } from './wal-checkpointer.ts';

interface BatchJob extends ColumnBatch {
  seq: number;
}

/** Statements of other rooms (issue timeline, alert log), run in order with the batches. */
interface SqlJob {
  seq: number;
  statements: Array<{ sql: string; args: Array<string | number | null> }>;
  columns?: undefined;
}

type Job = BatchJob | SqlJob;

const { file } = workerData as { file: string };
const db = openDatabase(file);
db.exec('PRAGMA cache_size = -16000');
// Checkpoints run on a thread of their own (wal-checkpointer.ts), never inside this thread's commits.
db.exec(NO_AUTOCHECKPOINT);
const store = new RecordStore(db);
// A retention run cut short (crash, stop) leaves FTS automerge off: on again.
db.exec(`INSERT INTO logs_fts(logs_fts, rank) VALUES('automerge', ${AUTOMERGE})`);
db.exec(`INSERT INTO logs_fts(logs_fts, rank) VALUES('hashsize', ${FTS_HASH_BYTES})`);
const port = parentPort;
if (!port) throw new Error('store-writer-worker runs as a worker thread');
const checkpointer = new WalCheckpointer(file, (failed) => port.postMessage({ checkpointFailed: failed }));
await checkpointer.start();

/** Records per transaction at most (larger waits commit in several). */
const MAX_TX_RECORDS = 5000;
const RETRY_MS = 1000;

const queue: Job[] = [];
/**
 * The other rooms' statements, prepared once: they are a handful of fixed texts (history.ts), run several times per
 * alert, and preparing one costs more than running it.
 */
const statements = new Map<string, StatementSync>();
function statement(sql: string): StatementSync {
  let s = statements.get(sql);
  if (!s) {
    s = db.prepare(sql);
    if (statements.size < 64) statements.set(sql, s);
  }
  return s;
}
let running = false;
/** A retention run in progress: one short step between ingest transactions. */
let retention: { pass: RetentionPass; id: number } | null = null;

type Message = Job | { close: true } | { retain: RetentionPolicy; now: number; id: number };

port.on('message', (msg: Message) => {
  if ('close' in msg) {
    void checkpointer.stop().then(() => {
      // The last checkpoint, on this connection: the files left behind hold everything (and the WAL is empty).
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
      port.postMessage({ closed: true });
    });
    return;
  }
  if ('retain' in msg) {
    retention = { pass: new RetentionPass(db, store.dictionary, msg.retain, msg.now), id: msg.id };
  } else queue.push(msg);
  if (!running) {
    running = true;
    setImmediate(run);
  }
});

function run(): void {
  while (queue.length) {
    const take: Job[] = [];
    let n = 0;
    while (queue.length && (take.length === 0 || n + ((queue[0] as Job).columns?.n ?? 0) <= MAX_TX_RECORDS)) {
      const j = queue.shift() as Job;
      n += j.columns?.n ?? 0;
      take.push(j);
    }
    try {
      transaction(db, () => {
        for (const j of take) {
          if ('statements' in j) for (const q of j.statements) statement(q.sql).run(...q.args);
          else store.commitColumns(j);
        }
      });
    } catch (err) {
      // Ids the dictionary handed out inside the rolled-back transaction no longer exist.
      store.resetCaches();
      queue.unshift(...take);
      port?.postMessage({ failed: err instanceof Error ? err.message : String(err) });
      setTimeout(run, RETRY_MS);
      return;
    }
    port?.postMessage({ done: take.map((j) => j.seq) });
    checkpointer.wrote();
  }
  if (retention) {
    const r = retention;
    try {
      const finished = r.pass.step();
      checkpointer.wrote();
      if (finished) {
        retention = null;
        port?.postMessage({ retained: r.id, result: r.pass.result });
      }
    } catch (err) {
      retention = null;
      store.resetCaches();
      port?.postMessage({ retained: r.id, error: err instanceof Error ? err.message : String(err) });
    }
    // Let batches that arrived meanwhile go first.
    if (retention) {
      setImmediate(run);
      return;
    }
  }
  running = false;
}

port.postMessage({ ready: true });
