/**
 * The detection component: rules → fingerprint → issue tracker → incidents and alerts, plus mutes and persistence.
 * `process(record)` is the synchronous hot-path call (returns the record's fingerprint when it joined an issue);
 * `tick(now)` runs on a timer (live) or on the log's own time (replay): auto-resolve, impact decay, alert clearing,
 * silent sources. Status changes, alerts and incidents go on the bus; the detector implements `IssueService`.
 */
import type { Component, CoreContext } from '../core/context.ts';
import type { IssueEventKind } from '../core/events.ts';
import { LogSummary } from '../core/log-summary.ts';
import type { ExternalProblem, IssueFilter, IssueService, MuteService } from '../core/ports.ts';
import {
  type Alert,
  type Incident,
  type Issue,
  LEVEL_RANK,
  LEVELS,
  type Level,
  type LogRecord,
  SEVERITY_RANK,
} from '../core/types.ts';
import type { StateStore } from '../store/state.ts';
import { AlertKeys, alertSubject, issueAlertKey } from './alert-keys.ts';
import { AlertEngine, type AlertSubject } from './alerts.ts';
import { Classifier } from './classifier.ts';
import { closeDetectorState, openDetectorState, type StateOptions } from './detector-state.ts';
import { reconcileExternal } from './external-issues.ts';
import { IncidentTracker } from './incidents.ts';
import { IssueTracker } from './issue-tracker.ts';
import { Mutes } from './mute.ts';
import { type CompiledRule, RuleEngine } from './rule-engine.ts';
import { SilentSources } from './silent-sources.ts';
import { recordTitle } from './titles.ts';

export interface DetectorOptions extends StateOptions {
  /** How often `tick` runs when started (default 15 s). */
  tickIntervalMs?: number;
  /**
   * Alert events carry a copy of their issue (default true: notifiers and MQTT read it). A replay prints alerts alone
   * and passes false: no copy of an issue, samples and all, per alert.
   */
  issueOnAlerts?: boolean;
}

const ERROR_RANK = LEVEL_RANK.error;

export class Detector implements Component, IssueService {
  readonly name = 'detect';
  readonly mutes: MuteService;
  private readonly ctx: CoreContext;
  private readonly opts: DetectorOptions;
  private readonly rules: RuleEngine;
  private readonly classifier: Classifier;
  private readonly tracker: IssueTracker;
  private readonly incidentTracker: IncidentTracker;
  private readonly alerts: AlertEngine;
  private readonly alertKeys: AlertKeys;
  private readonly mutesImpl: Mutes;
  private readonly sources: SilentSources;
  // The configuration does not change at runtime: the hot path reads these fields, not the config tree.
  private readonly alertMinRank: number;
  private readonly monitorErrors: boolean;
  private readonly monitorWarnings: boolean;
  private readonly maxAgeMs: number;
  private store: StateStore | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly pruneLog: LogSummary;

