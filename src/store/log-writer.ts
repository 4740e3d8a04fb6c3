/**
 * Writes records into the log store (inside the caller's transaction): the row with its dictionary ids and encoded
 * text, the FTS entry, and the counts. Rows and FTS entries go in multi-row statements (one call per 32 records):
 * per-statement overhead, not SQLite, is what limits a single-row loop.
 */
import type { Counts } from './counts.ts';
import type { Database } from './db.ts';
import { Dictionary } from './dictionary.ts';
import { mask, timeTemplate } from './log-encode.ts';
import { DICT, type DictKind, RAW_AS_IS } from './log-schema.ts';
import { ColumnReader, F, FLAG, INTS, type RecordColumns } from './record-columns.ts';

const ROW_COLUMNS =
  'id, time, level, source, app, logger, issue, tmpl, args, pre, pretext, tail, file, offset, lines, exc, excmsg, extras';
const ROW_WIDTH = 18;
const FTS_WIDTH = 4;
const CHUNK = 32;
/** Longer messages are stored as they are: a template of them would rarely repeat. */
const MAX_TEMPLATE = 2000;

type Value = string | number | null;

export class LogWriter {
  private readonly db: Database;
  readonly dict: Dictionary;
  private readonly counts: Counts;
  private readonly statements = new Map<string, ReturnType<Database['prepare']>>();

  constructor(db: Database, counts: Counts) {
    this.db = db;
    this.dict = new Dictionary(db);
    this.counts = counts;
  }

  /** Stores records given as columns (call inside a transaction). */
  write(c: RecordColumns): void {
    if (!c.n) return;
    const max = this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM logs').get() as { id: number };
    let id = max.id;
    // The batch's repeated strings map to dictionary ids once, not once per line.
    const ids = new Map<number, number | null>();
    const dictId = (kind: DictKind, k: number): number | null => {
      if (k < 0) return null;
      const key = k * 16 + kind;
      let v = ids.get(key);
      if (v === undefined) {
        v = this.dict.id(kind, c.names[k] as string);
        ids.set(key, v);
      }
      return v;
    };
    const read = new ColumnReader(c);
    let rows: Value[] = [];
    let fts: Value[] = [];
    let n = 0;
    for (let i = 0; i < c.n; i++) {
      id++;
      this.encode(c, read, i, dictId, id, rows, fts);
      n++;
      if (n === CHUNK) {
        this.insert(n, rows, fts);
        rows = [];
        fts = [];
        n = 0;
      }
    }
    if (n) this.insert(n, rows, fts);
    this.counts.add(c);
  }

  private encode(
    c: RecordColumns,
    read: ColumnReader,
    i: number,
    dictId: (kind: DictKind, k: number) => number | null,
    id: number,
    rows: Value[],
    fts: Value[],
  ): void {
    const d = this.dict;
    const o = i * INTS;
    const ints = c.ints;
    const time = c.time[i] as number;
    const raw = c.raw[i] as string;
    const message = read.messageOf(i);
    const loggerName = read.name(i, F.logger);
    const logger = dictId(DICT.logger, ints[o + F.logger] as number);
    const m = message.length <= MAX_TEMPLATE ? mask(message) : null;
    const tmpl = m ? d.id(DICT.template, m.template) : null;
    const args = tmpl !== null && m ? m.args : message;
    let pre: number | null = null;
    let pretext: string | null = null;
    let tail: string | null = null;
    const k = ints[o + F.msgAt] as number;
    if (k < 0) {
      pre = RAW_AS_IS;
      pretext = raw;
    } else {
      const end = k + message.length;
      tail = end < raw.length ? raw.slice(end) : null;
      if (k > 0) {
        const prefix = raw.slice(0, k);
        const t = timeTemplate(prefix, time);
        const p = t !== null ? d.id(DICT.prefix, t) : null;
        if (p !== null) pre = p;
        else pretext = prefix;
      }
    }
    const e = c.exception[i] as number;
    const excType = e >= 0 ? (c.names[c.excType[e] as number] as string) : undefined;
    const excMessage = e >= 0 ? (c.excMessage[e] as string) : undefined;
    const exc = e >= 0 ? dictId(DICT.exception, c.excType[e] as number) : null;
    const flags = ints[o + F.flags] as number;
    const extras = extrasOf(
      flags,
      ints[o + F.droppedLines] as number,
      logger === null ? loggerName : undefined,
      exc === null ? excType : undefined,
    );
    const offset = c.offset[i] as number;
    rows.push(
      id,
      time,
      ints[o + F.level] as number,
      dictId(DICT.source, ints[o + F.source] as number),
      dictId(DICT.app, ints[o + F.app] as number),
      logger,
      dictId(DICT.issue, ints[o + F.issue] as number),
      tmpl,
      args,
      pre,
      pretext,
      tail,
      dictId(DICT.file, ints[o + F.file] as number),
      Number.isNaN(offset) ? null : offset,
      ints[o + F.lines] as number,
      exc,
      excMessage ?? null,
      extras,
    );
    fts.push(id, message, excType !== undefined ? `${excType} ${excMessage}` : null, loggerName ?? null);
  }

