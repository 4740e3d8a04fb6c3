/**
 * The SQLite database (node:sqlite) under dataDir: log records with their follow checkpoints, the notification
 * outbox, later the full-text store. Only store/ touches node:sqlite (house rule 4). Each module that owns tables
 * registers its migrations by name; `user_version`-style numbering per module lives in the `_migrations` table.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { registerLogFunctions } from './log-functions.ts';

export type Database = DatabaseSync;

export function openDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;',
  );
  registerLogFunctions(db);
  db.exec('CREATE TABLE IF NOT EXISTS _migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  return db;
}

/** Applies `steps[i]` for every version above the module's current one, each in its own transaction. */
export function migrate(db: Database, module: string, steps: readonly string[]): void {
  const row = db.prepare('SELECT version FROM _migrations WHERE module = ?').get(module) as
    | { version: number }
    | undefined;
  let version = row?.version ?? 0;
  while (version < steps.length) {
    const sql = steps[version] as string;
    db.exec('BEGIN');
    try {
      db.exec(sql);
      version++;
      db.prepare(
        'INSERT INTO _migrations (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version',
      ).run(module, version);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** Runs `fn` in a transaction (nested calls join the outer one). */
export function transaction<T>(db: Database, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