  constructor(ctx: CoreContext, opts: DetectorOptions = {}) {
    this.ctx = ctx;
    this.opts = opts;
    this.pruneLog = new LogSummary(ctx.logger.child('detect'));
    const { detect, alerts } = ctx.config;
    this.rules = new RuleEngine(detect.rules, detect.ruleOverrides);
    this.classifier = new Classifier(this.rules, {
      unmatchedWarnings: detect.unmatchedWarnings,
      uncategorizedWarnings: detect.uncategorizedWarnings,
    });
    this.tracker = new IssueTracker(
      {
        autoResolveMs: detect.autoResolve,
        samples: detect.samples,
        resolvedAgeMs: detect.retention.resolvedAge,
        maxIssues: detect.retention.maxIssues,
      },
      (kind, issue, at, by) => {
        this.emitIssue(kind, issue, at, by);
        // Every way an issue resolves (by hand, auto-resolve, its API dropping it) ends its own alert now, after the
        // issue event so the alert event carries the resolved issue. Rule and category keys span several issues:
        // they have no `issue:` key here and keep clearing on their window.
        if (kind === 'resolved') this.alerts.endEpisode(issueAlertKey(issue.id), at);
      },
      // An issue pruned (beyond `maxIssues`, or resolved long ago) takes its alert with it: active alerts are always
      // about issues the tracker holds, so they are bounded by its cap whatever a flood of new messages does. Quietly:
      // the history records the end, nobody is notified (a flood would otherwise notify every issue it pushes out).
      (issue, at) => {
        this.alerts.endEpisode(issueAlertKey(issue.id), at, true);
        if (issue.status !== 'resolved') this.notePruned();
      },
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
    this.alertKeys = new AlertKeys(alerts);
    this.sources = new SilentSources(this.alerts, alerts, ctx.clock);
    this.alertMinRank = LEVEL_RANK[alerts.minLevel];
    this.monitorErrors = detect.monitorErrors;
    this.monitorWarnings = detect.monitorWarnings;
    this.maxAgeMs = alerts.maxAge > 0 ? alerts.maxAge : Number.POSITIVE_INFINITY;
  }

  async start(): Promise<void> {
    this.store = await openDetectorState(this.ctx, this.opts, {
      tracker: this.tracker,
      alerts: this.alerts,
      incidents: this.incidentTracker,
      mutes: this.mutesImpl,
      sources: this.sources,
      clusters: this.classifier.clusters,
    });
    this.sources.seed(this.ctx.config.sources, this.ctx.clock.now());
    this.timer = setInterval(() => this.safeTick(), this.opts.tickIntervalMs ?? 15_000);
    this.ctx.logger
      .child('detect')
      .info(`Detection started with ${this.rules.list().length} rules and ${this.tracker.size} known issues.`);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.store) await closeDetectorState(this.store, this.opts);
  }

  /**
   * Hot path: returns the fingerprint of the issue the record joined, or undefined. Most records are DEBUG/INFO that
   * no rule looks at: they cost the `heard` bookkeeping and one table lookup. A WARN/ERROR record of a known template
   * costs one map lookup to classify (classifier.ts); joining a known issue allocates no closures, keys or titles
   * (titles are rendered for new issues only).
   */
  process(rec: LogRecord): string | undefined {
    this.sources.heard(rec);
    const level = rec.level;
    const rank = LEVEL_RANK[level];
    if (rank >= ERROR_RANK ? !this.monitorErrors : level === 'warn' && !this.monitorWarnings) return undefined;
    const c = this.classifier.classify(rec, rank);
    const { rule, fp } = c;
    if (fp === undefined) return undefined;
    const now = this.ctx.clock.now();
    let issue = this.tracker.get(fp);
    if (!issue) {
      let severity: Issue['severity'] = level === 'fatal' ? 'critical' : level === 'error' ? 'medium' : 'low';
      if (rule) {
        severity = rule.severity;
        // A FATAL record is at least high, whatever the rule thought of its message.
        if (level === 'fatal' && SEVERITY_RANK[severity] < SEVERITY_RANK.high) severity = 'high';
      }
      const title = this.tracker.distinctTitle(rule ? this.rules.title(rule, rec) : recordTitle(rec, c.template), rec);
      issue = this.tracker.open(fp, rec, title, c.category, severity, rule?.id, c.evidence, c.template);
      this.issueStarted(issue, rec.time, now);
    } else if (this.tracker.record(issue, rec)) this.issueStarted(issue, rec.time, now);
    if (c.entities.length) this.tracker.addEntities(issue, c.entities);
    if (issue.template !== c.template && c.template) issue.template = c.template;
    // History is history: a record older than `alerts.maxAge` (backfill, a restart after downtime) builds the issue
    // and its statistics but raises nothing. A WARN that no rule names never alerts alone.
    if (rank >= this.alertMinRank && issue.status !== 'muted' && c.alerting && now - rec.time <= this.maxAgeMs) {
      // Never ahead of the clock: a line stamped in the future (skewed clock, wrong zone) cannot hold a window open.
      this.alerts.occurrence(
        this.subject(issue, rule, rec),
        this.alertKeys.policy(issue.ruleId, rec.source),
        Math.min(rec.time, now),
      );
    }
    this.store?.markDirty();
    return fp;
  }

  /**
   * The lowest level whose records can join an issue: below it `process` reads nothing of a record but its source and
   * time (WARN, or lower when a rule looks lower).
   */
  get lowestLevelRead(): Level {
    return LEVELS[Math.min(this.rules.lowestRank, LEVEL_RANK.warn)] as Level;
  }

