/**
 * The records table (seed of the full-text log store: a later migration adds FTS5 and retention) and the follow
 * checkpoints of tailed files. Both are written in ONE transaction per batch, so after a crash — SIGKILL included —
 * the checkpoint says exactly which records are stored: resuming there reads no line twice and loses none.
 */
import type { LogRecord } from '../core/types.ts';
import { Counts } from './counts.ts';
import { type Database, migrate, transaction } from './db.ts';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE records (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     level TEXT NOT NULL,
     app TEXT NOT NULL,
     source TEXT NOT NULL,
     logger TEXT,
     message TEXT NOT NULL,
     raw TEXT NOT NULL,
     file TEXT,
     offset INTEGER,
     lines INTEGER NOT NULL,
     extras TEXT
   );
   CREATE INDEX records_time ON records (time);
   CREATE INDEX records_source_time ON records (source, time);
   CREATE TABLE checkpoints (
     source TEXT NOT NULL,
     path TEXT NOT NULL,
     dev INTEGER NOT NULL,
     ino INTEGER NOT NULL,
     fp_len INTEGER NOT NULL,
     fp_hash TEXT NOT NULL,
     offset INTEGER NOT NULL,
     saved_at INTEGER NOT NULL,
     PRIMARY KEY (source, path)
   );
   CREATE TABLE sources_seen (source TEXT PRIMARY KEY, first_seen INTEGER NOT NULL);`,
];

/**
 * Where a followed file was read up to. The identity survives renames (dev + inode); the fingerprint (hash of the first
 * `fpLen` bytes) tells a reused inode or a copytruncated file from the file the offset belongs to.
 */
export interface Checkpoint {
  source: string;
  /** The path the file was followed under (its live name): the key of the checkpoint. */
  path: string;
  dev: number;
  ino: number;
  fpLen: number;
  fpHash: string;
  /** Every line before this byte is in a stored record; nothing after it is. */
  offset: number;
}

export interface StoredCheckpoint extends Checkpoint {
  savedAt: number;
}

/** A commit: records, the checkpoints that cover them, and checkpoints of files no longer followed. */
export interface Batch {
  records: readonly LogRecord[];
  checkpoints: readonly Checkpoint[];
  forget: ReadonlyArray<{ source: string; path: string }>;
  at: number;
}

export interface StoredRecord {
  id: number;
  time: number;
  level: string;
  app: string;
  source: string;
  logger: string | null;
  message: string;
  raw: string;
  file: string | null;
  offset: number | null;
  lines: number;
  extras: string | null;
}

export class RecordStore {
  private readonly db: Database;
  /** Counts per hour/source/level and per source, written with each batch. */
  readonly counts: Counts;

  constructor(db: Database) {
    this.db = db;
    this.counts = new Counts(db);
  }

  /** Creates or upgrades the tables; call once before anything else. */
  migrate(): void {
    migrate(this.db, 'records', MIGRATIONS);
    this.counts.migrate();
  }

  /** Writes records and checkpoints atomically: either the whole batch is stored or none of it. */
  commit(batch: Batch): void {
    if (!batch.records.length && !batch.checkpoints.length && !batch.forget.length) return;
    const insert = this.db.prepare(
      'INSERT INTO records (time, level, app, source, logger, message, raw, file, offset, lines, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const upsert = this.db.prepare(
      `INSERT INTO checkpoints (source, path, dev, ino, fp_len, fp_hash, offset, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, fp_len = excluded.fp_len,
         fp_hash = excluded.fp_hash, offset = excluded.offset, saved_at = excluded.saved_at`,
    );
    const remove = this.db.prepare('DELETE FROM checkpoints WHERE source = ? AND path = ?');
    transaction(this.db, () => {
      for (const r of batch.records) {
        insert.run(
          r.time,
          r.level,
          r.app,
          r.source,
          r.logger ?? null,
          r.message,
          r.raw,
          r.file ?? null,
          r.offset ?? null,
          r.lines,
          extrasOf(r),
        );
      }
      this.counts.add(batch.records);
      for (const f of batch.forget) remove.run(f.source, f.path);
      for (const c of batch.checkpoints) {
        upsert.run(c.source, c.path, c.dev, c.ino, c.fpLen, c.fpHash, c.offset, batch.at);
      }
    });
  }

  checkpoints(source: string): StoredCheckpoint[] {
    const rows = this.db
      .prepare(
        'SELECT source, path, dev, ino, fp_len, fp_hash, offset, saved_at FROM checkpoints WHERE source = ? ORDER BY path',
      )
      .all(source) as unknown as Array<{
      source: string;
      path: string;
      dev: number;
      ino: number;
      fp_len: number;
      fp_hash: string;
      offset: number;
      saved_at: number;
    }>;
    return rows.map((r) => ({
      source: r.source,
      path: r.path,
      dev: r.dev,
      ino: r.ino,
      fpLen: r.fp_len,
      fpHash: r.fp_hash,
      offset: r.offset,
      savedAt: r.saved_at,
    }));
  }

  /**
   * When `source` was first started (null: never). A first start begins at the end of existing files; a restart reads
   * files that appeared while Arrgus was down from their start.
   */
  seenAt(source: string): number | null {
    const row = this.db.prepare('SELECT first_seen FROM sources_seen WHERE source = ?').get(source) as
      | { first_seen: number }
      | undefined;
    return row ? row.first_seen : null;
  }

  markSeen(source: string, at: number): void {
    this.db.prepare('INSERT OR IGNORE INTO sources_seen (source, first_seen) VALUES (?, ?)').run(source, at);
  }

  /** Most recent records first (the panel's log view until the full-text store lands). */
  recent(opts: { source?: string; limit?: number } = {}): StoredRecord[] {
    const limit = Math.max(1, Math.min(opts.limit ?? 100, 10_000));
    const rows = opts.source
      ? this.db
          .prepare('SELECT * FROM records WHERE source = ? ORDER BY time DESC, id DESC LIMIT ?')
          .all(opts.source, limit)
      : this.db.prepare('SELECT * FROM records ORDER BY time DESC, id DESC LIMIT ?').all(limit);
    return rows as unknown as StoredRecord[];
  }

  /**
   * Up to `before` stored records of `source` just before the record at (`time`, `offset`), and up to `after` just
   * after it, each oldest first: the lines around an issue's sample.
   */
  around(
    at: { source: string; time: number; offset?: number },
    before: number,
    after: number,
  ): { before: StoredRecord[]; after: StoredRecord[] } {
    const self = this.db
      .prepare(
        at.offset !== undefined
          ? 'SELECT id FROM records WHERE source = ? AND time = ? AND offset = ? ORDER BY id DESC LIMIT 1'
          : 'SELECT id FROM records WHERE source = ? AND time = ? ORDER BY id DESC LIMIT 1',
      )
      .get(...(at.offset !== undefined ? [at.source, at.time, at.offset] : [at.source, at.time])) as
      | { id: number }
      | undefined;
    const id = self?.id ?? -1;
    const b = this.db
      .prepare(
        'SELECT * FROM records WHERE source = ? AND (time < ? OR (time = ? AND id < ?)) ORDER BY time DESC, id DESC LIMIT ?',
      )
      .all(at.source, at.time, at.time, id, before) as unknown as StoredRecord[];
    const a = this.db
      .prepare(
        'SELECT * FROM records WHERE source = ? AND (time > ? OR (time = ? AND id > ?)) ORDER BY time, id LIMIT ?',
      )
      .all(at.source, at.time, at.time, self ? id : Number.MAX_SAFE_INTEGER, after) as unknown as StoredRecord[];
    return { before: b.reverse(), after: a };
  }

  count(source?: string): number {
    const row = (
      source
        ? this.db.prepare('SELECT count(*) AS n FROM records WHERE source = ?').get(source)
        : this.db.prepare('SELECT count(*) AS n FROM records').get()
    ) as { n: number };
    return row.n;
  }
}

/** The fields without a column of their own, as JSON (null when there are none). */
function extrasOf(r: LogRecord): string | null {
  const x: Record<string, unknown> = {};
  if (!r.timeExact) x.timeExact = false;
  if (r.thread !== undefined) x.thread = r.thread;
  if (r.exception !== undefined) x.exception = r.exception;
  if (r.orphan) x.orphan = true;
  if (r.correlation !== undefined && Object.keys(r.correlation).length) x.correlation = r.correlation;
  if (r.droppedLines) x.droppedLines = r.droppedLines;
  if (r.truncated) x.truncated = true;
  return Object.keys(x).length ? JSON.stringify(x) : null;
}
