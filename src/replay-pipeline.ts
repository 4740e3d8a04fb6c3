/**
 * A replayed file on two cores: a parse thread reads, splits, assembles and parses it (replay-parse-worker.ts) while
 * this thread runs detection and output on the records it posts, in order, in batches. A fixed number of batches is
 * in flight (the parse thread waits past it), so memory does not grow with the file whatever either side's speed.
 * Small files stay on one thread: starting the parse thread costs more than it saves below a few megabytes.
 */
import module from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LEVEL_RANK, type LogRecord } from './core/types.ts';
import { type Columns, type ReplayBatch, readBatch, slotMemory, slotViews } from './replay-batch.ts';
import type { ParseJob, ParseThreadData } from './replay-parse-worker.ts';
import { type StreamSpec, sourceOf } from './replay-read.ts';

/** Files from this size are parsed on their own thread (unless the caller decides). */
export const THREAD_FROM_BYTES = 8 << 20;
/**
 * Records per batch, and text per batch (the records that cross whole): small enough that a batch dies young on the
 * main thread instead of being promoted to its old generation while detection works through it.
 */
const BATCH = 2048;
const BATCH_TEXT = 1 << 20;
const IN_FLIGHT = 4;

type Message = { batch: ReplayBatch } | { done: true } | { failed: { message: string; code?: string; path?: string } };

/**
 * The parse thread of one replay: started at the first file that needs it, reused for the next ones, stopped at the
 * end. Files are read one at a time, in the replay's order.
 */
export class ParseThread {
  private worker: Worker | null = null;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly memory = slotMemory(IN_FLIGHT + 1, BATCH);
  private readonly slots: Columns[] = slotViews(this.memory, BATCH);
  private readonly queue: Message[] = [];
  private wake: (() => void) | null = null;
  private crashed: Error | null = null;

  /**
   * Replays `spec.file`; `emit` gets every record in file order (records below `spec.detailsFrom` without their text:
   * see readBatch), `between` runs after each batch (output back-pressure). Resolves with the physical lines read.
   */
  async replay(
    spec: StreamSpec,
    now: number,
    emit: (record: LogRecord) => void,
    between: () => Promise<void>,
  ): Promise<number> {
    const worker = this.warm();
    worker.ref();
    const job: ParseJob = {
      spec,
      now,
      wholeFrom: spec.detailsFrom === undefined ? 0 : LEVEL_RANK[spec.detailsFrom],
    };
    worker.postMessage(job);
    const source = sourceOf(spec.file);
    const file = spec.file;
    const counter = this.counter;
    let lines = 0;
    for (;;) {
      const m = this.queue.shift();
      if (m === undefined) {
        if (this.crashed) throw this.crashed;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      if ('failed' in m) throw Object.assign(new Error(m.failed.message), m.failed);
      if ('done' in m) return lines;
      readBatch(m.batch, this.slots[m.batch.slot] as Columns, source, file, emit);
      lines += m.batch.lines;
      Atomics.sub(counter, 0, 1);
      Atomics.notify(counter, 0);
      await between();
    }
  }

  /** Stops the thread (also in the middle of a file: a failed output, a failed detection). */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    // Wakes a parse thread waiting for room before stopping it.
    Atomics.store(this.counter, 0, -(1 << 30));
    Atomics.notify(this.counter, 0);
    await worker.terminate();
  }

  /**
   * Starts the thread now (it takes a few hundred milliseconds to load), so it is ready when the first file is. Until a
   * file is sent to it, the thread does not keep the process alive (a caller that fails before `replay` can just exit).
   */
  warm(): Worker {
    if (this.worker) return this.worker;
    const data: ParseThreadData = {
      batchSize: BATCH,
      batchText: BATCH_TEXT,
      maxInFlight: IN_FLIGHT,
      inFlight: this.counter.buffer as SharedArrayBuffer,
      slots: this.memory,
    };
    // No `resourceLimits.maxYoungGenerationSizeMb`: V8's process-wide `--max-semi-space-size` (the bin's shebang)
    // overrides it, so the thread's young generation is the main thread's size either way.
    const worker = new Worker(workerBoot(), { eval: true, workerData: data });
    const nudge = (): void => {
      const w = this.wake;
      this.wake = null;
      w?.();
    };
    worker.on('message', (m: Message) => {
      this.queue.push(m);
      nudge();
    });
    worker.on('error', (err) => {
      this.crashed = err;
      nudge();
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.crashed ??= new Error(`the replay's parse thread stopped (exit code ${code})`);
      nudge();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

/** The worker's entry: the compile cache first (as bin/arrgus.js does), so its modules load without type stripping. */
function workerBoot(): string {
  const url = new URL('./replay-parse-worker.ts', import.meta.url).href;
  const cache = module.getCompileCacheDir?.();
  const enable = cache ? `require('node:module').enableCompileCache(${JSON.stringify(dirname(cache))});` : '';
  return `${enable}import(${JSON.stringify(url)});`;
}
