/**
 * The AI room as one component: builds the provider, the redactor, the store and the scheduler from `ai.*`; asks
 * for analyses on demand (API, MQTT) and on its own for issues whose impact reaches `ai.autoImpact`; answers what the
 * API, notifications and MQTT show; and renders the exact text a call would send (`arrgus ai-preview`, the preview
 * route). Detection never waits on it: the bus listener only queues.
 */
import type { AiConfig } from '../config/ai.ts';
import type { EventBus } from '../core/bus.ts';
import type { Clock } from '../core/clock.ts';
import type { Component } from '../core/context.ts';
import type { ArrgusEvents, IssueEvent } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { IssueService, StatsService } from '../core/ports.ts';
import type { Issue, IssueSample } from '../core/types.ts';
import type { PollerStatus } from '../sources/api-poller.ts';
import type { StateStore } from '../store/state.ts';
import { type Analysis, AnalysisStore } from './analyses.ts';
import { ANSWER_JSON_SCHEMA } from './answer.ts';
import { type Bundle, buildBundle } from './bundle.ts';
import { readNeighbours } from './neighbours.ts';
import { createProvider } from './providers.ts';
import { AiRedactor } from './redact.ts';
import { AnalysisScheduler, type JobStatus, QueueFullError } from './scheduler.ts';
import type { AiProvider } from './types.ts';

export { QueueFullError };

export interface AiServiceDeps {
  config: AiConfig;
  /** Pseudonym salt (the instance id). */
  salt: string;
  clock: Clock;
  logger: Logger;
  issues: Pick<IssueService, 'get' | 'incidents'>;
  stats?: Pick<StatsService, 'get'>;
  apiStatus?: () => PollerStatus[];
  state?: StateStore;
  bus?: EventBus<ArrgusEvents>;
  /**
   * Records stored around a sample (the log store): preferred to re-reading the file, which may have rotated. Falls
   * back to the file when absent or when it has nothing.
   */
  storedAround?: (issueId: string, sample: IssueSample) => { before: string[]; after: string[] } | undefined;
  /** Tests: another provider or a recorded sleep. */
  provider?: AiProvider;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface AnalysisView {
  issueId: string;
  /** `none` when nothing was asked yet. */
  status: JobStatus['state'] | 'none';
  error?: string;
  requestedAt?: string;
  finishedAt?: string;
  analysis?: {
    summary: string;
    cause: string;
    confidence: number;
    evidence: string[];
    fix: string[];
    links: string[];
    provider: string;
    model: string;
    inputTokens: number;
    outputTokens: number;
    latencyMs: number;
    repaired: boolean;
    createdAt: string;
  };
}

export interface Preview {
  provider: string;
  url: string;
  model: string;
  system: string;
  user: string;
  /** The request body as the provider receives it (the API key travels in a header, never here). */
  body: unknown;
}

export class AiService implements Component {
  readonly name = 'ai';
  readonly provider: AiProvider;
  readonly store: AnalysisStore;
  private readonly d: AiServiceDeps;
  private readonly redactor: AiRedactor;
  private readonly scheduler: AnalysisScheduler;
  private unsubscribe: (() => void) | undefined;
  /** Issues analysed automatically (once per opening or regression). */
  private readonly autoDone = new Set<string>();

