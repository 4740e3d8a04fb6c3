/**
 * The issue tracker: fingerprinted groups of records with their lifecycle (open → acknowledged → resolved, muted;
 * a resolved issue that recurs is reopened and flagged `regressed`; a quiet one resolves itself). Plain synchronous
 * state; status changes go out through `emit` (the detector puts them on the bus), frequent count updates are batched
 * into `updated` events on tick. What a record adds to an issue is in issue-occurrences.ts; issues that APIs report
 * are reconciled in external-issues.ts.
 */
import type { IssueEventKind } from '../core/events.ts';
import type { IssueFilter } from '../core/ports.ts';
import { redact } from '../core/redact.ts';
import type { CategoryEvidence, EntityKind, Issue, IssueStatus, LogRecord, Severity } from '../core/types.ts';
import { isExternal } from './external-rule.ts';
import { impactScore } from './impact.ts';
import { addBounded, addEntity, addOccurrence, HOUR } from './issue-occurrences.ts';
import { PruneCandidates, pruneOrder } from './prune-candidates.ts';

export type EmitIssue = (
  kind: IssueEventKind,
  issue: Issue,
  at: number,
  by: 'detect' | 'user' | 'auto' | 'api',
) => void;

export interface TrackerOptions {
  autoResolveMs: number;
  samples: number;
  resolvedAgeMs: number;
  maxIssues: number;
}

/** An issue left the tracker without a status change (pruned: too old, or beyond `maxIssues`). */
export type ForgetIssue = (issue: Issue, at: number) => void;

export class IssueTracker {
  private readonly opts: TrackerOptions;
  private readonly emit: EmitIssue;
  private readonly forgotten: ForgetIssue | undefined;
  private readonly issues = new Map<string, Issue>();
  private readonly dirty = new Set<string>();
  /** How many tracked issues of an app carry a title (`app \0 title`): `distinctTitle` asks per issue opened. */
  private readonly titles = new Map<string, number>();
  private readonly candidates: PruneCandidates;

  constructor(opts: TrackerOptions, emit: EmitIssue, forgotten?: ForgetIssue) {
    this.opts = opts;
    this.emit = emit;
    this.forgotten = forgotten;
    this.candidates = new PruneCandidates(Math.min(256, Math.ceil(opts.maxIssues / 8)));
  }

  get size(): number {
    return this.issues.size;
  }

  get(id: string): Issue | undefined {
    return this.issues.get(id);
  }

  all(): IterableIterator<Issue> {
    return this.issues.values();
  }

  /** Issues matching `filter`, highest impact first, then the most recently seen. */
  list(filter: IssueFilter = {}): Issue[] {
    const statuses =
      filter.status === undefined ? null : Array.isArray(filter.status) ? filter.status : [filter.status];
    const out: Issue[] = [];
    for (const i of this.issues.values()) {
      if (filter.source !== undefined && !i.sources.includes(filter.source)) continue;
      if (statuses && !statuses.includes(i.status)) continue;
      if (filter.category !== undefined && i.category !== filter.category) continue;
      out.push(i);
    }
    out.sort((a, b) => b.impact - a.impact || b.lastSeen - a.lastSeen);
    return filter.limit !== undefined ? out.slice(0, filter.limit) : out;
  }

  /** Opens the issue `id` with its first record (the caller checked it is unknown; `title` is not redacted yet). */
  open(
    id: string,
    rec: LogRecord,
    title: string,
    category: string,
    severity: Severity,
    ruleId: string | undefined,
    evidence?: CategoryEvidence,
    template?: string,
  ): Issue {
    const t = rec.time;
    const issue: Issue = {
      id,
      title: redact(title),
      category,
      severity,
      level: rec.level,
      app: rec.app,
      sources: [rec.source],
      status: 'open',
      regressed: false,
      firstSeen: t,
      lastSeen: t,
      count: 0,
      impact: 0,
      histogramStart: Math.floor(t / HOUR),
      histogram: [],
      samples: [],
      users: [],
      sessions: [],
      clients: [],
      statusChangedAt: t,
      ...(ruleId ? { ruleId } : {}),
      ...(evidence ? { evidence: { layer: evidence.layer, detail: redact(evidence.detail) } } : {}),
      ...(template ? { template: redact(template) } : {}),
    };
    addOccurrence(issue, rec, this.opts.samples);
    this.track(issue);
    this.emit('opened', issue, t, 'detect');
    this.makeRoom(issue, t);
    return issue;
  }

