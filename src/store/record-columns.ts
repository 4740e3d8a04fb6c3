/**
 * Records as the log store keeps them, in columns: what crosses from ingestion to the writer thread. Only the fields
 * the store writes travel (no thread, correlation or stack), numbers in typed arrays, repeated strings (source, app,
 * logger, file, exception type, issue) once per batch, and the message as a position inside `raw` whenever it is part
 * of it. Copying this between threads costs a few typed arrays and one array of strings, where an array of record
 * objects costs every property of every record twice (serialised, then rebuilt as objects for the collector).
 */
import { LEVEL_RANK, LEVELS, type Level, type LogRecord } from '../core/types.ts';

/** Int32 fields per record in `ints`. */
export const INTS = 11;
/** Offsets of the fields inside a record's `ints` slot. */
export const F = {
  level: 0,
  lines: 1,
  source: 2,
  app: 3,
  /** Index in `names`, or -1 (none). Likewise `file`, `issue`, `exception` (index in `excType`/`excMessage`). */
  logger: 4,
  file: 5,
  issue: 6,
  /** Where the message starts inside `raw`, or -1: the message is the next one of `messages`. */
  msgAt: 7,
  msgLen: 8,
  /** FLAG bits. */
  flags: 9,
  droppedLines: 10,
} as const;
export const FLAG = { timeExact: 1, orphan: 2, truncated: 4 } as const;

export interface RecordColumns {
  n: number;
  /** The repeated strings the `ints` fields point at. */
  names: string[];
  time: Float64Array;
  /** NaN when the record has no offset (pushed lines). */
  offset: Float64Array;
  ints: Int32Array;
  raw: string[];
  /** Messages that are not part of their raw text, in record order. */
  messages: string[];
  /** Per record: index into `excType`/`excMessage`, or -1. */
  exception: Int32Array;
  /** Index in `names` of each exception's type. */
  excType: number[];
  excMessage: string[];
}

/** The columns of `records`; `issues[i]` is the issue detection gave `records[i]`, if any. */
export function toColumns(
  records: readonly LogRecord[],
  issues?: ReadonlyArray<string | null | undefined>,
): RecordColumns {
  const n = records.length;
  const names: string[] = [];
  const index = new Map<string, number>();
  const name = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = names.length;
      names.push(s);
      index.set(s, i);
    }
    return i;
  };
  const c: RecordColumns = {
    n,
    names,
    time: new Float64Array(n),
    offset: new Float64Array(n),
    ints: new Int32Array(n * INTS),
    raw: new Array<string>(n),
    messages: [],
    exception: new Int32Array(n),
    excType: [],
    excMessage: [],
  };
  for (let i = 0; i < n; i++) {
    const r = records[i] as LogRecord;
    const o = i * INTS;
    const ints = c.ints;
    c.time[i] = r.time;
    c.offset[i] = r.offset ?? Number.NaN;
    c.raw[i] = r.raw;
    ints[o + F.level] = LEVEL_RANK[r.level];
    ints[o + F.lines] = r.lines;
    ints[o + F.source] = name(r.source);
    ints[o + F.app] = name(r.app);
    ints[o + F.logger] = r.logger !== undefined ? name(r.logger) : -1;
    ints[o + F.file] = r.file !== undefined ? name(r.file) : -1;
    const issue = issues?.[i];
    ints[o + F.issue] = issue ? name(issue) : -1;
    const at = r.raw.indexOf(r.message);
    ints[o + F.msgAt] = at;
    ints[o + F.msgLen] = r.message.length;
    if (at < 0) c.messages.push(r.message);
    ints[o + F.flags] =
      (r.timeExact ? FLAG.timeExact : 0) | (r.orphan ? FLAG.orphan : 0) | (r.truncated ? FLAG.truncated : 0);
    ints[o + F.droppedLines] = r.droppedLines ?? 0;
    if (r.exception) {
      c.exception[i] = c.excType.length;
      c.excType.push(name(r.exception.type));
      c.excMessage.push(r.exception.message);
    } else c.exception[i] = -1;
  }
  return c;
}

/** The typed arrays of `c`, to hand over (transfer) to another thread instead of copying them. */
export function transferables(c: RecordColumns): ArrayBuffer[] {
  return [c.time.buffer, c.offset.buffer, c.ints.buffer, c.exception.buffer] as ArrayBuffer[];
}

/** Reads one record's fields out of the columns (in order: `messageOf` walks `messages` as records are read). */
export class ColumnReader {
  private readonly c: RecordColumns;
  private nextMessage = 0;

  constructor(c: RecordColumns) {
    this.c = c;
  }

  /** The message of record `i`; call once per record, in order. */
  messageOf(i: number): string {
    const c = this.c;
    const at = c.ints[i * INTS + F.msgAt] as number;
    if (at < 0) return c.messages[this.nextMessage++] as string;
    return (c.raw[i] as string).slice(at, at + (c.ints[i * INTS + F.msgLen] as number));
  }

  int(i: number, field: number): number {
    return this.c.ints[i * INTS + field] as number;
  }

  /** The string an `ints` field points at, or undefined (-1). */
  name(i: number, field: number): string | undefined {
    const k = this.c.ints[i * INTS + field] as number;
    return k < 0 ? undefined : this.c.names[k];
  }

  level(i: number): Level {
    return LEVELS[this.int(i, F.level)] as Level;
  }
}
