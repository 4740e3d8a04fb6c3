/**
 * The detection component: rules → fingerprint → issue tracker → incidents and alerts, plus mutes and persistence.
 * `process(record)` is the synchronous hot-path call (returns the record's fingerprint when it joined an issue);
 * `tick(now)` runs on a timer (live) or on the log's own time (replay): auto-resolve, impact decay, alert clearing,
 * silent sources. Status changes, alerts and incidents go on the bus; the detector implements `IssueService`.
 */
import { formatDuration } from '../config/duration.ts';
import type { Component, CoreContext } from '../core/context.ts';
import type { IssueEventKind } from '../core/events.ts';
import type { ExternalProblem, IssueFilter, IssueService, MuteService } from '../core/ports.ts';
import { redact } from '../core/redact.ts';
import {
  type Alert,
  type Incident,
  type Issue,
  LEVEL_RANK,
  type LogRecord,
  SEVERITY_RANK,
  type Severity,
} from '../core/types.ts';
import { StateStore } from '../store/state.ts';
import { alertPolicy, alertSubject, silentAfter } from './alert-keys.ts';
import { AlertEngine, type AlertPolicy, type KeyState } from './alerts.ts';
import { fingerprint, ruleFingerprint } from './fingerprint.ts';
import { type IncidentState, IncidentTracker } from './incidents.ts';
import { IssueTracker } from './issue-tracker.ts';
import { Mutes } from './mute.ts';
import { appDisplayName, RuleEngine } from './rule-engine.ts';

export interface DetectorOptions {
  /** A shared, already loaded state file; the detector registers its section and flushes it on stop. */
  state?: StateStore;
  /** Or: a directory for a state file the detector owns (loaded in start, closed in stop). Neither: memory only. */
  dataDir?: string;
  /** How often `tick` runs when started (default 15 s). */
  tickIntervalMs?: number;
}

interface SavedState {
  issues: Issue[];
  alerts: KeyState[];
  incidents: IncidentState;
  mutes: Array<string | null>;
  sources: Record<string, { app: string; lastAt: number }>;
}

const SECTION = 'detect';
const ERROR_RANK = LEVEL_RANK.error;

export class Detector implements Component, IssueService {
  readonly name = 'detect';
  readonly mutes: MuteService;
  private readonly ctx: CoreContext;
  private readonly opts: DetectorOptions;
  private readonly rules: RuleEngine;
  private readonly tracker: IssueTracker;
  private readonly incidentTracker: IncidentTracker;
  private readonly alerts: AlertEngine;
  private readonly mutesImpl: Mutes;
  private readonly alertMinRank: number;
  private readonly sources = new Map<string, { app: string; lastAt: number }>();
  private readonly silent = new Set<string>();
  private store: StateStore | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(ctx: CoreContext, opts: DetectorOptions = {}) {
    this.ctx = ctx;
    this.opts = opts;
    const { detect, alerts } = ctx.config;
    this.rules = new RuleEngine(detect.rules, detect.ruleOverrides);
    this.tracker = new IssueTracker(
      {
        autoResolveMs: detect.autoResolve,
        samples: detect.samples,
        resolvedAgeMs: detect.retention.resolvedAge,
        maxIssues: detect.retention.maxIssues,
      },
      (kind, issue, at, by) => this.emitIssue(kind, issue, at, by),
    );
    this.incidentTracker = new IncidentTracker(
      { windowMs: detect.incidentWindow, maxIncidents: detect.retention.maxIncidents },
      (kind, incident, at) => ctx.bus.emit('incident', { kind, incident: structuredClone(incident), at }),
    );
    this.mutesImpl = new Mutes(ctx.bus, (at) => {
      this.alerts.flushHeld(at);
      this.store?.markDirty();
    });
    this.mutes = this.mutesImpl;
    this.alerts = new AlertEngine({
      isMuted: (source) => this.mutesImpl.isMuted(source),
      emit: (kind, alert, at) => this.emitAlert(kind, alert, at),
    });
    this.alertMinRank = LEVEL_RANK[alerts.minLevel];
  }

