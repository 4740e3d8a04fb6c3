/**
 * Records as the replay's parse thread hands them to the main thread: in columns, like the store writer's batches
 * (store/record-columns.ts). Most records of a log are below the level detection reads (DEBUG/INFO): of those only
 * what detection and the summary look at crosses, in typed arrays that are handed over, not copied (time, level,
 * flags, lines, offset, app). The records detection reads (and every record when records are printed) cross whole,
 * as structured-cloned objects: their fields and the order of their keys arrive as the parsers wrote them.
 */
import { LEVEL_RANK, LEVELS, type Level, type LogRecord } from './core/types.ts';
import { BuiltRecord } from './parsers/record.ts';

/** `meta` bits: level rank in the low three bits, then these. */
const EXACT = 8;
const WHOLE = 16;
const ORPHAN = 32;
const TRUNCATED = 64;

export interface ReplayBatch {
  n: number;
  /** Physical lines read since the previous batch. */
  lines: number;
  time: Float64Array;
  offset: Float64Array;
  /** Lines each record spans. */
  spans: Int32Array;
  meta: Uint8Array;
  /** Index in `apps` of each record's app. */
  app: Uint8Array;
  apps: string[];
  /** The records that cross whole (WHOLE bit), in order. */
  whole: LogRecord[];
}

/**
 * Collects records into batches of `capacity` records, or fewer once the records that cross whole hold `maxText`
 * characters of text (a batch of 64 KiB stack traces stays as small as one of one-line records); `wholeFrom` is the
 * lowest level rank that crosses whole.
 */
export class BatchBuilder {
  private readonly capacity: number;
  private readonly maxText: number;
  private readonly wholeFrom: number;
  private text = 0;
  private b: ReplayBatch;
  private appIndex = new Map<string, number>();
  private lastApp = '';
  private lastAppIndex = -1;

  constructor(capacity: number, maxText: number, wholeFrom: number) {
    this.capacity = capacity;
    this.maxText = maxText;
    this.wholeFrom = wholeFrom;
    this.b = this.fresh();
  }

  get size(): number {
    return this.b.n;
  }

  get full(): boolean {
    return this.b.n >= this.capacity || this.text >= this.maxText;
  }

  add(rec: LogRecord): void {
    const b = this.b;
    const i = b.n++;
    const rank = LEVEL_RANK[rec.level];
    b.time[i] = rec.time;
    b.offset[i] = rec.offset ?? Number.NaN;
    b.spans[i] = rec.lines;
    let meta = rank | (rec.timeExact ? EXACT : 0);
    if (rank >= this.wholeFrom) {
      meta |= WHOLE;
      b.whole.push(rec);
      this.text += rec.raw.length + rec.message.length;
    } else {
      if (rec.orphan) meta |= ORPHAN;
      if (rec.truncated) meta |= TRUNCATED;
    }
    b.meta[i] = meta;
    b.app[i] = this.appOf(rec.app);
  }

  /** The batch so far (with `lines` physical lines read since the last one), and the typed arrays to hand over. */
  take(lines: number): { batch: ReplayBatch; transfer: ArrayBuffer[] } {
    const b = this.b;
    b.lines = lines;
    this.b = this.fresh();
    this.text = 0;
    this.appIndex = new Map();
    this.lastApp = '';
    this.lastAppIndex = -1;
    const transfer = [b.time.buffer, b.offset.buffer, b.spans.buffer, b.meta.buffer, b.app.buffer] as ArrayBuffer[];
    return { batch: b, transfer };
  }

  private appOf(app: string): number {
    if (app === this.lastApp) return this.lastAppIndex;
    let k = this.appIndex.get(app);
    if (k === undefined) {
      k = this.b.apps.length;
      this.b.apps.push(app);
      this.appIndex.set(app, k);
    }
    this.lastApp = app;
    this.lastAppIndex = k;
    return k;
  }

  private fresh(): ReplayBatch {
    const n = this.capacity;
    return {
      n: 0,
      lines: 0,
      time: new Float64Array(n),
      offset: new Float64Array(n),
      spans: new Int32Array(n),
      meta: new Uint8Array(n),
      app: new Uint8Array(n),
      apps: [],
      whole: [],
    };
  }
}

/**
 * Hands the records of `b` to `emit`, in order. A record that did not cross whole is rebuilt with what detection reads
 * below its lowest level (time, level, app, source, lines, file and offset, flags) and an empty message and raw text.
 */
export function readBatch(
  b: ReplayBatch,
  source: string,
  file: string | undefined,
  emit: (r: LogRecord) => void,
): void {
  const { time, offset, spans, meta, app, apps, whole } = b;
  let next = 0;
  for (let i = 0; i < b.n; i++) {
    const m = meta[i] as number;
    if (m & WHOLE) {
      emit(whole[next++] as LogRecord);
      continue;
    }
    const rec: LogRecord = new BuiltRecord(
      time[i] as number,
      (m & EXACT) !== 0,
      LEVELS[m & 7] as Level,
      apps[app[i] as number] as string,
      source,
      '',
      '',
      spans[i] as number,
    );
    if (m & ORPHAN) rec.orphan = true;
    if (file !== undefined) rec.file = file;
    const at = offset[i] as number;
    if (!Number.isNaN(at)) rec.offset = at;
    if (m & TRUNCATED) rec.truncated = true;
    emit(rec);
  }
}
