/**
 * The store's writer thread: receives batches (records with the checkpoints that cover them) from StoreWriter and
 * commits them in arrival order. Batches waiting together are committed in ONE transaction (each batch's records,
 * forgets and checkpoints in its own order), which is what makes FTS5 fast: fewer, larger segments. A failing
 * commit is retried (after a pause) with the same batches, so order and exactly-once hold.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, transaction } from './db.ts';
import { type Batch, RecordStore } from './records.ts';

interface Job extends Batch {
  seq: number;
}

const { file } = workerData as { file: string };
const db = openDatabase(file);
db.exec('PRAGMA cache_size = -16000');
const store = new RecordStore(db);
const port = parentPort;
if (!port) throw new Error('store-writer-worker runs as a worker thread');

/** Records per transaction at most (larger waits commit in several). */
const MAX_TX_RECORDS = 5000;
const RETRY_MS = 1000;

const queue: Job[] = [];
let running = false;

port.on('message', (msg: Job | { close: true }) => {
  if ('close' in msg) {
    db.close();
    port.postMessage({ closed: true });
    return;
  }
  queue.push(msg);
  if (!running) {
    running = true;
    setImmediate(run);
  }
});

function run(): void {
  while (queue.length) {
    const take: Job[] = [];
    let n = 0;
    while (queue.length && (take.length === 0 || n + (queue[0] as Job).records.length <= MAX_TX_RECORDS)) {
      const j = queue.shift() as Job;
      n += j.records.length;
      take.push(j);
    }
    try {
      transaction(db, () => {
        for (const j of take) store.commit(j);
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
  }
  running = false;
}

port.postMessage({ ready: true });