  async start(): Promise<void> {
    if (this.opts.state) this.store = this.opts.state;
    else if (this.opts.dataDir) {
      this.store = new StateStore({
        dir: this.opts.dataDir,
        logger: this.ctx.logger.child('state'),
        clock: this.ctx.clock,
      });
      await this.store.load();
    }
    const saved = this.store?.register<SavedState>(SECTION, { version: 1, snapshot: () => this.snapshot() });
    if (saved) this.restore(saved);
    const now = this.ctx.clock.now();
    // Configured sources count as heard from at start, so a silent one is noticed even if it never wrote.
    for (const s of this.ctx.config.sources)
      if (!this.sources.has(s.name)) this.sources.set(s.name, { app: s.app, lastAt: now });
    this.timer = setInterval(() => this.safeTick(), this.opts.tickIntervalMs ?? 15_000);
    this.ctx.logger
      .child('detect')
      .info(`Detection started with ${this.rules.list().length} rules and ${this.tracker.size} known issues.`);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.store) return;
    if (this.opts.state) await this.store.flush();
    else await this.store.close();
  }

  /** Hot path: returns the fingerprint of the issue the record joined, or undefined. */
  process(rec: LogRecord): string | undefined {
    const { detect } = this.ctx.config;
    this.heard(rec);
    const rank = LEVEL_RANK[rec.level];
    if (rank >= ERROR_RANK ? !detect.monitorErrors : rec.level === 'warn' && !detect.monitorWarnings) return undefined;
    const match = this.rules.match(rec);
    let title: () => string;
    let category: string;
    let severity: Severity;
    if (match) {
      title = () => match.title;
      category = match.rule.category;
      severity = match.rule.severity;
      // A FATAL record is at least high, whatever the rule thought of its message.
      if (rec.level === 'fatal' && SEVERITY_RANK[severity] < SEVERITY_RANK.high) severity = 'high';
    } else if (rank >= ERROR_RANK || (rec.level === 'warn' && detect.unmatchedWarnings)) {
      title = () => uncategorizedTitle(rec);
      category = 'uncategorized';
      severity = rec.level === 'fatal' ? 'critical' : rec.level === 'error' ? 'medium' : 'low';
    } else return undefined;
    const fp =
      match?.rule.group === 'rule'
        ? ruleFingerprint(rec.app, match.rule.id)
        : fingerprint({
            app: rec.app,
            logger: rec.logger,
            exceptionType: rec.exception?.type,
            message: rec.message,
            ruleId: match?.rule.id,
          });
    const now = this.ctx.clock.now();
    const { issue, started } = this.tracker.observe({
      fingerprint: fp,
      record: rec,
      title,
      category,
      severity,
      ...(match ? { ruleId: match.rule.id } : {}),
    });
    if (started) {
      this.tracker.refreshImpact(issue, now);
      this.incidentTracker.issueStarted(issue, rec.time);
    }
    if (rank >= this.alertMinRank && issue.status !== 'muted') {
      const subject = alertSubject(
        this.ctx.config.alerts.key,
        issue,
        rec.source,
        rec.level,
        match ? () => match.title : undefined,
      );
      // Never ahead of the clock: a line stamped in the future (skewed clock, wrong zone) cannot hold a window open.
      this.alerts.occurrence(subject, this.policy(issue.ruleId, rec.source), Math.min(rec.time, now));
    }
    this.store?.markDirty();
    return fp;
  }

  tick(now: number = this.ctx.clock.now()): void {
    this.tracker.tick(now);
    this.incidentTracker.tick(now, (id) => this.tracker.get(id));
    this.checkSilent(now);
    this.alerts.tick(now);
    this.store?.markDirty();
  }

  // --- IssueService -------------------------------------------------------------------------------------------

  list(filter: IssueFilter = {}): Issue[] {
    const statuses =
      filter.status === undefined ? null : Array.isArray(filter.status) ? filter.status : [filter.status];
    const out: Issue[] = [];
    for (const i of this.tracker.all()) {
      if (filter.source !== undefined && !i.sources.includes(filter.source)) continue;
      if (statuses && !statuses.includes(i.status)) continue;
      if (filter.category !== undefined && i.category !== filter.category) continue;
      out.push(i);
    }
    out.sort((a, b) => b.impact - a.impact || b.lastSeen - a.lastSeen);
    return filter.limit !== undefined ? out.slice(0, filter.limit) : out;
  }

  get(id: string): Issue | undefined {
    return this.tracker.get(id);
  }

  acknowledge(id: string, at: number): Issue | undefined {
    return this.changed(this.tracker.setStatus(id, 'acknowledged', at, 'user'));
  }

  acknowledgeAll(source: string | null, at: number): number {
    const n = this.tracker.acknowledgeAll(source, at);
    if (n) this.store?.markDirty();
    return n;
  }

  resolve(id: string, at: number): Issue | undefined {
    return this.changed(this.tracker.setStatus(id, 'resolved', at, 'user'));
  }

  setIssueMuted(id: string, muted: boolean, at: number): Issue | undefined {
    const issue = this.tracker.get(id);
    if (!issue || (issue.status === 'muted') === muted) return issue;
    return this.changed(this.tracker.setStatus(id, muted ? 'muted' : 'open', at, 'user'));
  }

  syncExternal(source: string, scope: string, problems: ExternalProblem[], at: number): void {
    const { started, resolved } = this.tracker.syncExternal(source, scope, problems, at);
    for (const issue of started) {
      this.tracker.refreshImpact(issue, at);
      this.incidentTracker.issueStarted(issue, at);
      if (issue.severity === 'info' || issue.status === 'muted') continue;
      const policy = alertPolicy(this.ctx.config.alerts, undefined, source);
      const subject = alertSubject('issue', issue, source, issue.level, undefined);
      this.alerts.raise(subject, { ...policy, threshold: 1 }, 'threshold', at);
    }
    for (const issue of resolved) this.alerts.clear(`issue:${issue.id}`, at);
    if (started.length || resolved.length) this.store?.markDirty();
  }

  linkSession(
    source: string,
    at: number,
    windowMs: number,
    who: { user?: string; session?: string; client?: string },
  ): Issue[] {
    const linked = this.tracker.linkSession(source, at, windowMs, who);
    if (linked.length) this.store?.markDirty();
    return linked;
  }

  incidents(): Incident[] {
    return this.incidentTracker.list();
  }

  activeAlerts(): Alert[] {
    return this.alerts.active();
  }

  // --- internals ----------------------------------------------------------------------------------------------

  private readonly policies = new Map<string, AlertPolicy>();

  /** Policies are resolved once per rule and source (the configuration does not change at runtime). */
  private policy(ruleId: string | undefined, source: string): AlertPolicy {
    const key = `${ruleId ?? ''}\u0000${source}`;
    let p = this.policies.get(key);
    if (!p) {
      p = alertPolicy(this.ctx.config.alerts, ruleId, source);
      this.policies.set(key, p);
    }
    return p;
  }

  private changed(issue: Issue | undefined): Issue | undefined {
    if (issue) this.store?.markDirty();
    return issue;
  }

  private heard(rec: LogRecord): void {
    const s = this.sources.get(rec.source);
    if (s) {
      if (rec.time > s.lastAt) s.lastAt = rec.time;
    } else this.sources.set(rec.source, { app: rec.app, lastAt: rec.time });
    if (this.silent.size && this.silent.delete(rec.source))
      this.alerts.clear(`silent:${rec.source}`, this.ctx.clock.now());
  }

  private checkSilent(now: number): void {
    for (const [source, { app, lastAt }] of this.sources) {
      const after = silentAfter(this.ctx.config.alerts, source);
      if (after <= 0 || this.silent.has(source) || now - lastAt < after) continue;
      this.silent.add(source);
      const policy = alertPolicy(this.ctx.config.alerts, undefined, source);
      const subject = {
        key: `silent:${source}`,
        title: `${source} (${appDisplayName(app)}) has written nothing for ${formatDuration(after)}`,
        source,
        app,
        category: 'connectivity',
        severity: 'medium' as const,
        level: 'warn' as const,
      };
      this.alerts.raise(subject, { ...policy, threshold: 1 }, 'silent', now);
    }
  }

  private safeTick(): void {
    try {
      this.tick();
    } catch (err) {
      this.ctx.logger.child('detect').error('A detection tick failed; the next one retries.', { error: err });
    }
  }

  private emitIssue(kind: IssueEventKind, issue: Issue, at: number, by: 'detect' | 'user' | 'auto' | 'api'): void {
    // Listeners get a copy (they run later and must not see or cause later mutations); nobody listening, no copy.
    if (this.ctx.bus.listenerCount('issue') === 0) return;
    this.ctx.bus.emit('issue', { kind, issue: structuredClone(issue), at, by });
  }

  private emitAlert(kind: 'fired' | 'resolved', alert: Alert, at: number): void {
    const issue = alert.fingerprint ? this.tracker.get(alert.fingerprint) : undefined;
    this.ctx.bus.emit('alert', {
      kind,
      alert: structuredClone(alert),
      at,
      ...(issue ? { issue: structuredClone(issue) } : {}),
    });
  }

  private snapshot(): SavedState {
    return {
      issues: this.tracker.snapshot(),
      alerts: this.alerts.snapshot(),
      incidents: this.incidentTracker.snapshot(),
      mutes: this.mutesImpl.muted(),
      sources: Object.fromEntries(this.sources),
    };
  }

  private restore(s: SavedState): void {
    this.tracker.restore(s.issues ?? []);
    this.alerts.restore(s.alerts ?? []);
    if (s.incidents) this.incidentTracker.restore(s.incidents);
    this.mutesImpl.restore(s.mutes ?? []);
    for (const [k, v] of Object.entries(s.sources ?? {})) this.sources.set(k, v);
    for (const st of s.alerts ?? []) if (st.kind === 'silent' && st.stateActive) this.silent.add(st.subject.source);
  }
}

function uncategorizedTitle(rec: LogRecord): string {
  const line = (rec.message.split('\n')[0] ?? '').trim();
  const text = line.length > 100 ? `${line.slice(0, 97)}...` : line || 'an error without a message';
  const ex = rec.exception ? ` (${rec.exception.type.split('.').pop()})` : '';
  return redact(`${appDisplayName(rec.app)}: ${text}${ex}`);
}
