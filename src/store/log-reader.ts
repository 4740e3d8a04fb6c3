/**
 * Reading the log store: full-text search with filters (newest first, keyset pages on the row id), the lines around a
 * record, and row decoding back to the text as read. FTS query syntax is SQLite's FTS5 (`word`, `"a phrase"`,
 * `pre*`, `a AND b`, `a NOT b`, `message: word`); a malformed query is a `QueryError` naming SQLite's reason.
 */
import { LEVELS, type Level } from '../core/types.ts';
import type { Database } from './db.ts';
import type { Dictionary } from './dictionary.ts';
import { renderTime, unmask } from './log-encode.ts';
import { DICT, RAW_AS_IS } from './log-schema.ts';

export interface StoredLine {
  id: number;
  time: number;
  level: Level;
  source: string;
  app: string;
  logger: string | null;
  message: string;
  raw: string;
  issue: string | null;
  file: string | null;
  offset: number | null;
  lines: number;
  exception: { type: string; message: string } | null;
}

export interface LogQuery {
  /** FTS5 query; empty: every line. */
  text?: string;
  sources?: readonly string[];
  levels?: readonly Level[];
  from?: number;
  to?: number;
  issue?: string;
  /** Rows with an id below this (the previous page's last id). */
  before?: number;
  limit: number;
}

export class QueryError extends Error {}

interface Row {
  id: number;
  time: number;
  level: number;
  source: number;
  app: number;
  logger: number | null;
  issue: number | null;
  tmpl: number | null;
  args: string;
  pre: number | null;
  pretext: string | null;
  tail: string | null;
  file: number | null;
  offset: number | null;
  lines: number;
  exc: number | null;
  excmsg: string | null;
  extras: string | null;
}

/** Longest query text accepted. */
export const MAX_QUERY = 500;

export class LogReader {
  private readonly db: Database;
  private readonly dict: Dictionary;

  constructor(db: Database, dict: Dictionary) {
    this.db = db;
    this.dict = dict;
  }

  /** Lines matching `q`, newest stored first. */
  search(q: LogQuery): StoredLine[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.sources?.length) {
      const ids = q.sources.map((s) => this.dict.find(DICT.source, s)).filter((x): x is number => x !== undefined);
      if (!ids.length) return [];
      where.push(`l.source IN (${ids.map(() => '?').join(', ')})`);
      args.push(...ids);
    }
    if (q.levels?.length) {
      where.push(`l.level IN (${q.levels.map(() => '?').join(', ')})`);
      args.push(...q.levels.map((l) => LEVELS.indexOf(l)));
    }
    if (q.from !== undefined) {
      where.push('l.time >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('l.time < ?');
      args.push(q.to);
    }
    if (q.issue !== undefined) {
      const id = this.dict.find(DICT.issue, q.issue);
      if (id === undefined) return [];
      where.push('l.issue = ?');
      args.push(id);
    }
    const text = q.text?.trim();
    let sql: string;
    if (text) {
      if (text.length > MAX_QUERY) throw new QueryError(`the query is longer than ${MAX_QUERY} characters`);
      if (q.before !== undefined) {
        where.push('f.rowid < ?');
        args.push(q.before);
      }
      sql = `SELECT l.* FROM logs_fts f JOIN logs l ON l.id = f.rowid WHERE logs_fts MATCH ?${where.map((w) => ` AND ${w}`).join('')} ORDER BY f.rowid DESC LIMIT ?`;
      args.unshift(text);
    } else {
      if (q.before !== undefined) {
        where.push('l.id < ?');
        args.push(q.before);
      }
      sql = `SELECT l.* FROM logs l${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY l.id DESC LIMIT ?`;
    }
    args.push(q.limit);
    let rows: Row[];
    try {
      rows = this.db.prepare(sql).all(...args) as unknown as Row[];
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (text && /fts5|syntax error|no such column|unterminated|malformed MATCH/i.test(msg)) {
        throw new QueryError(msg.replace(/^fts5: /, ''));
      }
      throw err;
    }
    return rows.map((r) => this.decode(r));
  }

  /** One line by id. */
  get(id: number): StoredLine | undefined {
    const row = this.db.prepare('SELECT * FROM logs WHERE id = ?').get(id) as Row | undefined;
    return row ? this.decode(row) : undefined;
  }

  /**
   * The stored line of `source` at `time` (of `issue`, when given, which is indexed), and up to `before`/`after`
   * lines of the same source around it, each oldest first.
   */
  around(
    at: { source: string; time: number; issue?: string },
    before: number,
    after: number,
  ): { line: StoredLine | undefined; before: StoredLine[]; after: StoredLine[] } {
    const source = this.dict.find(DICT.source, at.source);
    if (source === undefined) return { line: undefined, before: [], after: [] };
    const issue = at.issue !== undefined ? this.dict.find(DICT.issue, at.issue) : undefined;
    const self = (
      issue !== undefined
        ? this.db
            .prepare('SELECT * FROM logs WHERE issue = ? AND time = ? AND source = ? ORDER BY id LIMIT 1')
            .get(issue, at.time, source)
        : this.db
            .prepare('SELECT * FROM logs WHERE source = ? AND time = ? ORDER BY id DESC LIMIT 1')
            .get(source, at.time)
    ) as Row | undefined;
    if (!self) return { line: undefined, before: [], after: [] };
    const b = this.db
      .prepare('SELECT * FROM logs WHERE source = ? AND id < ? ORDER BY id DESC LIMIT ?')
      .all(source, self.id, before) as unknown as Row[];
    const a = this.db
      .prepare('SELECT * FROM logs WHERE source = ? AND id > ? ORDER BY id LIMIT ?')
      .all(source, self.id, after) as unknown as Row[];
    return {
      line: this.decode(self),
      before: b.reverse().map((r) => this.decode(r)),
      after: a.map((r) => this.decode(r)),
    };
  }

  decode(r: Row): StoredLine {
    const d = this.dict;
    const message = r.tmpl !== null ? unmask(d.value(r.tmpl), r.args) : r.args;
    let raw: string;
    if (r.pre === RAW_AS_IS) raw = r.pretext ?? '';
    else {
      const prefix = r.pre !== null ? renderTime(d.value(r.pre), r.time) : (r.pretext ?? '');
      raw = prefix + message + (r.tail ?? '');
    }
    const extras = r.extras ? (JSON.parse(r.extras) as { logger?: string; exceptionType?: string }) : undefined;
    const excType = r.exc !== null ? d.value(r.exc) : extras?.exceptionType;
    return {
      id: r.id,
      time: r.time,
      level: LEVELS[r.level] ?? 'info',
      source: d.value(r.source),
      app: d.value(r.app),
      logger: r.logger !== null ? d.value(r.logger) : (extras?.logger ?? null),
      message,
      raw,
      issue: r.issue !== null ? d.value(r.issue) : null,
      file: r.file !== null ? d.value(r.file) : null,
      offset: r.offset,
      lines: r.lines,
      exception: excType !== undefined && r.excmsg !== null ? { type: excType, message: r.excmsg } : null,
    };
  }
}
