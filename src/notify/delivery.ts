/**
 * One target's delivery queue, off the ingestion path: it sends the outbox rows of its target one at a time in
 * enqueue order, each under a timeout, retrying failures with exponential backoff and jitter (and never sooner than
 * the receiver's `Retry-After`). Items refused for good (400, 413, 5xx SMTP recipient) are marked failed and logged
 * once at ERROR; everything else is retried until it goes through. A target that keeps failing is reported
 * unhealthy; it never slows the others (each queue has its own loop).
 *
 * This file is the queue and its health; how one send is bounded and when it is retried live in retry-policy.ts, and
 * the attempt log people read in delivery-log.ts.
 */
import type { NotifyTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Outbox, OutboxItem } from '../store/outbox.ts';
import { idempotencyKey } from './delivery-key.ts';
import { type AttemptLog, asDeliveryError, DeliveryLog, failureFields } from './delivery-log.ts';
import { retryDelay, sendWithTimeout } from './retry-policy.ts';
import { type Content, DeliveryError, type FailureKind, type Notifier } from './types.ts';

// Where the dispatcher, the CLI and the web routes have always imported them from.
export { type AttemptLog, asDeliveryError } from './delivery-log.ts';

export interface TargetHealth {
  name: string;
  type: string;
  healthy: boolean;
  queued: number;
  dropped: number;
  failed: number;
  lastError: string | null;
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  consecutiveFailures: number;
}

export interface TestResult {
  ok: boolean;
  target: string;
  type: string;
  durationMs: number;
  error?: string;
  failure?: FailureKind;
  status?: number;
  warning?: string;
}

export interface QueueDeps {
  target: NotifyTarget;
  notifier: Notifier;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  /** Prefix of delivery ids (idempotency keys): stable per instance. */
  instanceId: string;
  random?: () => number;
  logSize?: number;
  /** Consecutive failures before the target is reported unhealthy. */
  unhealthyAfter?: number;
}

export class TargetQueue {
  readonly name: string;
  private readonly d: QueueDeps;
  private readonly log: DeliveryLog;
  private running = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private inflight: { id: number; abort: AbortController } | undefined;
  private loop: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private lastSuccessAt: number | null = null;
  private lastAttemptAt: number | null = null;

  constructor(deps: QueueDeps) {
    this.d = deps;
    this.name = deps.target.name;
    this.log = new DeliveryLog(deps.target.name, deps.clock, deps.logSize ?? 50);
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops sending: the delivery in flight is abandoned (it stays pending and goes out after a restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inflight?.abort.abort(new DeliveryError('Arrgus is stopping', { kind: 'network' }));
    await this.loop;
  }

  /** Something was queued (or a wait ended): look at the head of the queue. */
  wake(): void {
    if (this.stopped || this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = true;
    this.loop = this.pump();
  }

  inFlightId(): number | undefined {
    return this.inflight?.id;
  }

  health(): TargetHealth {
    const o = this.d.outbox;
    return {
      name: this.name,
      type: this.d.notifier.type,
      healthy: this.consecutiveFailures < (this.d.unhealthyAfter ?? 3),
      queued: o.pendingCount(this.name),
      dropped: o.count(this.name, 'dropped'),
      failed: o.count(this.name, 'failed'),
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
      lastAttemptAt: this.lastAttemptAt,
      consecutiveFailures: this.consecutiveFailures,
    };
  }

  attempts(): AttemptLog[] {
    return this.log.list();
  }

  noteDropped(id: number, content: Pick<Content, 'kind' | 'title'>): void {
    this.record({
      id,
      kind: content.kind,
      title: content.title,
      attempt: 0,
      outcome: 'dropped',
      durationMs: 0,
      error: 'queue full',
    });
  }

  /** Sends `content` now, outside the queue (notify-test): the exact reason of a failure comes back. */
  async test(content: Content): Promise<TestResult> {
    const started = performance.now();
    const base = { target: this.name, type: this.d.notifier.type };
    try {
      const r = await this.sendOnce(`${this.d.instanceId}-test-${this.d.clock.now()}`, content);
      const durationMs = Math.round(performance.now() - started);
      this.record({ id: 0, kind: 'test', title: content.title, attempt: 1, outcome: 'test-ok', durationMs });
      return { ok: true, ...base, durationMs, ...(r?.warning ? { warning: r.warning } : {}) };
    } catch (err) {
      const e = asDeliveryError(err);
      const durationMs = Math.round(performance.now() - started);
      this.record({
        id: 0,
        kind: 'test',
        title: content.title,
        attempt: 1,
        outcome: 'test-failed',
        durationMs,
        ...failureFields(e),
      });
      return { ok: false, ...base, durationMs, ...failureFields(e) };
    }
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        const item = this.d.outbox.next(this.name);
        if (!item) return;
        const wait = item.nextAt - this.d.clock.now();
        if (wait > 0) {
          this.timer = setTimeout(() => this.wake(), wait);
          this.timer.unref();
          return;
        }
        await this.attempt(item);
      }
    } catch (err) {
      // The outbox itself failed (disk full, database closed): retry the loop later rather than spin.
      this.d.logger.error(`Delivery loop of ${this.name} failed; retrying in 30s.`, { error: err });
      if (!this.stopped) {
        this.timer = setTimeout(() => this.wake(), 30_000);
        this.timer.unref();
      }
    } finally {
      // Cleared in the same step as the last look at the queue, so a wake() right after always starts a new loop.
      this.running = false;
    }
  }

