/**
 * One retention run over the log store, in small steps (each one short transaction, so ingestion never waits long
 * for the write lock): first lines older than their level's (or their source's) retention, oldest first; then, while
 * the store is above `maxBytes`, the oldest lines whatever their level. Deleted lines leave the FTS index (contentless
 * delete) and the stored counts; hourly statistics, issues and their samples stay.
 */
import { LEVELS, type Level } from '../core/types.ts';
import type { Database } from './db.ts';
import type { Dictionary } from './dictionary.ts';
import { DICT } from './log-schema.ts';

export interface RetentionPolicy {
  /** Milliseconds to keep each level. */
  levels: Record<Level, number>;
  /** Per source name: levels kept for a different time. */
  sources: Record<string, Partial<Record<Level, number>>>;
  maxBytes: number;
}

export interface RetentionResult {
  deleted: number;
  /** Deleted for the size cap. */
  deletedForSize: number;
  steps: number;
  /** Longest single step (write lock held), ms. */
  maxStepMs: number;
}

/**
 * Rows looked at per step. 100 keeps a step near 5-10 ms on a 10M-line store (200 took 10-15 ms); what still comes
 * above 40 ms is the WAL checkpoint SQLite runs after every ~1,000 pages written, which ingestion's commits meet too.
 */
const STEP_ROWS = 100;
/** FTS5 pages merged per step. */
const MERGE_PAGES = 16;
/**
 * Segments of one FTS5 level merged at a time, restored after a run (and at every writer start, should a run have been
 * cut short). FTS5's default is 4; 8 rewrites each indexed line fewer times (with FTS_HASH_BYTES, FTS inserts took
 * about 8 µs of CPU per line instead of 10-16 in a 200k-line insert test) for a few more segments per level to look at
 * in a query.
 */
export const AUTOMERGE = 8;
/**
 * Bytes of FTS5 terms kept in memory before they are written as a segment (FTS5's default is 1 MiB, about 2,000
 * lines: a batch of 5,000 lines made several small segments, each merged again later). Held only while a transaction
 * is open.
 */
export const FTS_HASH_BYTES = 8 << 20;

export class RetentionPass {
  private readonly db: Database;
  private readonly dict: Dictionary;
  private readonly policy: RetentionPolicy;
  private readonly now: number;
  private readonly minKeep: number;
  private cursor = 0;
  private phase: 'age' | 'size' | 'merge' | 'done' = 'age';
  private sizeTarget = 0;
  private sizeDeleted = 0;
  readonly result: RetentionResult = { deleted: 0, deletedForSize: 0, steps: 0, maxStepMs: 0 };
  private readonly keepBySource = new Map<number, number[]>();

  constructor(db: Database, dict: Dictionary, policy: RetentionPolicy, now: number) {
    this.db = db;
    this.dict = dict;
    this.policy = policy;
    this.now = now;
    let min = Math.min(...LEVELS.map((l) => policy.levels[l]));
    for (const [name, levels] of Object.entries(policy.sources)) {
      const id = dict.find(DICT.source, name);
      const keep = LEVELS.map((l) => levels[l] ?? policy.levels[l]);
      if (id !== undefined) this.keepBySource.set(id, keep);
      min = Math.min(min, ...keep);
    }
    this.minKeep = min;
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** One short transaction of deletes. Returns true when the run is over. */
  step(): boolean {
    if (this.phase === 'done') return true;
    const t0 = performance.now();
    if (this.result.steps === 0) {
      // FTS5 merges segments when a commit adds one (each delete step adds tombstones): a merge can hold the lock for
      // seconds on a big index. Off while deleting; the merge phase then does that work in small pieces.
      this.db.exec(`INSERT INTO logs_fts(logs_fts, rank) VALUES('automerge', 0)`);
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (this.phase === 'age') this.ageStep();
      else if (this.phase === 'size') this.sizeStep();
      else this.mergeStep();
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    this.result.steps++;
    this.result.maxStepMs = Math.max(this.result.maxStepMs, performance.now() - t0);
    return this.done;
  }

  private ageStep(): void {
    const rows = this.db
      .prepare('SELECT id, time, level, source FROM logs WHERE id > ? ORDER BY id LIMIT ?')
      .all(this.cursor, STEP_ROWS) as Array<{ id: number; time: number; level: number; source: number }>;
    const expired: Array<{ id: number; source: number }> = [];
    let allNew = true;
    for (const r of rows) {
      const keep = this.keepBySource.get(r.source)?.[r.level] ?? this.policy.levels[LEVELS[r.level] ?? 'info'];
      if (r.time < this.now - keep) expired.push(r);
      if (r.time < this.now - this.minKeep) allNew = false;
    }
    this.remove(expired);
    this.result.deleted += expired.length;
    const last = rows.at(-1);
    if (last) this.cursor = last.id;
    // Ids follow arrival, which for tailing is time: a page where nothing is older than the shortest retention
    // means the rest is younger too.
    if (!last || allNew) this.startSize();
  }

  private startSize(): void {
    const used = this.usedBytes();
    if (used <= this.policy.maxBytes) {
      this.phase = 'merge';
      return;
    }
    // The stored counts, not count(*): counting 10M rows held the write lock for 150 ms to 1 s.
    const rows = (this.db.prepare('SELECT coalesce(sum(n), 0) AS n FROM stored_counts').get() as { n: number }).n;
    if (!rows) {
      this.phase = 'merge';
      return;
    }
    // Pages freed by deletes are reused, not returned: aim by the average row size, with 10% to spare.
    this.sizeTarget = Math.ceil(((used - this.policy.maxBytes) / used) * rows * 1.1);
    this.phase = 'size';
  }

  private sizeStep(): void {
    const rows = this.db
      .prepare('SELECT id, source FROM logs ORDER BY id LIMIT ?')
      .all(Math.min(STEP_ROWS, this.sizeTarget - this.sizeDeleted)) as Array<{ id: number; source: number }>;
    this.remove(rows);
    this.sizeDeleted += rows.length;
    this.result.deleted += rows.length;
    this.result.deletedForSize += rows.length;
    if (!rows.length || this.sizeDeleted >= this.sizeTarget) this.phase = 'merge';
  }

  /** A bounded piece of FTS merge work; when there is none left, automerge is back on and the run is over. */
  private mergeStep(): void {
    const before = this.totalChanges();
    this.db.exec(`INSERT INTO logs_fts(logs_fts, rank) VALUES('merge', ${MERGE_PAGES})`);
    if (this.totalChanges() - before <= 1) {
      this.db.exec(`INSERT INTO logs_fts(logs_fts, rank) VALUES('automerge', ${AUTOMERGE})`);
      this.phase = 'done';
    }
  }

  private totalChanges(): number {
    return (this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  }

  private remove(rows: ReadonlyArray<{ id: number; source: number }>): void {
    if (!rows.length) return;
    const ids = rows.map((r) => r.id);
    const list = ids.join(',');
    this.db.exec(`DELETE FROM logs WHERE id IN (${list})`);
    this.db.exec(`DELETE FROM logs_fts WHERE rowid IN (${list})`);
    const perSource = new Map<string, number>();
    for (const r of rows) {
      const name = this.dict.value(r.source);
      perSource.set(name, (perSource.get(name) ?? 0) + 1);
    }
    const up = this.db.prepare('UPDATE stored_counts SET n = max(0, n - ?) WHERE source = ?');
    for (const [source, n] of perSource) up.run(n, source);
  }

  private usedBytes(): number {
    const pages = (this.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    const free = (this.db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count;
    const size = (this.db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    return (pages - free) * size;
  }
}
