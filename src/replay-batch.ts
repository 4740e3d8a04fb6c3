/**
 * Records as the replay's parse thread hands them to the main thread: in columns, like the store writer's batches
 * (store/record-columns.ts). Most records of a log are below the level detection reads (DEBUG/INFO): of those only
 * what detection and the summary look at crosses, in columns of memory both threads share (time, level, flags, lines,
 * offset, app), reused batch after batch. The records detection reads (and every record when records are printed) cross whole,
 * as structured-cloned objects: their fields and the order of their keys arrive as the parsers wrote them.
 */
import { LEVEL_RANK, LEVELS, type Level, type LogRecord } from './core/types.ts';
import { BuiltRecord } from './parsers/record.ts';

/** `meta` bits: level rank in the low three bits, then these. */
const EXACT = 8;
const WHOLE = 16;
const ORPHAN = 32;
const TRUNCATED = 64;

/** One slot's columns: views of memory both threads see (`slotViews`). */
export interface Columns {
  time: Float64Array;
  offset: Float64Array;
  /** Lines each record spans. */
  spans: Int32Array;
  meta: Uint8Array;
  /** Index in the batch's `apps` of each record's app. */
  app: Uint8Array;
}

/** Bytes of one record in a slot. */
const RECORD_BYTES = 8 + 8 + 4 + 1 + 1;

/** Memory for `slots` slots of `capacity` records each, shared by both threads. */
export function slotMemory(slots: number, capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(slots * capacity * RECORD_BYTES);
}

/** The columns of each slot of `memory`. */
export function slotViews(memory: SharedArrayBuffer, capacity: number): Columns[] {
  const slots = memory.byteLength / (capacity * RECORD_BYTES);
  const out: Columns[] = [];
  for (let s = 0; s < slots; s++) {
    let at = s * capacity * RECORD_BYTES;
    const take = (bytes: number): number => {
      const from = at;
      at += bytes * capacity;
      return from;
    };
    out.push({
      time: new Float64Array(memory, take(8), capacity),
      offset: new Float64Array(memory, take(8), capacity),
      spans: new Int32Array(memory, take(4), capacity),
      meta: new Uint8Array(memory, take(1), capacity),
      app: new Uint8Array(memory, take(1), capacity),
    });
  }
  return out;
}

/** What a batch's message carries besides its slot's columns. */
export interface ReplayBatch {
  n: number;
  /** The slot holding the columns. */
  slot: number;
  /** Physical lines read since the previous batch. */
  lines: number;
  apps: string[];
  /** The records that cross whole (WHOLE bit), in order. */
  whole: LogRecord[];
}

/**
 * Collects records into batches of `capacity` records, or fewer once the records that cross whole hold `maxText`
 * characters of text (a batch of 64 KiB stack traces stays as small as one of one-line records); `wholeFrom` is the
 * lowest level rank that crosses whole. Batches take the slots in turn: with one slot more than batches in flight, the
 * slot being filled is never one the main thread is still reading.
 */
export class BatchBuilder {
  private readonly capacity: number;
  private readonly maxText: number;
  private readonly wholeFrom: number;
  private readonly slots: Columns[];
  private text = 0;
  private b: ReplayBatch;
  private cols: Columns;
  private appIndex = new Map<string, number>();
  private lastApp = '';
  private lastAppIndex = -1;

  constructor(capacity: number, maxText: number, wholeFrom: number, slots: Columns[], firstSlot = 0) {
    this.capacity = capacity;
    this.maxText = maxText;
    this.wholeFrom = wholeFrom;
    this.slots = slots;
    this.b = { n: 0, slot: firstSlot, lines: 0, apps: [], whole: [] };
    this.cols = slots[firstSlot] as Columns;
  }

  get size(): number {
    return this.b.n;
  }

  /** The slot the batch being filled takes. */
  get slot(): number {
    return this.b.slot;
  }

  get full(): boolean {
    return this.b.n >= this.capacity || this.text >= this.maxText;
  }

  add(rec: LogRecord): void {
    const b = this.b;
    const c = this.cols;
    const i = b.n++;
    const rank = LEVEL_RANK[rec.level];
    c.time[i] = rec.time;
    c.offset[i] = rec.offset ?? Number.NaN;
    c.spans[i] = rec.lines;
    let meta = rank | (rec.timeExact ? EXACT : 0);
    if (rank >= this.wholeFrom) {
      meta |= WHOLE;
      b.whole.push(rec);
      this.text += rec.raw.length + rec.message.length;
    } else {
      if (rec.orphan) meta |= ORPHAN;
      if (rec.truncated) meta |= TRUNCATED;
    }
    c.meta[i] = meta;
    c.app[i] = this.appOf(rec.app);
  }

  /** The batch so far, with `lines` physical lines read since the last one; the next one fills the next slot. */
  take(lines: number): ReplayBatch {
    const b = this.b;
    b.lines = lines;
    const slot = (b.slot + 1) % this.slots.length;
    this.b = { n: 0, slot, lines: 0, apps: [], whole: [] };
    this.cols = this.slots[slot] as Columns;
    this.text = 0;
    this.appIndex = new Map();
    this.lastApp = '';
    this.lastAppIndex = -1;
    return b;
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
}

/**
 * Hands the records of `b` to `emit`, in order. A record that did not cross whole is rebuilt with what detection reads
 * below its lowest level (time, level, app, source, lines, file and offset, flags) and an empty message and raw text.
 */
export function readBatch(
  b: ReplayBatch,
  cols: Columns,
  source: string,
  file: string | undefined,
  emit: (r: LogRecord) => void,
): void {
  const { time, offset, spans, meta, app } = cols;
  const { apps, whole } = b;
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