  constructor(deps: AiServiceDeps) {
    this.d = deps;
    this.provider = deps.provider ?? createProvider(deps.config, () => deps.clock.now());
    this.redactor = new AiRedactor({ salt: deps.salt });
    this.store = new AnalysisStore();
    this.scheduler = new AnalysisScheduler({
      config: deps.config,
      provider: this.provider,
      store: this.store,
      redactor: this.redactor,
      clock: deps.clock,
      logger: deps.logger,
      prepare: (id) => this.bundleFor(id),
      onAnalysis: (a) => this.announce(a),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  }

  start(): void {
    if (this.d.state) this.store.attach(this.d.state);
    const auto = this.d.config.autoImpact;
    if (auto !== undefined && this.d.bus) {
      this.unsubscribe = this.d.bus.on('issue', 'ai:auto', (e) => this.onIssue(e, auto));
    }
    this.d.logger.info(
      `AI analysis ready: ${this.provider.name} ${this.d.config.model} at ${safeHost(this.provider.url)}${auto !== undefined ? `, automatic from impact ${auto}` : ', on demand'}.`,
    );
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.scheduler.stop();
  }

  /** Queues an analysis of `issueId`; undefined when there is no such issue. Throws QueueFullError when full. */
  analyze(issueId: string, force = false): JobStatus | undefined {
    if (!this.d.issues.get(issueId)) return undefined;
    return this.scheduler.request(issueId, force);
  }

  /** An analysis asked for by an MQTT command: what happened, in a sentence. */
  command(issueId: string): { ok: boolean; message: string } {
    try {
      const job = this.analyze(issueId);
      if (!job) return { ok: false, message: `No issue ${issueId}.` };
      return { ok: true, message: `Analysis of issue ${issueId} is ${job.state}.` };
    } catch (err) {
      return { ok: false, message: `Issue ${issueId} cannot be analysed now: ${(err as Error).message}.` };
    }
  }

  /** What the API shows: the job's state and the newest analysis of the issue. */
  view(issueId: string): AnalysisView {
    const job = this.scheduler.status(issueId);
    const a = this.store.latestFor(issueId);
    const view: AnalysisView = { issueId, status: job?.state ?? (a ? 'done' : 'none') };
    if (job?.error) view.error = job.error;
    if (job) view.requestedAt = iso(job.requestedAt);
    if (job?.finishedAt !== undefined) view.finishedAt = iso(job.finishedAt);
    if (a) view.analysis = { ...a.answer, ...usage(a), createdAt: iso(a.createdAt) };
    return view;
  }

  /** The analysis summary of an issue, for notifications and MQTT; undefined when there is none. */
  summary(issueId: string): string | undefined {
    return this.store.latestFor(issueId)?.answer.summary;
  }

  /** The exact text (and body) a call about `issueId` would send now; undefined when there is no such issue. */
  async preview(issueId: string): Promise<Preview | undefined> {
    const bundle = await this.bundleFor(issueId);
    if (!bundle) return undefined;
    const p = this.provider as AiProvider & { body?: (r: unknown) => unknown };
    const req = {
      system: bundle.system,
      messages: [{ role: 'user', content: bundle.user }],
      schema: ANSWER_JSON_SCHEMA,
      maxOutputTokens: this.d.config.maxOutputTokens,
      stream: this.d.config.stream,
    };
    return {
      provider: this.provider.name,
      url: this.provider.url,
      model: this.d.config.model,
      system: bundle.system,
      user: bundle.user,
      body: p.body ? p.body(req) : req,
    };
  }

  /** Tests: waits for the running analyses. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  private async bundleFor(issueId: string): Promise<Bundle | undefined> {
    const issue = this.d.issues.get(issueId);
    if (!issue) return undefined;
    return buildBundle(
      issue,
      {
        incidentOf: (id) => {
          const incident = this.d.issues.incidents().find((i) => i.issueIds.includes(id));
          if (!incident) return undefined;
          const issues = incident.issueIds.map((x) => this.d.issues.get(x)).filter((x): x is Issue => !!x);
          return { incident, issues };
        },
        apiStatus: (source) => this.d.apiStatus?.().find((s) => s.source === source),
        stats: (source) => this.d.stats?.get(source),
        neighbours: async (s) => {
          const stored = this.d.storedAround?.(issueId, s);
          return stored && (stored.before.length || stored.after.length) ? stored : readNeighbours(s);
        },
        now: () => this.d.clock.now(),
      },
      this.redactor,
      this.d.config.maxPromptChars,
    );
  }

  private onIssue(e: IssueEvent, minImpact: number): void {
    const issue = e.issue;
    if (e.kind === 'opened' || e.kind === 'regressed') this.autoDone.delete(issue.id);
    if (issue.status !== 'open' || issue.impact < minImpact || this.autoDone.has(issue.id)) return;
    this.autoDone.add(issue.id);
    if (this.autoDone.size > 5000) this.autoDone.delete(this.autoDone.values().next().value as string);
    try {
      this.scheduler.request(issue.id);
    } catch (err) {
      this.d.logger.warn(`Issue ${issue.id} was not analysed automatically: ${(err as Error).message}.`);
    }
  }

  private announce(a: Analysis): void {
    const issue = this.d.issues.get(a.issueId);
    this.d.bus?.emit('analysis', {
      issueId: a.issueId,
      sources: issue?.sources ?? [],
      summary: a.answer.summary,
      at: a.createdAt,
    });
  }
}

function usage(a: Analysis) {
  return {
    provider: a.provider,
    model: a.model,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    latencyMs: a.latencyMs,
    repaired: a.repaired,
  };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
