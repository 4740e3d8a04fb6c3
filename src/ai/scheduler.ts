/**
 * Runs analyses off the hot path: a bounded queue, at most `ai.concurrency` calls at once, a timeout per call,
 * retries of timeouts, 429 and 5xx with doubling backoff or the server's Retry-After, a daily token budget, the cache
 * (same fingerprint and evidence: no call), and one repair retry when the answer fails validation. Nothing here is
 * awaited by detection, alerts or notifications: a model that is down or slow only makes its own job late.
 */
import type { AiConfig } from '../config/ai.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { redact } from '../core/redact.ts';
import type { Analysis, AnalysisStore } from './analyses.ts';
import { ANSWER_JSON_SCHEMA, type AnalysisAnswer, parseAnswer } from './answer.ts';
import type { Bundle } from './bundle.ts';
import type { AiRedactor } from './redact.ts';
import { type AiProvider, type ChatMessage, type ChatResult, ProviderError } from './types.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobStatus {
  issueId: string;
  state: JobState;
  requestedAt: number;
  finishedAt?: number;
  /** Why it failed, in a sentence. */
  error?: string;
  /** The answer came from the cache: no call was made. */
  cached?: boolean;
}

export class QueueFullError extends Error {}

export interface SchedulerDeps {
  config: AiConfig;
  provider: AiProvider;
  store: AnalysisStore;
  redactor: AiRedactor;
  clock: Clock;
  logger: Logger;
  /** The bundle of an issue, or undefined when there is no such issue. */
  prepare(issueId: string): Promise<Bundle | undefined>;
  /** Called when an analysis is stored (notifications, MQTT). */
  onAnalysis?(a: Analysis): void;
  /** Waits between retries (tests record the delays instead of waiting). */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

const BACKOFF_BASE_MS = 2000;
const BACKOFF_MAX_MS = 60_000;
/** A Retry-After longer than this fails the job instead of holding a slot for it. */
const RETRY_AFTER_MAX_MS = 10 * 60_000;
const MAX_STATUSES = 500;

export class AnalysisScheduler {
  private readonly d: SchedulerDeps;
  private readonly queue: Array<{ issueId: string; force: boolean }> = [];
  private readonly statuses = new Map<string, JobStatus>();
  private readonly running = new Set<Promise<void>>();
  private stopper = new AbortController();
  private stopped = false;

  constructor(deps: SchedulerDeps) {
    this.d = deps;
  }

  /** Queues an analysis; a job already queued or running for the issue is returned as is. */
  request(issueId: string, force = false): JobStatus {
    const cur = this.statuses.get(issueId);
    if (cur && (cur.state === 'queued' || cur.state === 'running')) return { ...cur };
    if (this.stopped) throw new QueueFullError('AI analysis is stopping');
    if (this.queue.length >= this.d.config.queueSize) {
      throw new QueueFullError(`${this.queue.length} analyses are already waiting (ai.queueSize)`);
    }
    const status: JobStatus = { issueId, state: 'queued', requestedAt: this.d.clock.now() };
    this.setStatus(status);
    this.queue.push({ issueId, force });
    const answer = { ...status };
    this.pump();
    return answer;
  }

  status(issueId: string): JobStatus | undefined {
    return this.statuses.get(issueId);
  }

  /** Jobs waiting and running. */
  load(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running.size };
  }

