/**
 * The notification outbox: one row per (notification, target), in SQLite. An enqueue is committed before the bus
 * listener returns, and a delivery is marked sent in the same step that records its success, so a restart neither
 * loses pending items nor sends sent ones again (a crash between the receiver's answer and that commit is the only
 * window for a duplicate; receivers get a stable idempotency key for it).
 *
 * A row may carry a `key`: the identity of what it announces (notify/delivery-key.ts). A (target, key) pair is stored
 * once, whatever its status: when a crash comes after a send but before the follow positions were committed, the
 * same lines are read again and detection announces the same alert again; that second enqueue is ignored instead of
 * becoming a second delivery.
 *
 * Row states: `pending` (to send, in id order per target), `held` (muted, quiet hours or a burst: kept for the
 * summary), `sent`, `failed` (refused for good), `dropped` (queue full), `summarised` (held, then folded into a
 * summary). Held rows are bounded like pending ones, per target and scope: beyond the bound the least severe, then
 * oldest, are dropped but keep their scope, so the summary still counts them.
 */
import type { StatementSync } from 'node:sqlite';
import { type Database, migrate, transaction } from './db.ts';

export type OutboxStatus = 'pending' | 'held' | 'sent' | 'failed' | 'dropped' | 'summarised';

export interface OutboxItem {
  id: number;
  target: string;
  status: OutboxStatus;
  /** SEVERITY_RANK of the content: what the bounded queue drops first. */
  severity: number;
  /** For held rows: `*` (global mute), a source name, or `quiet`. */
  scope: string | null;
  createdAt: number;
  nextAt: number;
  attempts: number;
  lastError: string | null;
  payload: string;
  /** The identity of what the row announces; null for rows without one (summaries). */
  key: string | null;
}

export interface EnqueueRequest {
  target: string;
  severity: number;
  payload: string;
  /** Set to hold instead of queueing. */
  heldScope?: string;
  /** The identity of what is announced: a request whose (target, key) is already stored is ignored. */
  key?: string;
}

const MIGRATIONS = [
  `CREATE TABLE notify_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     target TEXT NOT NULL,
     status TEXT NOT NULL,
     severity INTEGER NOT NULL,
     scope TEXT,
     created_at INTEGER NOT NULL,
     next_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     done_at INTEGER,
     payload TEXT NOT NULL
   );
   CREATE INDEX notify_outbox_queue ON notify_outbox (target, status, id);
   CREATE INDEX notify_outbox_done ON notify_outbox (status, done_at);`,
  // NULL keys are distinct in a UNIQUE index: rows without a key (summaries) never collide.
  `ALTER TABLE notify_outbox ADD COLUMN dedupe_key TEXT;
   CREATE UNIQUE INDEX notify_outbox_key ON notify_outbox (target, dedupe_key);`,
];

interface Row {
  id: number;
  target: string;
  status: OutboxStatus;
  severity: number;
  scope: string | null;
  created_at: number;
  next_at: number;
  attempts: number;
  last_error: string | null;
  payload: string;
  dedupe_key: string | null;
}

const toItem = (r: Row): OutboxItem => ({
  id: r.id,
  target: r.target,
  status: r.status,
  severity: r.severity,
  scope: r.scope,
  createdAt: r.created_at,
  nextAt: r.next_at,
  attempts: r.attempts,
  lastError: r.last_error,
  payload: r.payload,
  key: r.dedupe_key,
});

/** Held rows of a target and scope dropped at the held bound: how many, and when the first of them was held. */
export interface HeldOverflow {
  count: number;
  firstAt: number;
}

const NO_OVERFLOW: HeldOverflow = { count: 0, firstAt: Number.POSITIVE_INFINITY };

export interface DropNotice {
  target: string;
  id: number;
  severity: number;
  payload: string;
}