  /** Counts the record's affected entities on the issue (bounded per kind, see issue-occurrences.ts). */
  addEntities(issue: Issue, entities: ReadonlyArray<readonly [EntityKind, string]>): void {
    for (const [kind, value] of entities) addEntity(issue, kind, value);
  }

  /**
   * `title`, or when another issue of the same app already has it, the title with what tells them apart (the logger,
   * the exception type, the level), so two issues never read the same.
   */
  distinctTitle(title: string, rec: LogRecord): string {
    const taken = (t: string) => (this.titles.get(titleKey(rec.app, t)) ?? 0) > 0;
    const clean = redact(title);
    if (!taken(clean)) return title;
    const ex = rec.exception?.type;
    const hints = [rec.logger, ex ? ex.slice(ex.lastIndexOf('.') + 1) : undefined, rec.level];
    for (const h of hints) {
      if (!h) continue;
      const t = `${title} (${h})`;
      if (!taken(redact(t))) return t;
    }
    for (let n = 2; n < 100; n++) {
      const t = `${title} (${n})`;
      if (!taken(redact(t))) return t;
    }
    return title;
  }

  /** Adds a record to a known issue; true when that reopened it (a resolved issue recurred: `regressed`). */
  record(issue: Issue, rec: LogRecord): boolean {
    if (issue.status !== 'resolved') {
      addOccurrence(issue, rec, this.opts.samples);
      this.dirty.add(issue.id);
      return false;
    }
    this.reopen(issue, rec.time);
    addOccurrence(issue, rec, this.opts.samples);
    this.emit('regressed', issue, rec.time, 'detect');
    return true;
  }

  /** A resolved issue recurred: open again and flagged `regressed` (the caller updates it, then `announce`s it). */
  reopen(issue: Issue, at: number): void {
    issue.status = 'open';
    issue.regressed = true;
    issue.statusChangedAt = at;
    delete issue.resolvedAt;
  }

  /** Adds an issue built elsewhere (an API's problem) and announces it as opened. */
  adopt(issue: Issue, at: number, by: 'detect' | 'api'): void {
    this.track(issue);
    this.emit('opened', issue, at, by);
    this.makeRoom(issue, at);
  }

  /** Gives a tracked issue a new (redacted) title. */
  retitle(issue: Issue, title: string): void {
    if (issue.title === title) return;
    this.untitle(issue);
    issue.title = title;
    const key = titleKey(issue.app, title);
    this.titles.set(key, (this.titles.get(key) ?? 0) + 1);
  }

  /** Emits a status change made through `reopen` or `adopt`'s callers. */
  announce(kind: IssueEventKind, issue: Issue, at: number, by: 'detect' | 'user' | 'auto' | 'api'): void {
    this.emit(kind, issue, at, by);
  }

  /** The issue changed in place: it goes out in the next tick's batched `updated` events. */
  touch(id: string): void {
    this.dirty.add(id);
  }

  setStatus(id: string, status: IssueStatus, at: number, by: 'user' | 'auto' | 'api'): Issue | undefined {
    const issue = this.issues.get(id);
    if (!issue) return undefined;
    if (issue.status === status) return issue;
    const wasMuted = issue.status === 'muted';
    issue.status = status;
    issue.statusChangedAt = at;
    if (status === 'resolved') issue.resolvedAt = at;
    else delete issue.resolvedAt;
    if (status === 'open' || status === 'acknowledged') issue.regressed = issue.regressed && status === 'open';
    if (status === 'resolved') this.candidates.consider(issue);
    const kind: IssueEventKind =
      status === 'muted'
        ? 'muted'
        : status !== 'open'
          ? status
          : wasMuted
            ? 'unmuted'
            : by === 'user'
              ? 'reopened'
              : 'updated';
    this.emit(kind, issue, at, by);
    return issue;
  }

  acknowledgeAll(source: string | null, at: number): number {
    let n = 0;
    for (const issue of this.issues.values()) {
      if (issue.status !== 'open' || (source !== null && !issue.sources.includes(source))) continue;
      this.setStatus(issue.id, 'acknowledged', at, 'user');
      n++;
    }
    return n;
  }