  /** Aborts running calls, drops the queue and waits for the running jobs to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.stopper.abort();
    await Promise.allSettled([...this.running]);
  }

  /** Waits until nothing is queued or running (tests, shutdown of one-shot commands). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.d.config.concurrency && this.queue.length) {
      const job = this.queue.shift() as { issueId: string; force: boolean };
      const p = this.run(job.issueId, job.force).finally(() => {
        this.running.delete(p);
        this.pump();
      });
      this.running.add(p);
    }
  }

  private async run(issueId: string, force: boolean): Promise<void> {
    const status = this.statuses.get(issueId) as JobStatus;
    status.state = 'running';
    const log = this.d.logger;
    try {
      const bundle = await this.d.prepare(issueId);
      if (!bundle) throw new JobError(`there is no issue ${issueId}`);
      const key = `${issueId}:${bundle.sampleHash}`;
      const cached = this.d.store.get(key);
      if (cached && !force) {
        this.finish(status, 'done', { cached: true });
        return;
      }
      const a = await this.analyse(issueId, key, bundle);
      this.d.store.put(a);
      this.finish(status, 'done');
      log.info(`Analysed issue ${issueId} with ${a.provider} ${a.model}.`, {
        inputTokens: a.inputTokens,
        outputTokens: a.outputTokens,
        latencyMs: a.latencyMs,
        confidence: a.answer.confidence,
        repaired: a.repaired,
      });
      this.d.onAnalysis?.(a);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (this.stopped) this.finish(status, 'failed', { error: 'stopped before it finished' });
      else {
        this.finish(status, 'failed', { error: redact(why) });
        log.warn(`The analysis of issue ${issueId} failed: ${redact(why)}`, { provider: this.d.provider.name });
      }
    }
  }

  private async analyse(issueId: string, key: string, bundle: Bundle): Promise<Analysis> {
    const { config, redactor } = this.d;
    const started = performance.now();
    const messages: ChatMessage[] = [{ role: 'user', content: bundle.user }];
    let usage = { inputTokens: 0, outputTokens: 0 };
    let model = config.model;
    const first = await this.call(bundle, messages);
    usage = add(usage, first);
    model = first.model;
    let parsed = parseAnswer(first.text, bundle.docs);
    let repaired = false;
    if (!parsed.ok) {
      // One repair retry: the model sees its own answer (redacted like everything sent) and what was wrong with it.
      this.d.logger.info(`The answer for issue ${issueId} was not usable; asking once more.`, {
        problem: parsed.problem,
      });
      messages.push(
        { role: 'assistant', content: redactor.apply(first.text.slice(0, 4000)) },
        {
          role: 'user',
          content: redactor.apply(
            `That answer was not usable: ${parsed.problem}. Reply again with only the JSON object that matches the schema.`,
          ),
        },
      );
      const second = await this.call(bundle, messages);
      usage = add(usage, second);
      model = second.model;
      parsed = parseAnswer(second.text, bundle.docs);
      if (!parsed.ok) throw new JobError(`the model's answer was not usable twice: ${parsed.problem}`);
      repaired = true;
    }
    return {
      issueId,
      key,
      answer: redactAnswer(parsed.answer),
      provider: this.d.provider.name,
      model,
      ...usage,
      latencyMs: Math.round(performance.now() - started),
      repaired,
      createdAt: this.d.clock.now(),
    };
  }

  /** One call with the budget check, the timeout and the retries. */
  private async call(bundle: Bundle, messages: ChatMessage[]): Promise<ChatResult> {
    const { config, provider, store, clock } = this.d;
    const chars = bundle.system.length + messages.reduce((n, m) => n + m.content.length, 0);
    const estimate = Math.ceil(chars / 4) + config.maxOutputTokens;
    const day = new Date(clock.now()).toISOString().slice(0, 10);
    if (config.dailyTokenBudget > 0 && store.spentOn(day) + estimate > config.dailyTokenBudget) {
      throw new JobError(
        `the daily token budget is spent (${store.spentOn(day)} of ${config.dailyTokenBudget} tokens today, this call needs about ${estimate}); analyses resume after 00:00 UTC`,
      );
    }
    for (let attempt = 0; ; attempt++) {
      const signal = AbortSignal.any([this.stopper.signal, AbortSignal.timeout(config.timeout)]);
      try {
        const r = await provider.chat({
          system: bundle.system,
          messages,
          schema: ANSWER_JSON_SCHEMA,
          maxOutputTokens: config.maxOutputTokens,
          stream: config.stream,
          signal,
        });
        // Providers that report no usage (some OpenAI-compatible servers) are charged the estimate.
        store.addSpent(day, r.inputTokens + r.outputTokens || estimate);
        return r;
      } catch (err) {
        if (this.stopper.signal.aborted) throw err;
        const e =
          err instanceof ProviderError
            ? err
            : new ProviderError(err instanceof Error ? err.message : String(err), { retryable: false });
        if (!e.retryable || attempt >= config.retries) {
          throw new JobError(
            `${provider.name} at ${new URL(provider.url).host}: ${e.message}${attempt ? ` (after ${attempt + 1} tries)` : ''}`,
          );
        }
        if (e.retryAfterMs !== undefined && e.retryAfterMs > RETRY_AFTER_MAX_MS) {
          throw new JobError(
            `${provider.name} asks to retry after ${Math.round(e.retryAfterMs / 1000)} s: ${e.message}`,
          );
        }
        const delay = e.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
        this.d.logger.info(`${provider.name} failed (${e.message}); retrying in ${Math.round(delay / 100) / 10} s.`);
        await (this.d.sleep ?? sleep)(delay, this.stopper.signal);
      }
    }
  }

  private finish(status: JobStatus, state: JobState, extra: { error?: string; cached?: boolean } = {}): void {
    status.state = state;
    status.finishedAt = this.d.clock.now();
    if (extra.error !== undefined) status.error = extra.error;
    if (extra.cached) status.cached = true;
  }

  private setStatus(s: JobStatus): void {
    this.statuses.delete(s.issueId);
    this.statuses.set(s.issueId, s);
    for (const [id, old] of this.statuses) {
      if (this.statuses.size <= MAX_STATUSES) break;
      if (old.state === 'done' || old.state === 'failed') this.statuses.delete(id);
    }
  }
}

/** A job failure whose message is already a sentence for the operator. */
class JobError extends Error {}

function add(u: { inputTokens: number; outputTokens: number }, r: ChatResult) {
  return { inputTokens: u.inputTokens + r.inputTokens, outputTokens: u.outputTokens + r.outputTokens };
}

function redactAnswer(a: AnalysisAnswer): AnalysisAnswer {
  return {
    ...a,
    summary: redact(a.summary),
    cause: redact(a.cause),
    evidence: a.evidence.map(redact),
    fix: a.fix.map(redact),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