  private insert(n: number, rows: Value[], fts: Value[]): void {
    // OR IGNORE: a plain multi-row INSERT into a table with NOT NULL columns may abort half-way, so SQLite opens a
    // statement savepoint for it, and FTS5 writes its pending terms out as a new segment at every savepoint (one tiny
    // segment per 32 lines, each merged again later: most of the FTS cost). Without a possible abort there is no
    // savepoint; a row that would have been ignored (an id taken twice, a NULL) is a bug, caught by the count.
    const done = this.statement(
      `rows${n}`,
      () => `INSERT OR IGNORE INTO logs (${ROW_COLUMNS}) VALUES ${placeholders(n, ROW_WIDTH)}`,
    ).run(...rows);
    if (Number(done.changes) !== n) throw new Error(`the log store took ${done.changes} of ${n} rows`);
    // One row per statement: any multi-row INSERT into a virtual table opens a statement savepoint (see above).
    const one = this.statement(
      'fts1',
      () => 'INSERT INTO logs_fts (rowid, message, exception, logger) VALUES (?, ?, ?, ?)',
    );
    for (let i = 0; i < fts.length; i += FTS_WIDTH)
      one.run(fts[i] ?? null, fts[i + 1] ?? null, fts[i + 2] ?? null, fts[i + 3] ?? null);
  }

  private statement(key: string, sql: () => string): ReturnType<Database['prepare']> {
    let s = this.statements.get(key);
    if (!s) {
      s = this.db.prepare(sql());
      this.statements.set(key, s);
    }
    return s;
  }
}

/** The text the FTS `exception` column holds for a record (also what a delete must give back). */
export function ftsException(r: { exception?: { type: string; message: string } | undefined }): string | null {
  return r.exception ? `${r.exception.type} ${r.exception.message}` : null;
}

function placeholders(n: number, width: number): string {
  const one = `(${new Array(width).fill('?').join(', ')})`;
  return new Array(n).fill(one).join(', ');
}

/**
 * Rare fields as JSON. Thread, correlation ids and stack frames are not kept apart: they are in the raw text, and
 * the parser reads them again from it. `loggerInline`/`excInline`: names the dictionary had no room for.
 */
function extrasOf(
  flags: number,
  droppedLines: number,
  loggerInline: string | undefined,
  excInline: string | undefined,
): string | null {
  const timeExact = (flags & FLAG.timeExact) !== 0;
  const orphan = (flags & FLAG.orphan) !== 0;
  const truncated = (flags & FLAG.truncated) !== 0;
  if (timeExact && !orphan && !droppedLines && !truncated && loggerInline === undefined && excInline === undefined)
    return null;
  const x: Record<string, unknown> = {};
  if (!timeExact) x.timeExact = false;
  if (orphan) x.orphan = true;
  if (droppedLines) x.droppedLines = droppedLines;
  if (truncated) x.truncated = true;
  if (loggerInline !== undefined) x.logger = loggerInline;
  if (excInline !== undefined) x.exceptionType = excInline;
  return JSON.stringify(x);
}