  linkSession(
    source: string,
    at: number,
    windowMs: number,
    who: { user?: string; session?: string; client?: string },
  ): Issue[] {
    const out: Issue[] = [];
    for (const issue of this.issues.values()) {
      if (issue.status === 'resolved' || !issue.sources.includes(source)) continue;
      if (issue.firstSeen > at + windowMs || issue.lastSeen < at - windowMs) continue;
      let changed = false;
      if (who.user) changed = addBounded(issue.users, who.user) || changed;
      if (who.session) changed = addBounded(issue.sessions, who.session) || changed;
      if (who.client) changed = addBounded(issue.clients, who.client) || changed;
      if (changed) this.dirty.add(issue.id);
      out.push(issue);
    }
    return out;
  }

  /** Auto-resolve, impact recomputation, batched `updated` events, pruning. Returns the issues resolved. */
  tick(now: number): Issue[] {
    const resolved: Issue[] = [];
    for (const issue of this.issues.values()) {
      if ((issue.status === 'open' || issue.status === 'acknowledged') && !isExternal(issue)) {
        if (now - issue.lastSeen >= this.opts.autoResolveMs) {
          this.setStatus(issue.id, 'resolved', now, 'auto');
          this.dirty.delete(issue.id);
          resolved.push(issue);
        }
      }
      const impact = impactScore(issue, now);
      // Impact drift alone is not worth an event for every issue on every tick: only steps of 5 are.
      if (Math.abs(impact - issue.impact) >= 5) this.dirty.add(issue.id);
      issue.impact = impact;
    }
    for (const id of this.dirty) {
      const issue = this.issues.get(id);
      if (issue) this.emit('updated', issue, now, 'detect');
    }
    this.dirty.clear();
    this.prune(now);
    return resolved;
  }

  /** Recomputes one issue's impact now (after observe), without events. */
  refreshImpact(issue: Issue, now: number): void {
    issue.impact = impactScore(issue, now);
  }

  private prune(now: number): void {
    for (const [id, issue] of this.issues) {
      if (issue.status === 'resolved' && (issue.resolvedAt ?? issue.lastSeen) < now - this.opts.resolvedAgeMs) {
        this.drop(id, now);
      }
    }
    const excess = this.issues.size - this.opts.maxIssues;
    if (excess <= 0) return;
    const victims = [...this.issues.values()].sort(pruneOrder).slice(0, excess);
    for (const v of victims) this.drop(v.id, now);
  }

  /**
   * The cap holds between ticks too: a flood of new messages (thousands of new issues a second) would otherwise grow
   * the tracker, and the alerts tied to its issues, until the next tick. The victims come from `candidates`: no scan
   * of every issue per issue opened.
   */
  private makeRoom(opened: Issue, at: number): void {
    this.candidates.consider(opened);
    while (this.issues.size > this.opts.maxIssues) {
      const victim = this.candidates.take(this.issues, opened);
      if (!victim) return;
      this.drop(victim.id, at);
    }
  }

  private track(issue: Issue): void {
    const old = this.issues.get(issue.id);
    if (old) this.untitle(old);
    this.issues.set(issue.id, issue);
    const key = titleKey(issue.app, issue.title);
    this.titles.set(key, (this.titles.get(key) ?? 0) + 1);
  }

  private untitle(issue: Issue): void {
    const key = titleKey(issue.app, issue.title);
    const n = (this.titles.get(key) ?? 0) - 1;
    if (n > 0) this.titles.set(key, n);
    else this.titles.delete(key);
  }

  private drop(id: string, at: number): void {
    const issue = this.issues.get(id);
    if (!issue) return;
    this.issues.delete(id);
    this.untitle(issue);
    this.dirty.delete(id);
    this.forgotten?.(issue, at);
  }

  snapshot(): Issue[] {
    return [...this.issues.values()];
  }

  restore(issues: readonly Issue[]): void {
    this.issues.clear();
    this.titles.clear();
    this.candidates.reset();
    for (const i of issues) this.track(i);
  }
}

const titleKey = (app: string, title: string): string => `${app}\u0000${title}`;
