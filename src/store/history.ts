/**
 * What happened to issues and alerts, kept in SQLite so it outlives the state file's pruning and the log lines:
 * the timeline of every issue's status changes, and every alert (firing and resolved) for `/api/alerts`.
 * Written from bus listeners (a few rows per status change, never per record).
 */
import type { EventBus } from '../core/bus.ts';
import type { AlertEvent, ArrgusEvents, IssueEvent } from '../core/events.ts';
import type { Alert, AlertState } from '../core/types.ts';
import { type Database, migrate } from './db.ts';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE issue_events (
     id INTEGER PRIMARY KEY,
     issue TEXT NOT NULL,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     by TEXT
   );
   CREATE INDEX issue_events_issue ON issue_events (issue, at);
   CREATE INDEX issue_events_at ON issue_events (at);
   CREATE TABLE alert_log (
     id TEXT PRIMARY KEY,
     fired_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX alert_log_fired ON alert_log (fired_at, id);`,
];

/** Timeline entries kept per issue: the oldest go first past this (a flapping issue cannot grow without bound). */
const MAX_EVENTS_PER_ISSUE = 200;
/** Alerts kept in the log (newest first; up to PRUNE_EVERY more between two prunes). */
const MAX_ALERTS = 10_000;
const PRUNE_EVERY = 256;

export interface TimelineEntry {
  at: number;
  kind: string;
  by: string | null;
}

export interface AlertQuery {
  state?: AlertState;
  source?: string;
  limit: number;
  /** Keyset: alerts fired strictly before (firedAt, id). */
  before?: { firedAt: number; id: string };
}

/** Runs a write statement: on the connection itself, or queued to the writer thread (see StoreWriter.exec). */
export type WriteSql = (sql: string, args: ReadonlyArray<string | number | null>) => void;

export class History {
  private readonly db: Database;
  private readonly write: WriteSql;
  private unsubscribe: Array<() => void> = [];
  private alertWrites = 0;

  /**
   * `write` defaults to this connection; the service passes the writer thread's queue, so a status change never waits
   * on the thread's write lock.
   */
  constructor(db: Database, write?: WriteSql) {
    this.db = db;
    this.write = write ?? ((sql, args) => void db.prepare(sql).run(...args));
  }

  migrate(): void {
    migrate(this.db, 'history', MIGRATIONS);
  }

  /** Starts recording issue status changes and alerts from the bus; returns the function that stops it. */
  attach(bus: EventBus<ArrgusEvents>): () => void {
    this.unsubscribe.push(
      bus.on('issue', 'store:history', (e) => this.onIssue(e)),
      bus.on('alert', 'store:history', (e) => this.onAlert(e)),
    );
    return () => this.detach();
  }

  detach(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  /** Stores alerts that fired before recording started (restored from the state file). */
  seedAlerts(alerts: readonly Alert[]): void {
    for (const a of alerts) this.putAlert(a);
  }

  /** Records one status change (the API records its own actions through the bus events they cause). */
  addIssueEvent(issue: string, at: number, kind: string, by: string | null): void {
    this.write('INSERT INTO issue_events (issue, at, kind, by) VALUES (?, ?, ?, ?)', [issue, at, kind, by]);
    // Only the newest entries of an issue are kept.
    this.write(
      'DELETE FROM issue_events WHERE issue = ? AND id NOT IN (SELECT id FROM issue_events WHERE issue = ? ORDER BY at DESC, id DESC LIMIT ?)',
      [issue, issue, MAX_EVENTS_PER_ISSUE],
    );
  }

  timeline(issue: string): TimelineEntry[] {
    return this.db
      .prepare('SELECT at, kind, by FROM issue_events WHERE issue = ? ORDER BY at, id')
      .all(issue) as unknown as TimelineEntry[];
  }

  alerts(q: AlertQuery): Alert[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.state) {
      where.push('state = ?');
      args.push(q.state);
    }
    if (q.source) {
      where.push("json_extract(body, '$.source') = ?");
      args.push(q.source);
    }
    if (q.before) {
      where.push('(fired_at < ? OR (fired_at = ? AND id < ?))');
      args.push(q.before.firedAt, q.before.firedAt, q.before.id);
    }
    const sql = `SELECT body FROM alert_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY fired_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as Alert);
  }

  private onIssue(e: IssueEvent): void {
    // `updated` fires on every tick an issue grows: the counts are in the issue itself, not worth a timeline row.
    if (e.kind === 'updated') return;
    this.addIssueEvent(e.issue.id, e.at, e.kind, e.by ?? null);
  }

  private onAlert(e: AlertEvent): void {
    this.putAlert(e.alert);
  }

  private putAlert(a: Alert): void {
    this.write(
      `INSERT INTO alert_log (id, fired_at, state, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body`,
      [a.id, a.firedAt, a.state, JSON.stringify(a)],
    );
    // The bound is enforced every PRUNE_EVERY writes, not on each: the delete walks MAX_ALERTS index entries, which
    // for a flood of alerts (every line a new issue) cost more than everything else stored per alert.
    if (++this.alertWrites % PRUNE_EVERY !== 0) return;
    this.write(
      'DELETE FROM alert_log WHERE id IN (SELECT id FROM alert_log ORDER BY fired_at DESC, id DESC LIMIT -1 OFFSET ?)',
      [MAX_ALERTS],
    );
  }
}
