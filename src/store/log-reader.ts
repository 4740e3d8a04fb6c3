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

/** A page of a search in a time budget (`LogReader.searchPage`). */
export interface SearchPage {
  lines: StoredLine[];
  /**
   * Set when the budget ran out before the oldest line: every line from here up was searched; the next page
   * continues below this id (`before`). The page may then hold fewer than `limit` lines, or none.
   */
  continueBelow?: number;
}

/** The work one page of a person's search may take (`searchPage`): the API and the panel wait this, tailing too. */
export const SEARCH_BUDGET_MS = 50;

/** Candidates a budgeted search filters in its first step; it doubles each step, up to MAX_CHUNK. */
const FIRST_CHUNK = 256;
const MAX_CHUNK = 65_536;

/** SQLite's complaint about a malformed FTS query, as a QueryError (400); any other error as it is. */
function asQueryError(err: unknown, text: string | undefined): unknown {
  const msg = err instanceof Error ? err.message : String(err);
  if (text && /fts5|syntax error|no such column|unterminated|malformed MATCH/i.test(msg)) {
    return new QueryError(msg.replace(/^fts5: /, ''));
  }
  return err;
}

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

  /** Lines matching `q`, newest stored first (however long it takes: internal callers with narrow queries). */
  search(q: LogQuery): StoredLine[] {
    return this.searchPage(q, Number.POSITIVE_INFINITY).lines;
  }

  /**
   * One page of `search` for a person waiting (the API, the panel), in about `budgetMs` of work. A filter that few
   * matches pass (a level, a source, a time range) can make SQLite look through millions of lines before it finds
   * `limit` (a common word at level `fatal` over 10M lines: about a second, on the thread that also tails). So a
   * filtered search takes the candidates in chunks, newest first, and reads the clock between chunks: out of time,
   * the page holds what was found (maybe nothing) and `continueBelow`, where the next one resumes.
   */
  searchPage(q: LogQuery, budgetMs: number): SearchPage {
    const text = q.text?.trim();
    if (text && text.length > MAX_QUERY) throw new QueryError(`the query is longer than ${MAX_QUERY} characters`);
    const filters = this.filters(q);
    if (!filters) return { lines: [] };
    if (!filters.where.length || budgetMs === Number.POSITIVE_INFINITY) {
      return { lines: this.run(text, filters, q.before, q.limit) };
    }
    // Candidates in chunks, newest first: the text's matches (or every line, or one source's), at most `chunk` at a
    // time; SQLite applies the filters to each chunk, and the clock is read between chunks.
    const oneSource =
      !text && q.sources?.length === 1 ? this.dict.find(DICT.source, q.sources[0] as string) : undefined;
    const candidates = (below: number | undefined): { sql: string; args: Array<string | number> } => {
      const where: string[] = [];
      const args: Array<string | number> = [];
      if (text) {
        where.push('logs_fts MATCH ?');
        args.push(text);
      }
      if (oneSource !== undefined) {
        where.push('source = ?');
        args.push(oneSource);
      }
      if (below !== undefined) {
        where.push(`${text ? 'rowid' : 'id'} < ?`);
        args.push(below);
      }
      const w = where.length ? ` WHERE ${where.join(' AND ')}` : '';
      return {
        sql: text
          ? `SELECT rowid AS id FROM logs_fts${w} ORDER BY rowid DESC LIMIT ?`
          : `SELECT id FROM logs${w} ORDER BY id DESC LIMIT ?`,
        args,
      };
    };
    const deadline = performance.now() + budgetMs;
    const lines: StoredLine[] = [];
    let below = q.before;
    let chunk = FIRST_CHUNK;
    try {
      for (;;) {
        const c = candidates(below);
        const rows = this.db
          .prepare(
            `SELECT l.* FROM (${c.sql}) c CROSS JOIN logs l ON l.id = c.id WHERE ${filters.where.join(' AND ')} ORDER BY c.id DESC LIMIT ?`,
          )
          .all(...c.args, chunk, ...filters.args, q.limit - lines.length) as unknown as Row[];
        for (const r of rows) lines.push(this.decode(r));
        if (lines.length >= q.limit) return { lines };
        const span = this.db.prepare(`SELECT min(id) AS low, count(*) AS n FROM (${c.sql})`).get(...c.args, chunk) as {
          low: number | null;
          n: number;
        };
        if (span.n < chunk || span.low === null) return { lines };
        below = span.low;
        if (performance.now() >= deadline) return { lines, continueBelow: below };
        chunk = Math.min(chunk * 2, MAX_CHUNK);
      }
    } catch (err) {
      throw asQueryError(err, text);
    }
  }

  /** The WHERE terms of `q` apart from the text and the id range; null when a named source or issue was never stored. */
  private filters(q: LogQuery): { where: string[]; args: Array<string | number> } | null {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.sources?.length) {
      const ids = q.sources.map((s) => this.dict.find(DICT.source, s)).filter((x): x is number => x !== undefined);
      if (!ids.length) return null;
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
      if (id === undefined) return null;
      where.push('l.issue = ?');
      args.push(id);
    }
    return { where, args };
  }

  /** Matching lines with ids below `below`, newest first, at most `limit`, filtered by SQLite. */
  private run(
    text: string | undefined,
    filters: { where: string[]; args: Array<string | number> },
    below: number | undefined,
    limit: number,
  ): StoredLine[] {
    const where = [...filters.where];
    const args: Array<string | number> = [...filters.args];
    if (below !== undefined) {
      where.push(`${text ? 'f.rowid' : 'l.id'} < ?`);
      args.push(below);
    }
    let sql: string;
    if (text) {
      sql = `SELECT l.* FROM logs_fts f JOIN logs l ON l.id = f.rowid WHERE logs_fts MATCH ?${where.map((w) => ` AND ${w}`).join('')} ORDER BY f.rowid DESC LIMIT ?`;
      args.unshift(text);
    } else {
      sql = `SELECT l.* FROM logs l${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY l.id DESC LIMIT ?`;
    }
    args.push(limit);
    let rows: Row[];
    try {
      rows = this.db.prepare(sql).all(...args) as unknown as Row[];
    } catch (err) {
      throw asQueryError(err, text);
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
