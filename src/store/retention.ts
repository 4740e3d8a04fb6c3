/**
 * Retention of the log store, on a cron schedule (croner; nightly by default) and at start when the last run is more
 * than a day old. The deletes run in the writer thread in short steps (retention-pass.ts); each run is remembered
 * with what it deleted and its longest step.
 */
import { Cron } from 'croner';
import type { Component, CoreContext } from '../core/context.ts';
import type { Logger } from '../core/logger.ts';
import { type Database, migrate } from './db.ts';
import type { RetentionPolicy, RetentionResult } from './retention-pass.ts';
import type { StoreWriter } from './store-writer.ts';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE retention_runs (
     at INTEGER NOT NULL,
     deleted INTEGER NOT NULL,
     max_step_ms REAL NOT NULL,
     ms INTEGER NOT NULL
   );`,
];

const DAY = 86_400_000;
/** Runs remembered. */
const KEEP_RUNS = 100;

export interface RetentionDeps {
  db: Database;
  writer: Pick<StoreWriter, 'retain'>;
}

export class Retention implements Component {
  readonly name = 'retention';
  private readonly ctx: CoreContext;
  private readonly deps: RetentionDeps;
  private readonly log: Logger;
  private job: Cron | null = null;
  private running: Promise<RetentionResult | null> | null = null;

  constructor(ctx: CoreContext, deps: RetentionDeps) {
    this.ctx = ctx;
    this.deps = deps;
    this.log = ctx.logger.child('retention');
  }

  /** The policy from the configuration: per level, per source overrides, the size cap. */
  policy(): RetentionPolicy {
    const { store, sources } = this.ctx.config;
    const perSource: RetentionPolicy['sources'] = {};
    for (const s of sources) {
      if (!s.retention) continue;
      const own: Partial<Record<keyof typeof store.retention, number>> = {};
      for (const [level, ms] of Object.entries(s.retention)) {
        if (typeof ms === 'number') own[level as keyof typeof store.retention] = ms;
      }
      perSource[s.name] = own;
    }
    return { levels: { ...store.retention }, sources: perSource, maxBytes: store.maxBytes };
  }

  start(): void {
    migrate(this.deps.db, 'retention', MIGRATIONS);
    this.job = new Cron(this.ctx.config.store.schedule, { protect: true }, () => {
      void this.run();
    });
    const last = this.lastRunAt();
    if (last === null || this.ctx.clock.now() - last > DAY) void this.run();
  }

  async stop(): Promise<void> {
    this.job?.stop();
    this.job = null;
  }

  /** Runs retention now (or joins the run in progress). Resolves with its result; null when it failed (logged). */
  run(): Promise<RetentionResult | null> {
    this.running ??= this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  lastRunAt(): number | null {
    const row = this.deps.db.prepare('SELECT max(at) AS at FROM retention_runs').get() as { at: number | null };
    return row.at;
  }

  private async runOnce(): Promise<RetentionResult | null> {
    const started = this.ctx.clock.now();
    const t0 = performance.now();
    let result: RetentionResult;
    try {
      result = await this.deps.writer.retain(this.policy(), started);
    } catch (err) {
      this.log.warn('Retention did not complete; the next run tries again.', { error: err });
      return null;
    }
    const ms = Math.round(performance.now() - t0);
    try {
      this.deps.db
        .prepare('INSERT INTO retention_runs (at, deleted, max_step_ms, ms) VALUES (?, ?, ?, ?)')
        .run(started, result.deleted, result.maxStepMs, ms);
      this.deps.db
        .prepare(
          'DELETE FROM retention_runs WHERE at < (SELECT min(at) FROM (SELECT at FROM retention_runs ORDER BY at DESC LIMIT ?))',
        )
        .run(KEEP_RUNS);
    } catch (err) {
      this.log.warn('The retention run could not be recorded.', { error: err });
    }
    this.log.info(
      `Retention deleted ${result.deleted} stored lines (${result.deletedForSize} for the size cap) in ${ms} ms.`,
      { steps: result.steps, maxStepMs: Math.round(result.maxStepMs) },
    );
    return result;
  }
}
