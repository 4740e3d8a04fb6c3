/**
 * The log store (log-writer.ts, log-reader.ts: every record once, FTS5-indexed) and the follow checkpoints of tailed
 * files. Both are written in ONE transaction per batch, so after a crash — SIGKILL included —
 * the checkpoint says exactly which records are stored: resuming there reads no line twice and loses none.
 */
import { LEVELS, type Level, type LogRecord } from '../core/types.ts';
import { Counts } from './counts.ts';
import { type Database, migrate, transaction } from './db.ts';
import type { Dictionary } from './dictionary.ts';
import { LogReader, type StoredLine } from './log-reader.ts';
import { hasOldRecordsTable, migrateLogs, migrateLogsView } from './log-schema.ts';
import { LogWriter } from './log-writer.ts';
import { type RecordColumns, toColumns } from './record-columns.ts';

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
  /**
   * For a file seen empty (fpLen 0): when it was seen so (its mtime then). Stored as the checkpoint's time instead of
   * the commit's, so a restart drains every copy made after the file was emptied, also those made before the commit.
   */
  since?: number;
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
  /** The issue detection put each record in (`issues[i]` for `records[i]`), when known. */
  issues?: ReadonlyArray<string | null | undefined>;
}

/** A batch as the writer thread receives it: the records in columns (record-columns.ts). */
export interface ColumnBatch {
  columns: RecordColumns;
  checkpoints: readonly Checkpoint[];
  forget: ReadonlyArray<{ source: string; path: string }>;
  at: number;
}

export class RecordStore {
  private readonly db: Database;
  /** Counts per hour/source/level and per source, written with each batch. */
  readonly counts: Counts;
  private readonly writer: LogWriter;
  /** Search and decoding of stored lines. */
  readonly logs: LogReader;

  constructor(db: Database) {
    this.db = db;
    this.counts = new Counts(db);
    this.writer = new LogWriter(db, this.counts);
    this.logs = new LogReader(db, this.writer.dict);
  }

  /** Creates or upgrades the tables; call once before anything else. */
  migrate(): void {
    migrate(this.db, 'records', MIGRATIONS);
    this.counts.migrate();
    migrateLogs(this.db);
    if (hasOldRecordsTable(this.db)) this.moveOldRecords();
    migrateLogsView(this.db);
  }

  /** Moves the rows of the first store's `records` table into the log store (once, in chunks). */
  private moveOldRecords(): void {
    const page = this.db.prepare('SELECT * FROM records WHERE id > ? ORDER BY id LIMIT 5000');
    for (let after = 0; ; ) {
      const rows = page.all(after) as unknown as OldRow[];
      if (!rows.length) return;
      after = rows[rows.length - 1]?.id ?? after;
      const records = rows.map(fromOldRow);
      transaction(this.db, () => {
        this.writer.write(toColumns(records));
        this.db.prepare('DELETE FROM records WHERE id <= ?').run(after);
      });
    }
  }

  /** Writes records and checkpoints atomically: either the whole batch is stored or none of it. */
  commit(batch: Batch): void {
    this.commitColumns({ ...batch, columns: toColumns(batch.records, batch.issues) });
  }

  /** `commit` for records already in columns (what the writer thread receives). */
  commitColumns(batch: ColumnBatch): void {
    if (!batch.columns.n && !batch.checkpoints.length && !batch.forget.length) return;
    const upsert = this.db.prepare(
      `INSERT INTO checkpoints (source, path, dev, ino, fp_len, fp_hash, offset, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, fp_len = excluded.fp_len,
         fp_hash = excluded.fp_hash, offset = excluded.offset, saved_at = excluded.saved_at`,
    );
    const remove = this.db.prepare('DELETE FROM checkpoints WHERE source = ? AND path = ?');
    try {
      transaction(this.db, () => {
        this.writer.write(batch.columns);
        for (const f of batch.forget) remove.run(f.source, f.path);
        for (const c of batch.checkpoints) {
          upsert.run(
            c.source,
            c.path,
            c.dev,
            c.ino,
            c.fpLen,
            c.fpHash,
            c.offset,
            Math.min(c.since ?? batch.at, batch.at),
          );
        }
      });
    } catch (err) {
      // Dictionary ids handed out inside the rolled-back transaction no longer exist.
      this.writer.dict.reset();
      throw err;
    }
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

  /** The string dictionary (retention maps source ids back to names). */
  get dictionary(): Dictionary {
    return this.writer.dict;
  }

  /** Forgets cached dictionary ids (after a transaction around `commit` rolled back). */
  resetCaches(): void {
    this.writer.dict.reset();
  }

  /** Most recent records first. */
  recent(opts: { source?: string; limit?: number } = {}): StoredLine[] {
    const limit = Math.max(1, Math.min(opts.limit ?? 100, 10_000));
    return this.logs.search({ ...(opts.source !== undefined ? { sources: [opts.source] } : {}), limit });
  }

  /** The lines around an issue sample (same source), oldest first. */
  around(
    at: { source: string; time: number; issue?: string },
    before: number,
    after: number,
  ): { before: StoredLine[]; after: StoredLine[] } {
    const r = this.logs.around(at, before, after);
    return { before: r.before, after: r.after };
  }

  /** Records stored now (of one source). */
  count(source?: string): number {
    const counts = this.counts.storedCounts();
    if (source !== undefined) return counts.get(source) ?? 0;
    let n = 0;
    for (const v of counts.values()) n += v;
    return n;
  }
}

interface OldRow {
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

function fromOldRow(r: OldRow): LogRecord {
  const x = r.extras ? (JSON.parse(r.extras) as Partial<LogRecord>) : {};
  return {
    time: r.time,
    timeExact: x.timeExact ?? true,
    level: (LEVELS as readonly string[]).includes(r.level) ? (r.level as Level) : 'info',
    app: r.app,
    source: r.source,
    ...(r.logger !== null ? { logger: r.logger } : {}),
    message: r.message,
    raw: r.raw,
    ...(r.file !== null ? { file: r.file } : {}),
    ...(r.offset !== null ? { offset: r.offset } : {}),
    lines: r.lines,
    ...(x.exception ? { exception: x.exception } : {}),
    ...(x.orphan ? { orphan: true } : {}),
    ...(x.droppedLines ? { droppedLines: x.droppedLines } : {}),
    ...(x.truncated ? { truncated: true } : {}),
  };
}