export class Outbox {
  private readonly db: Database;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: Database) {
    this.db = db;
  }

  /** Prepared once, reused: enqueue runs inside a bus listener and should cost microseconds. */
  private sql(text: string): StatementSync {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /** Creates the table (idempotent). Call once after opening the database. */
  init(): void {
    migrate(this.db, 'notify_outbox', MIGRATIONS);
  }

  /**
   * Stores every request in one transaction and enforces each target's bound: beyond `maxQueue(target)` pending
   * rows, the least severe, then oldest, are marked dropped (the one being sent, `inFlight`, is never chosen).
   * `ids` are the rows stored; `known` counts the requests ignored because their (target, key) was stored before.
   */
  enqueue(
    requests: readonly EnqueueRequest[],
    now: number,
    maxQueue: (target: string) => number,
    inFlight: (target: string) => number | undefined = () => undefined,
  ): { ids: number[]; dropped: DropNotice[]; known: number } {
    // OR IGNORE applies to the (target, key) index alone: the other columns have no constraint that could fail.
    const insert = this.sql(
      'INSERT OR IGNORE INTO notify_outbox (target, status, severity, scope, created_at, next_at, payload, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return transaction(this.db, () => {
      const ids: number[] = [];
      const targets = new Set<string>();
      const held = new Set<string>();
      let known = 0;
      for (const r of requests) {
        const res = insert.run(
          r.target,
          r.heldScope ? 'held' : 'pending',
          r.severity,
          r.heldScope ?? null,
          now,
          now,
          r.payload,
          r.key ?? null,
        );
        if (Number(res.changes) === 0) {
          known++;
          continue;
        }
        ids.push(Number(res.lastInsertRowid));
        if (r.heldScope) held.add(`${r.target}\n${r.heldScope}`);
        else targets.add(r.target);
      }
      const dropped: DropNotice[] = [];
      for (const t of targets) dropped.push(...this.enforceBound(t, maxQueue(t), now, inFlight(t)));
      for (const k of held) {
        const [t = '', scope = ''] = k.split('\n');
        this.enforceHeldBound(t, scope, maxQueue(t), now);
      }
      return { ids, dropped, known };
    });
  }

  /**
   * A long mute during a storm would otherwise hold without limit (rows on disk, and all of them parsed to build the
   * summary): beyond `max` held rows of a target and scope, the least severe, then oldest, become `dropped` with
   * their scope kept, counted by the summary (`releaseHeld`'s `overflow`).
   */
  private enforceHeldBound(target: string, scope: string, max: number, now: number): void {
    const over = this.heldCount(target, scope) - max;
    if (over <= 0) return;
    this.sql(
      `UPDATE notify_outbox SET status = 'dropped', done_at = ?, last_error = 'too many held' WHERE id IN (
         SELECT id FROM notify_outbox WHERE target = ? AND status = 'held' AND scope = ? ORDER BY severity ASC, id ASC LIMIT ?)`,
    ).run(now, target, scope, over);
  }

  private enforceBound(target: string, max: number, now: number, inFlight: number | undefined): DropNotice[] {
    const over = this.pendingCount(target) - max;
    if (over <= 0) return [];
    const victims = this.sql(
      `SELECT id, severity, payload FROM notify_outbox WHERE target = ? AND status = 'pending' AND id != ?
         ORDER BY severity ASC, id ASC LIMIT ?`,
    ).all(target, inFlight ?? -1, over) as Array<{ id: number; severity: number; payload: string }>;
    const mark = this.sql(
      "UPDATE notify_outbox SET status = 'dropped', done_at = ?, last_error = 'queue full' WHERE id = ?",
    );
    for (const v of victims) mark.run(now, v.id);
    return victims.map((v) => ({ target, id: v.id, severity: v.severity, payload: v.payload }));
  }

  /** The head of a target's queue: deliveries go out in enqueue order. */
  next(target: string): OutboxItem | undefined {
    const row = this.sql("SELECT * FROM notify_outbox WHERE target = ? AND status = 'pending' ORDER BY id LIMIT 1").get(
      target,
    ) as Row | undefined;
    return row ? toItem(row) : undefined;
  }

  markSent(id: number, now: number): void {
    this.sql(
      "UPDATE notify_outbox SET status = 'sent', done_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
    ).run(now, id);
  }

  markRetry(id: number, nextAt: number, error: string): void {
    this.sql('UPDATE notify_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?').run(
      nextAt,
      error,
      id,
    );
  }

  markFailed(id: number, now: number, error: string): void {
    this.sql(
      "UPDATE notify_outbox SET status = 'failed', attempts = attempts + 1, done_at = ?, last_error = ? WHERE id = ?",
    ).run(now, error, id);
  }

  pendingCount(target: string): number {
    return this.count(target, 'pending');
  }

  count(target: string, status: OutboxStatus): number {
    const row = this.sql('SELECT count(*) AS n FROM notify_outbox WHERE target = ? AND status = ?').get(
      target,
      status,
    ) as { n: number };
    return row.n;
  }

  heldCount(target: string, scope: string): number {
    const row = this.sql(
      "SELECT count(*) AS n FROM notify_outbox WHERE target = ? AND status = 'held' AND scope = ?",
    ).get(target, scope) as { n: number };
    return row.n;
  }

  /** Scopes that have held rows (so a restart can still summarise a mute that ended while Arrgus was down). */
  heldScopes(): string[] {
    return (
      this.sql("SELECT DISTINCT scope FROM notify_outbox WHERE status = 'held'").all() as Array<{ scope: string }>
    ).map((r) => r.scope);
  }

  /**
   * Folds the held rows of `scope` (optionally of one target) into summaries, in one transaction: `summarise` gets
   * each target's held rows, with how many more were dropped at the held bound (and when the first of all was held),
   * and returns the summary to queue (or null). Returns the ids queued.
   */
  releaseHeld(
    scope: string,
    now: number,
    summarise: (
      target: string,
      held: OutboxItem[],
      overflow: HeldOverflow,
    ) => { severity: number; payload: string } | null,
    onlyTarget?: string,
  ): number[] {
    return transaction(this.db, () => {
      const only = onlyTarget === undefined ? '' : ' AND target = ?';
      const args = onlyTarget === undefined ? [scope] : [scope, onlyTarget];
      const rows = this.sql(`SELECT * FROM notify_outbox WHERE status = 'held' AND scope = ?${only} ORDER BY id`).all(
        ...args,
      ) as unknown as Row[];
      const overflow = new Map<string, HeldOverflow>();
      for (const o of this.sql(
        `SELECT target, count(*) AS n, min(created_at) AS first FROM notify_outbox
           WHERE status = 'dropped' AND scope = ?${only} GROUP BY target`,
      ).all(...args) as Array<{ target: string; n: number; first: number }>) {
        overflow.set(o.target, { count: o.n, firstAt: o.first });
      }
      const byTarget = new Map<string, OutboxItem[]>();
      for (const t of overflow.keys()) byTarget.set(t, []);
      for (const r of rows) {
        const list = byTarget.get(r.target) ?? [];
        list.push(toItem(r));
        byTarget.set(r.target, list);
      }
      const mark = this.sql("UPDATE notify_outbox SET status = 'summarised', done_at = ? WHERE id = ?");
      const markDropped = this.sql(
        "UPDATE notify_outbox SET status = 'summarised' WHERE status = 'dropped' AND scope = ? AND target = ?",
      );
      const insert = this.sql(
        "INSERT INTO notify_outbox (target, status, severity, created_at, next_at, payload) VALUES (?, 'pending', ?, ?, ?, ?)",
      );
      const ids: number[] = [];
      for (const [target, held] of byTarget) {
        for (const h of held) mark.run(now, h.id);
        const over = overflow.get(target) ?? NO_OVERFLOW;
        if (over.count) markDropped.run(scope, target);
        const summary = summarise(target, held, over);
        if (summary) ids.push(Number(insert.run(target, summary.severity, now, now, summary.payload).lastInsertRowid));
      }
      return ids;
    });
  }

  /** Finished rows older than `before` are deleted; pending and held rows are never pruned. */
  prune(before: number): number {
    const res = this.sql(
      "DELETE FROM notify_outbox WHERE status IN ('sent', 'failed', 'dropped', 'summarised') AND done_at < ?",
    ).run(before);
    return Number(res.changes);
  }

  get(id: number): OutboxItem | undefined {
    const row = this.sql('SELECT * FROM notify_outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? toItem(row) : undefined;
  }
}
