/**
 * One poller per source with an API `url`: its own timer, a timeout per poll, exponential backoff while it fails,
 * so a slow or dead API never delays another source. An unreachable API (refused, DNS, timeout, 401, 5xx) is itself
 * a `connectivity` problem of the source, with the reason; it resolves when the API answers again. The poll's own
 * problems (health, queue) are left as they were while the API cannot be asked: not knowing is not "fixed".
 */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ExternalProblem, IssueService } from '../core/ports.ts';
import { redact } from '../core/redact.ts';
import { ApiError } from './api-http.ts';

export interface ApiPollerDeps {
  clock: Clock;
  logger: Logger;
  issues?: Pick<IssueService, 'syncExternal'>;
}

export interface ApiPollerOptions {
  source: string;
  app: string;
  /** How the API is named in messages: `Sonarr API at http://sonarr:8989`. */
  label: string;
  intervalMs: number;
  /** Default: the interval, at most 15 s. */
  timeoutMs?: number;
  /** Longest wait between polls while failing; default max(interval, 5 min). */
  maxBackoffMs?: number;
  /** Consecutive failures before the connectivity problem opens (a rejected key opens it at once); default 2. */
  failuresBeforeProblem?: number;
  /** Least time between the starts of two polls that pokes bring forward; default the interval, at most 1 s. */
  pokeGapMs?: number;
  run: (signal: AbortSignal) => Promise<void>;
}

export interface PollerStatus {
  source: string;
  app: string;
  /** null before the first poll finished. */
  ok: boolean | null;
  lastOkAt: number | null;
  lastError: string | null;
  failures: number;
}

export class ApiPoller {
  private readonly deps: ApiPollerDeps;
  private readonly opts: ApiPollerOptions;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private stopped = true;
  /** Set by stop(): a poll aborted by stopping is not a failure of the API. */
  private halted = false;
  private rerun = false;
  /** When the pending timer fires and when the last poll began (monotonic ms): pokes are spaced by `pokeGapMs`. */
  private dueAt = Number.POSITIVE_INFINITY;
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private lastOkAt: number | null = null;
  private lastError: string | null = null;
  private ok: boolean | null = null;
  private reported: string | null = null;
  private synced = false;

  constructor(deps: ApiPollerDeps, opts: ApiPollerOptions) {
    this.deps = deps;
    this.opts = opts;
    this.log = deps.logger;
  }

  get source(): string {
    return this.opts.source;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
    this.abort?.abort();
    await this.running;
  }

  /**
   * Polls soon (a webhook or websocket said something changed). Bursts collapse into one poll, and pokes never start
   * polls closer than `pokeGapMs`. While the API fails, pokes change nothing: the backoff's next poll stands, so a
   * flood of webhooks cannot turn into a flood of requests to an app that is already in trouble.
   */
  poke(): void {
    if (this.stopped || this.failures > 0) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    const wait = this.pokeWait();
    if (this.dueAt <= performance.now() + wait) return;
    this.schedule(wait);
  }

  status(): PollerStatus {
    return {
      source: this.opts.source,
      app: this.opts.app,
      ok: this.ok,
      lastOkAt: this.lastOkAt,
      lastError: this.lastError,
      failures: this.failures,
    };
  }

  /** Runs one poll now (tests, and the scheduler). Never throws: failures become state. */
  async pollOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.tick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.dueAt = performance.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Number.POSITIVE_INFINITY;
      void this.pollOnce().then(() => {
        if (this.stopped) return;
        const poked = this.rerun && this.failures === 0;
        this.rerun = false;
        this.schedule(poked ? this.pokeWait() : this.nextDelay());
      });
    }, ms);
  }

  /** How long a poke waits: until `pokeGapMs` after the start of the last poll. */
  private pokeWait(): number {
    const gap = this.opts.pokeGapMs ?? Math.min(this.opts.intervalMs, 1000);
    return Math.max(0, this.lastStartAt + gap - performance.now());
  }

  private nextDelay(): number {
    const { intervalMs } = this.opts;
    if (this.failures === 0) return intervalMs;
    const max = this.opts.maxBackoffMs ?? Math.max(intervalMs, 300_000);
    return Math.min(intervalMs * 2 ** Math.min(this.failures, 16), max);
  }

  private async tick(): Promise<void> {
    this.lastStartAt = performance.now();
    const timeoutMs = this.opts.timeoutMs ?? Math.min(this.opts.intervalMs, 15_000);
    const abort = new AbortController();
    this.abort = abort;
    let timer: NodeJS.Timeout | undefined;
    // The race guarantees the timeout even if a poll step ignores the signal.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ApiError('timeout', `${this.opts.label} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await Promise.race([this.opts.run(abort.signal), timeout]);
      this.succeeded();
    } catch (err) {
      if (this.halted) return;
      this.failed(err);
    } finally {
      clearTimeout(timer);
      this.abort = undefined;
    }
  }

  private succeeded(): void {
    const at = this.deps.clock.now();
    if (this.failures > 0) {
      this.log.info(`${this.opts.label} answers again after ${this.failures} failed polls.`, {
        source: this.opts.source,
      });
    }
    this.failures = 0;
    this.ok = true;
    this.lastOkAt = at;
    this.lastError = null;
    if (this.reported !== null || !this.synced) this.sync([], at);
    this.reported = null;
  }

  private failed(err: unknown): void {
    const at = this.deps.clock.now();
    const e = err instanceof ApiError ? err : new ApiError('invalid', `${this.opts.label}: ${describe(err)}`);
    this.failures++;
    this.ok = false;
    this.lastError = e.message;
    const retryIn = Math.round(this.nextDelay() / 1000);
    if (this.failures === 1) {
      this.log.warn(`${this.opts.label} failed: ${e.message}; retrying in ${retryIn}s.`, {
        source: this.opts.source,
        kind: e.kind,
      });
    } else {
      this.log.debug(`${this.opts.label} still failing (${this.failures} in a row): ${e.message}.`, {
        source: this.opts.source,
      });
    }
    const threshold = this.opts.failuresBeforeProblem ?? 2;
    if (e.kind !== 'unauthorized' && this.failures < threshold) return;
    const reason = e.message;
    if (this.reported === reason) return;
    this.reported = reason;
    this.sync([this.problem(e)], at);
  }

  private problem(e: ApiError): ExternalProblem {
    const what =
      e.kind === 'unauthorized'
        ? 'rejects the configured credentials'
        : e.kind === 'http' || e.kind === 'invalid'
          ? 'answers with errors'
          : 'is unreachable';
    return {
      key: 'connectivity',
      source: this.opts.source,
      app: this.opts.app,
      title: `${this.opts.label} ${what}`,
      message: e.message,
      category: 'connectivity',
      severity: 'high',
    };
  }

  private sync(problems: ExternalProblem[], at: number): void {
    this.synced = true;
    try {
      this.deps.issues?.syncExternal(this.opts.source, 'connectivity', problems, at);
    } catch (err) {
      this.log.warn(`Could not record the connectivity state of ${this.opts.source}.`, { error: err });
    }
  }
}

function describe(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

/** Reconciles one scope of a source's problems, logging (not throwing) when the issue tracker fails. */
export function syncProblems(
  deps: ApiPollerDeps,
  source: string,
  scope: string,
  problems: ExternalProblem[],
  at: number,
): void {
  try {
    deps.issues?.syncExternal(source, scope, problems, at);
  } catch (err) {
    deps.logger.warn(`Could not record the ${scope} problems of ${source}.`, { error: err });
  }
}
