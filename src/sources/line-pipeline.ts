/**
 * The record side of one followed file: bytes → LineSplitter → Assembler → records, with the byte offset a checkpoint
 * can name exactly (the assembler's `committedOffset`: the end of the last record handed on, never the middle of one).
 * Split from the tailer so that the tailer deals only in file handles, rotation and truncation, and this deals only in
 * turning a run of bytes from a known offset into records: the backfill cutoff and the idle flush of a record whose
 * last line may be its last live here too.
 */
import type { LogRecord } from '../core/types.ts';
import { Assembler, type AssemblerLimits } from '../parsers/assembler.ts';
import { parsersFor } from '../parsers/index.ts';
import type { Zone } from '../parsers/time.ts';
import { LineSplitter } from './line-splitter.ts';

/** Bytes per read: large enough to amortise syscalls, small enough that one file cannot hog a turn. */
export const CHUNK_BYTES = 64 * 1024;

export interface LinePipelineOptions {
  source: string;
  /** The assembler app, already resolved per file (`auto` parses as generic). */
  app: string;
  /** The file the records say they came from. */
  file: string;
  zone?: Zone;
  maxLineBytes: number;
  limits: AssemblerLimits;
  idleFlushMs: number;
  /** Reference time for records without a date. */
  now: () => number;
  emit(record: LogRecord): void;
  /** Called between chunks, never from inside the assembler: the one place where a batch may be committed. */
  afterChunk(): void;
}

export class LinePipeline {
  private readonly opts: LinePipelineOptions;
  /** Where the current assembler began: its offsets are all at or after it (a fresh one reports 0). */
  private base = 0;
  private splitter: LineSplitter;
  private asm: Assembler;
  private minTime: number | undefined;
  private idleTimer: NodeJS.Timeout | null = null;
  /** When the armed idle timer fires, and when bytes last arrived: re-arming without new bytes keeps the deadline. */
  private idleDue = 0;
  private lastBytesAt = 0;
  /** Lines read, for the parse-failure ratio and tests. */
  lines = 0;

  constructor(opts: LinePipelineOptions) {
    this.opts = opts;
    this.asm = this.newAssembler();
    this.splitter = this.newSplitter(0);
  }

  /** The offset to checkpoint: after the last record handed on, or where this run of bytes began. */
  get offset(): number {
    return Math.max(this.base, this.asm.committedOffset);
  }

  /**
   * Backfill by duration: drop records older than `time` up to the first one inside the window. It outlives `restart`
   * (a copy drained before the live file is part of the same backfill); undefined keeps everything.
   */
  skipBefore(time: number | undefined): void {
    this.minTime = time;
  }

  /** Starts a new run of bytes at `offset`: whatever was pending is dropped, so end or flush first. */
  restart(offset: number): void {
    this.base = offset;
    this.asm = this.newAssembler();
    this.splitter = this.newSplitter(offset);
  }

  /** Feeds the next bytes of the run, then lets the caller commit. */
  push(bytes: Buffer): void {
    this.lastBytesAt = performance.now();
    this.splitter.push(bytes);
    this.opts.afterChunk();
  }

  /** The run has ended: a last line without newline counts as a line. */
  endLines(): void {
    this.splitter.end();
  }

  /** Emits the pending record: its lines are complete. */
  flush(): void {
    this.asm.flush();
  }

  /** The end of a file that will not grow again (rotated away, truncated): everything out, then commit. */
  endOfFile(): void {
    this.splitter.end();
    this.asm.flush();
    this.opts.afterChunk();
  }

  /**
   * A record's last line is only known to be its last when the next record begins, or when the file goes quiet: emit
   * the pending record after `idleFlushMs` without new bytes, unless a read is under way then (`busy`).
   */
  armIdle(busy: () => boolean): void {
    if (!this.asm.hasPending()) {
      this.clearIdle();
      return;
    }
    // Counted from the last bytes, not from this call: quick re-reads that find nothing must not push it back.
    const due = this.lastBytesAt + this.opts.idleFlushMs;
    if (this.idleTimer && this.idleDue === due) return;
    this.clearIdle();
    this.idleDue = due;
    this.idleTimer = setTimeout(
      () => {
        this.idleTimer = null;
        if (busy()) return;
        this.asm.flush();
        this.opts.afterChunk();
      },
      Math.max(0, due - performance.now()),
    );
    this.idleTimer.unref();
  }

  clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private newAssembler(): Assembler {
    const { app } = this.opts;
    return new Assembler({
      parsers: parsersFor(app),
      app: app === 'auto' ? 'generic' : app,
      source: this.opts.source,
      file: this.opts.file,
      ...(this.opts.zone ? { zone: this.opts.zone } : {}),
      limits: this.opts.limits,
      now: this.opts.now,
      emit: (rec) => {
        if (this.minTime !== undefined) {
          if (rec.time < this.minTime) return;
          this.minTime = undefined;
        }
        this.opts.emit(rec);
      },
    });
  }

  private newSplitter(offset: number): LineSplitter {
    return new LineSplitter(
      (line, start, end, truncated) => {
        this.lines++;
        this.asm.push(line, start, end, truncated);
      },
      offset,
      this.opts.maxLineBytes,
    );
  }
}
