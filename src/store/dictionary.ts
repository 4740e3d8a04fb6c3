/**
 * The string dictionary of the log store: repeated strings stored once, rows keep their ids. Writers look values up
 * in memory (ids are cached after the first use); readers map ids back with a bounded cache. Kinds that can grow
 * with the data (templates) have a cap: past it, new values are stored inline by the caller instead.
 */
import type { Database } from './db.ts';
import type { DictKind } from './log-schema.ts';

type Statement = ReturnType<Database['prepare']>;

/** Distinct values per kind past which `id()` answers null (the caller stores the text inline). */
export const DICT_CAP = 100_000;
const READ_CACHE = 50_000;

export class Dictionary {
  private readonly db: Database;
  /** Per kind: value → id. */
  private readonly ids: Array<Map<string, number>> = [];
  private readonly counts = new Map<number, number>();
  private readonly values = new Map<number, string>();
  private loaded = false;
  /** The last value looked up per kind and its id: a batch repeats its source, app and file on every line. */
  private readonly lastValue: Array<string | undefined> = [];
  private readonly lastId: number[] = [];
  /** Prepared once (on first use: the table is created after the constructor runs); a burst of new templates would
   * otherwise prepare two statements per line. */
  private statements: { select: Statement; insert: Statement; value: Statement } | null = null;

  constructor(db: Database) {
    this.db = db;
  }

  private get sql(): { select: Statement; insert: Statement; value: Statement } {
    this.statements ??= {
      select: this.db.prepare('SELECT id FROM dict WHERE kind = ? AND value = ?'),
      // Not `RETURNING id`: a RETURNING statement opens a statement savepoint, at which FTS5 writes its pending terms
      // out as a segment (a small segment per new template, each merged again later).
      insert: this.db.prepare('INSERT INTO dict (kind, value) VALUES (?, ?)'),
      value: this.db.prepare('SELECT value FROM dict WHERE id = ?'),
    };
    return this.statements;
  }

  /** The id of `value` of `kind`, adding it when new; null when the kind is at its cap. */
  id(kind: DictKind, value: string): number | null {
    if (this.lastValue[kind] === value) return this.lastId[kind] as number;
    this.load();
    const map = this.mapOf(kind);
    let id = map.get(value);
    if (id === undefined) {
      const found = this.sql.select.get(kind, value) as { id: number } | undefined;
      if (found) id = found.id;
      else {
        const n = this.counts.get(kind) ?? 0;
        if (n >= DICT_CAP) return null;
        id = Number(this.sql.insert.run(kind, value).lastInsertRowid);
        this.counts.set(kind, n + 1);
      }
      map.set(value, id);
    }
    this.lastValue[kind] = value;
    this.lastId[kind] = id;
    return id;
  }

  /** An id known already, without adding (queries: an unknown value matches nothing). */
  find(kind: DictKind, value: string): number | undefined {
    this.load();
    const cached = this.mapOf(kind).get(value);
    if (cached !== undefined) return cached;
    const row = this.sql.select.get(kind, value) as { id: number } | undefined;
    return row?.id;
  }

  value(id: number): string {
    const cached = this.values.get(id);
    if (cached !== undefined) return cached;
    const row = this.sql.value.get(id) as { value: string } | undefined;
    const v = row?.value ?? '';
    if (this.values.size >= READ_CACHE) this.values.clear();
    this.values.set(id, v);
    return v;
  }

  /** Forgets ids cached after a transaction that added them rolled back. */
  reset(): void {
    this.ids.length = 0;
    this.lastValue.length = 0;
    this.lastId.length = 0;
    this.counts.clear();
    this.loaded = false;
  }

  private mapOf(kind: number): Map<string, number> {
    let m = this.ids[kind];
    if (!m) {
      m = new Map();
      this.ids[kind] = m;
    }
    return m;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const r of this.db.prepare('SELECT kind, count(*) AS n FROM dict GROUP BY kind').all() as Array<{
      kind: number;
      n: number;
    }>) {
      this.counts.set(r.kind, r.n);
    }
    // Small kinds are read at once; templates load as they are met (find/insert by the unique index).
    for (const r of this.db.prepare('SELECT id, kind, value FROM dict WHERE kind NOT IN (5, 6)').all() as Array<{
      id: number;
      kind: number;
      value: string;
    }>) {
      this.mapOf(r.kind).set(r.value, r.id);
    }
  }
}
