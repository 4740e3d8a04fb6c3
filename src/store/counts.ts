/**
 * Record counts per (hour, source, level), kept beside the records and written in the same transaction as each
 * batch. They answer `/api/stats` without scanning lines, and they outlive the lines retention deletes. The number of
 * records stored now per source is kept apart (`stored_counts`): retention lowers it, the hourly counts stay.
 */
import { LEVELS } from '../core/types.ts';
import { type Database, migrate } from './db.ts';
import { F, INTS, type RecordColumns } from './record-columns.ts';

const HOUR = 3_600_000;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE hourly_counts (
     hour INTEGER NOT NULL,
     source TEXT NOT NULL,
     level TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (hour, source, level)
   ) WITHOUT ROWID;
   CREATE TABLE stored_counts (source TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;`,
];

export interface HourCountRow {
  hour: number;
  source: string;
  level: string;
  count: number;
}

export class Counts {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  migrate(): void {
    migrate(this.db, 'counts', MIGRATIONS);
  }

  /** Adds a batch's records (call inside the batch's transaction). */
  add(c: RecordColumns): void {
    if (!c.n) return;
    const hourly = new Map<string, number>();
    const perSource = new Map<string, number>();
    for (let i = 0; i < c.n; i++) {
      const source = c.names[c.ints[i * INTS + F.source] as number] as string;
      const level = LEVELS[c.ints[i * INTS + F.level] as number] as string;
      const key = `${Math.floor((c.time[i] as number) / HOUR) * HOUR}\u0000${source}\u0000${level}`;
      hourly.set(key, (hourly.get(key) ?? 0) + 1);
      perSource.set(source, (perSource.get(source) ?? 0) + 1);
    }
    const up = this.db.prepare(
      'INSERT INTO hourly_counts (hour, source, level, n) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n',
    );
    for (const [key, n] of hourly) {
      const [hour, source, level] = key.split('\u0000') as [string, string, string];
      up.run(Number(hour), source, level, n);
    }
    this.changeStored(perSource, 1);
  }

  hourly(q: { from: number; to: number; source?: string }): HourCountRow[] {
    const sql = `SELECT hour, source, level, n AS count FROM hourly_counts WHERE hour >= ? AND hour < ?${q.source !== undefined ? ' AND source = ?' : ''} ORDER BY hour`;
    const args: Array<string | number> = [q.from, q.to];
    if (q.source !== undefined) args.push(q.source);
    return this.db.prepare(sql).all(...args) as unknown as HourCountRow[];
  }

  /** Records stored now per source (read each time: the writer thread and retention change it). */
  storedCounts(): Map<string, number> {
    const rows = this.db.prepare('SELECT source, n FROM stored_counts').all() as Array<{ source: string; n: number }>;
    return new Map(rows.map((r) => [r.source, r.n]));
  }

  private changeStored(perSource: ReadonlyMap<string, number>, sign: 1 | -1): void {
    const up = this.db.prepare(
      'INSERT INTO stored_counts (source, n) VALUES (?, ?) ON CONFLICT DO UPDATE SET n = max(0, n + excluded.n)',
    );
    for (const [source, n] of perSource) up.run(source, sign * n);
  }
}