  tick(now: number = this.ctx.clock.now()): void {
    this.tracker.tick(now);
    this.incidentTracker.tick(now, (id) => this.tracker.get(id));
    this.sources.check(now);
    this.alerts.tick(now);
    this.store?.markDirty();
  }

  // --- IssueService -------------------------------------------------------------------------------------------

  list(filter: IssueFilter = {}): Issue[] {
    return this.tracker.list(filter);
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

  reopen(id: string, at: number): Issue | undefined {
    return this.changed(this.tracker.setStatus(id, 'open', at, 'user'));
  }

  setIssueMuted(id: string, muted: boolean, at: number): Issue | undefined {
    const issue = this.tracker.get(id);
    if (!issue || (issue.status === 'muted') === muted) return issue;
    return this.changed(this.tracker.setStatus(id, muted ? 'muted' : 'open', at, 'user'));
  }

  /**
   * An API's current problems. A new (or returning) one alerts at once, as a state alert, not through the N-in-W
   * threshold: a health item is a state the API has already judged (with its own checks and thresholds), reported
   * once per poll for as long as it holds. Counting polls would only make the alert wait `threshold` × the poll
   * interval and report a meaningless count; a quiet window would clear it between two polls. So only the items
   * `reconcileExternal` reports as started raise (repeated polls of the same state raise nothing), the alert holds
   * while the API lists the item and ends when it stops (the issue resolves: see the tracker's emit). An item back
   * inside the cooldown is held and announced when the cooldown ends, if the API still lists it then.
   */
  syncExternal(source: string, scope: string, problems: ExternalProblem[], at: number): void {
    const { started, resolved } = reconcileExternal(this.tracker, source, scope, problems, at);
    for (const issue of started) {
      this.issueStarted(issue, at, at);
      if (issue.severity === 'info' || issue.status === 'muted') continue;
      const policy = this.alertKeys.policy(undefined, source);
      this.alerts.raise(
        this.alertKeys.issueSubject(issue, source, issue.level),
        { ...policy, threshold: 1 },
        'threshold',
        at,
      );
    }
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

  /** Firing alerts; one keyed on an issue counts only while that issue is tracked and not resolved. */
  activeAlerts(): Alert[] {
    return this.alerts.active().filter((a) => {
      if (!a.fingerprint) return true;
      const issue = this.tracker.get(a.fingerprint);
      return issue !== undefined && issue.status !== 'resolved';
    });
  }

  // --- internals ----------------------------------------------------------------------------------------------

  /** What an occurrence counts towards (per `alerts.key`); the default mode builds nothing but the subject. */
  private subject(issue: Issue, rule: CompiledRule | undefined, rec: LogRecord): AlertSubject {
    const mode = this.alertKeys.mode;
    if (mode === 'issue') return this.alertKeys.issueSubject(issue, rec.source, rec.level);
    const title = rule ? () => this.rules.title(rule, rec) : undefined;
    return alertSubject(mode, issue, rec.source, rec.level, title);
  }

  /** A new or regressed issue: impact now, and a possible incident. */
  private issueStarted(issue: Issue, at: number, now: number): void {
    this.tracker.refreshImpact(issue, now);
    this.incidentTracker.issueStarted(issue, at);
  }

  /** One line a minute while the cap pushes issues that are not resolved out, with how many. */
  private notePruned(): void {
    this.pruneLog.note(
      'info',
      'pruned',
      (n) =>
        `${n === 1 ? 'An unresolved issue was' : `${n} unresolved issues were`} dropped to keep within ` +
        `detect.retention.maxIssues (${this.ctx.config.detect.retention.maxIssues}); their alerts ended without notifications.`,
    );
  }

  private changed(issue: Issue | undefined): Issue | undefined {
    if (issue) this.store?.markDirty();
    return issue;
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
    const issue =
      alert.fingerprint && this.opts.issueOnAlerts !== false ? this.tracker.get(alert.fingerprint) : undefined;
    this.ctx.bus.emit('alert', {
      kind,
      alert: structuredClone(alert),
      at,
      ...(issue ? { issue: structuredClone(issue) } : {}),
    });
  }
}
