/**
 * The replay's parse thread (started by replay-pipeline.ts): reads the files it is sent, one at a time, splits,
 * assembles and parses them, and posts the records to the main thread in batches (replay-batch.ts). At most `maxInFlight` batches wait for the main thread:
 * past that the thread blocks on the shared counter until the main thread has read one (back-pressure, so memory stays
 * bounded whatever the file's size). Each file ends with `{ done }`, or
 * `{ failed }` naming what went wrong.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { BatchBuilder, slotViews } from './replay-batch.ts';
import { fileChunks, RecordStream, type StreamSpec } from './replay-read.ts';

/** The thread's settings (workerData). */
export interface ParseThreadData {
  batchSize: number;
  /** Characters of whole records' text after which a batch goes out before it is full. */
  batchText: number;
  maxInFlight: number;
  /** One Int32: batches posted and not yet read by the main thread. */
  inFlight: SharedArrayBuffer;
  /** The batches' columns (replay-batch.ts `slotMemory`), maxInFlight + 1 slots. */
  slots: SharedArrayBuffer;
}

/** One file to read (a message from the main thread). */
export interface ParseJob {
  spec: StreamSpec;
  /** Reference time for records without a date (the file's mtime). */
  now: number;
  /** The lowest level rank whose records cross whole. */
  wholeFrom: number;
}

const data = workerData as ParseThreadData;
const inFlight = new Int32Array(data.inFlight);
const slots = slotViews(data.slots, data.batchSize);
/** The slot the next batch fills (files follow each other in the same ring). */
let slot = 0;

function run(job: ParseJob, port: MessagePort): void {
  const builder = new BatchBuilder(data.batchSize, data.batchText, job.wholeFrom, slots, slot);
  let posted = 0;
  const post = (stream: RecordStream): void => {
    for (let n = Atomics.load(inFlight, 0); n >= data.maxInFlight; n = Atomics.load(inFlight, 0))
      Atomics.wait(inFlight, 0, n);
    Atomics.add(inFlight, 0, 1);
    const batch = builder.take(stream.lines - posted);
    slot = builder.slot;
    posted = stream.lines;
    port.postMessage({ batch });
  };
  const stream: RecordStream = new RecordStream(
    job.spec,
    () => job.now,
    (rec) => {
      builder.add(rec);
      if (builder.full) post(stream);
    },
    true,
  );
  for (const chunk of fileChunks(job.spec.file)) stream.push(chunk);
  stream.end();
  if (builder.size > 0 || stream.lines > posted) post(stream);
  port.postMessage({ done: true });
}

const port = parentPort;
if (!port) throw new Error('replay-parse-worker runs as a worker thread');
port.on('message', (job: ParseJob) => {
  try {
    run(job, port);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    port.postMessage({ failed: { message: e.message ?? String(err), code: e.code, path: e.path } });
  }
});