  private async attempt(item: OutboxItem): Promise<void> {
    const { outbox, clock, logger } = this.d;
    const content = JSON.parse(item.payload) as Content;
    const attempt = item.attempts + 1;
    const started = performance.now();
    this.lastAttemptAt = clock.now();
    try {
      const r = await this.sendOnce(idempotencyKey(this.d.instanceId, item.key, item.id), content, item.id);
      const now = clock.now();
      outbox.markSent(item.id, now);
      if (this.consecutiveFailures >= (this.d.unhealthyAfter ?? 3)) {
        logger.info(`Target ${this.name} is healthy again; delivered after ${this.consecutiveFailures} failures.`);
      }
      this.consecutiveFailures = 0;
      this.lastSuccessAt = now;
      if (r?.warning) logger.warn(`Target ${this.name} delivered "${content.title}" only in part: ${r.warning}.`);
      this.record({
        id: item.id,
        kind: content.kind,
        title: content.title,
        attempt,
        outcome: 'sent',
        durationMs: ms(started),
        ...(r?.warning ? { error: r.warning } : {}),
      });
    } catch (err) {
      if (this.stopped) return; // abandoned on stop: stays pending, not counted as an attempt
      const e = asDeliveryError(err);
      const now = clock.now();
      this.consecutiveFailures++;
      this.lastError = e.message;
      if (e.permanent) {
        outbox.markFailed(item.id, now, e.message);
        logger.error(
          `Target ${this.name} refused "${content.title}" for good; it will not be retried.`,
          failureFields(e),
        );
        this.record({
          id: item.id,
          kind: content.kind,
          title: content.title,
          attempt,
          outcome: 'failed',
          durationMs: ms(started),
          ...failureFields(e),
        });
        return;
      }
      const nextAt = now + this.retryDelay(attempt, e.retryAfterMs);
      outbox.markRetry(item.id, nextAt, e.message);
      const threshold = this.d.unhealthyAfter ?? 3;
      if (this.consecutiveFailures === 1) {
        logger.warn(`Delivery to ${this.name} failed; retrying.`, {
          ...failureFields(e),
          retryAt: new Date(nextAt).toISOString(),
        });
      } else if (this.consecutiveFailures === threshold) {
        logger.warn(
          `Target ${this.name} is unhealthy after ${threshold} failed attempts; still retrying.`,
          failureFields(e),
        );
      } else {
        logger.debug(`Delivery to ${this.name} failed again (attempt ${attempt}).`, failureFields(e));
      }
      this.record({
        id: item.id,
        kind: content.kind,
        title: content.title,
        attempt,
        outcome: 'retry',
        durationMs: ms(started),
        nextAt,
        ...failureFields(e),
      });
    }
  }

  /** Delay before the next attempt after `attempt` failed (see retry-policy.ts). */
  retryDelay(attempt: number, retryAfterMs?: number): number {
    const { initial, max } = this.d.target.retry;
    return retryDelay(attempt, { initial, max, ...(this.d.random ? { random: this.d.random } : {}) }, retryAfterMs);
  }

  /** One send under the target's timeout; an outbox item's send is the one `stop()` abandons. */
  private async sendOnce(id: string, content: Content, outboxId?: number) {
    const abort = new AbortController();
    if (outboxId !== undefined) this.inflight = { id: outboxId, abort };
    try {
      return await sendWithTimeout(this.d.notifier, { id, content }, this.d.target.timeout, abort);
    } finally {
      if (outboxId !== undefined) this.inflight = undefined;
    }
  }

  private record(entry: Omit<AttemptLog, 'at' | 'target'>): void {
    this.log.record(entry);
  }
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}
