/**
 * Writes records into the log store (inside the caller's transaction): the row with its dictionary ids and encoded
 * text, the FTS entry, and the counts. Rows and FTS entries go in multi-row statements (one call per 32 records):
 * per-statement overhead, not SQLite, is what limits a single-row loop.
 */
import { LEVEL_RANK, type LogRecord } from '../core/types.ts';
import type { Counts } from './counts.ts';
import type { Database } from './db.ts';
import { Dictionary } from './dictionary.ts';
import { mask, timeTemplate } from './log-encode.ts';
import { DICT, RAW_AS_IS } from './log-schema.ts';

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

  /**
   * Stores `records` (call inside a transaction). `issues[i]` is the issue id detection gave `records[i]`, if any.
   */
  write(records: readonly LogRecord[], issues?: ReadonlyArray<string | null | undefined>): void {
    if (!records.length) return;
    const max = this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM logs').get() as { id: number };
    let id = max.id;
    let rows: Value[] = [];
    let fts: Value[] = [];
    let n = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as LogRecord;
      id++;
      this.encode(r, issues?.[i] ?? null, id, rows, fts);
      n++;
      if (n === CHUNK) {
        this.insert(n, rows, fts);
        rows = [];
        fts = [];
        n = 0;
      }
    }
    if (n) this.insert(n, rows, fts);
    this.counts.add(records);
  }

  private encode(r: LogRecord, issue: string | null, id: number, rows: Value[], fts: Value[]): void {
    const d = this.dict;
    const source = d.id(DICT.source, r.source) as number;
    const app = d.id(DICT.app, r.app) as number;
    const logger = r.logger !== undefined ? d.id(DICT.logger, r.logger) : null;
    const issueId = issue ? d.id(DICT.issue, issue) : null;
    const m = r.message.length <= MAX_TEMPLATE ? mask(r.message) : null;
    const tmpl = m ? d.id(DICT.template, m.template) : null;
    const args = tmpl !== null && m ? m.args : r.message;
    let pre: number | null = null;
    let pretext: string | null = null;
    let tail: string | null = null;
    const k = r.raw.indexOf(r.message);
    if (k < 0) {
      pre = RAW_AS_IS;
      pretext = r.raw;
    } else {
      const prefix = r.raw.slice(0, k);
      tail = k + r.message.length < r.raw.length ? r.raw.slice(k + r.message.length) : null;
      if (prefix) {
        const t = timeTemplate(prefix, r.time);
        const p = t !== null ? d.id(DICT.prefix, t) : null;
        if (p !== null) pre = p;
        else pretext = prefix;
      }
    }
    const exc = r.exception ? d.id(DICT.exception, r.exception.type) : null;
    const extras = extrasOf(r, logger === null && r.logger !== undefined, exc === null && r.exception !== undefined);
    rows.push(
      id,
      r.time,
      LEVEL_RANK[r.level],
      source,
      app,
      logger,
      issueId,
      tmpl,
      args,
      pre,
      pretext,
      tail,
      r.file !== undefined ? d.id(DICT.file, r.file) : null,
      r.offset ?? null,
      r.lines,
      exc,
      r.exception?.message ?? null,
      extras,
    );
    fts.push(id, r.message, ftsException(r), r.logger ?? null);
  }

  private insert(n: number, rows: Value[], fts: Value[]): void {
    this.statement(`rows${n}`, () => `INSERT INTO logs (${ROW_COLUMNS}) VALUES ${placeholders(n, ROW_WIDTH)}`).run(
      ...rows,
    );
    this.statement(
      `fts${n}`,
      () => `INSERT INTO logs_fts (rowid, message, exception, logger) VALUES ${placeholders(n, FTS_WIDTH)}`,
    ).run(...fts);
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
 * the parser reads them again from it.
 */
function extrasOf(r: LogRecord, loggerInline: boolean, excInline: boolean): string | null {
  if (r.timeExact && !r.orphan && !r.droppedLines && !r.truncated && !loggerInline && !excInline) return null;
  const x: Record<string, unknown> = {};
  if (!r.timeExact) x.timeExact = false;
  if (r.orphan) x.orphan = true;
  if (r.droppedLines) x.droppedLines = r.droppedLines;
  if (r.truncated) x.truncated = true;
  if (loggerInline) x.logger = r.logger;
  if (excInline) x.exceptionType = r.exception?.type;
  return JSON.stringify(x);
}
