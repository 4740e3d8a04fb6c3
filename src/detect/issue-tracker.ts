/**
 * The issue tracker: fingerprinted groups of records with their lifecycle (open → acknowledged → resolved, muted;
 * a resolved issue that recurs is reopened and flagged `regressed`; a quiet one resolves itself). Plain synchronous
 * state; status changes go out through `emit` (the detector puts them on the bus), frequent count updates are batched
 * into `updated` events on tick. Everything kept per issue is bounded.
 */
import type { IssueEventKind } from '../core/events.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { redact } from '../core/redact.ts';
import {
  type Issue,
  type IssueSample,
  type IssueStatus,
  LEVEL_RANK,
  type Level,
  type LogRecord,
  type Severity,
} from '../core/types.ts';
import { externalFingerprint } from './fingerprint.ts';
import { impactScore } from './impact.ts';

const HOUR = 3_600_000;
const HISTOGRAM_HOURS = 7 * 24;
/** Distinct users, sessions and clients kept per issue. */
export const MAX_AFFECTED = 50;
/** A new sample replaces the last one at most this often, so a storm costs no redaction per record. */
const SAMPLE_EVERY_MS = 10_000;

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

export interface Observation {
  fingerprint: string;
  record: LogRecord;
  /** Rendered only for a new issue. */
  title: () => string;
  category: string;
  severity: Severity;
  ruleId?: string;
}

export const EXTERNAL_RULE_PREFIX = 'external:';

export function isExternal(issue: Issue): boolean {
  return issue.ruleId?.startsWith(EXTERNAL_RULE_PREFIX) === true;
}

export class IssueTracker {
  private readonly opts: TrackerOptions;
  private readonly emit: EmitIssue;
  private readonly issues = new Map<string, Issue>();
  private readonly dirty = new Set<string>();

  constructor(opts: TrackerOptions, emit: EmitIssue) {
    this.opts = opts;
    this.emit = emit;
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

  /** Adds a record to its issue; returns the issue and whether it (re)started now (opened or regressed). */
  observe(o: Observation): { issue: Issue; started: boolean } {
    const rec = o.record;
    const t = rec.time;
    let issue = this.issues.get(o.fingerprint);
    if (!issue) {
      issue = {
        id: o.fingerprint,
        title: redact(o.title()),
        category: o.category,
        severity: o.severity,
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
        ...(o.ruleId ? { ruleId: o.ruleId } : {}),
      };
      this.add(issue, rec);
      this.issues.set(issue.id, issue);
      this.emit('opened', issue, t, 'detect');
      return { issue, started: true };
    }
    let started = false;
    if (issue.status === 'resolved') {
      issue.status = 'open';
      issue.regressed = true;
      issue.statusChangedAt = t;
      delete issue.resolvedAt;
      started = true;
    }
    this.add(issue, rec);
    if (started) this.emit('regressed', issue, t, 'detect');
    else this.dirty.add(issue.id);
    return { issue, started };
  }

  private add(issue: Issue, rec: LogRecord): void {
    const t = rec.time;
    issue.count++;
    if (t > issue.lastSeen) issue.lastSeen = t;
    if (t < issue.firstSeen) issue.firstSeen = t;
    if (LEVEL_RANK[rec.level] > LEVEL_RANK[issue.level]) issue.level = rec.level;
    if (!issue.sources.includes(rec.source)) issue.sources.push(rec.source);
    addToHistogram(issue, t);
    this.sample(issue, rec);
    const c = rec.correlation;
    if (c) {
      if (c.user) addBounded(issue.users, c.user);
      const session = c.sessionId ?? c.playSessionId;
      if (session) addBounded(issue.sessions, session);
      if (c.clientIp) addBounded(issue.clients, c.clientIp);
    }
  }

  /** Keeps the first sample for good and the most recent ones after it. */
  private sample(issue: Issue, rec: LogRecord): void {
    const last = issue.samples[issue.samples.length - 1];
    if (last && issue.samples.length >= this.opts.samples && Math.abs(rec.time - last.time) < SAMPLE_EVERY_MS) return;
    const s: IssueSample = {
      time: rec.time,
      source: rec.source,
      level: rec.level,
      message: redact(rec.message.length > 500 ? `${rec.message.slice(0, 500)}…` : rec.message),
      raw: redact(rec.raw.length > 2000 ? `${rec.raw.slice(0, 2000)}…` : rec.raw),
      ...(rec.file !== undefined ? { file: rec.file } : {}),
      ...(rec.offset !== undefined ? { offset: rec.offset } : {}),
    };
    issue.samples.push(s);
    if (issue.samples.length > this.opts.samples) issue.samples.splice(1, issue.samples.length - this.opts.samples);
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
    const kind: IssueEventKind =
      status === 'muted' ? 'muted' : wasMuted && status === 'open' ? 'unmuted' : status === 'open' ? 'updated' : status;
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

  /** Reconciles an API's current problems with the issues of `source`/`scope`; returns what started and resolved. */
  syncExternal(
    source: string,
    scope: string,
    problems: readonly ExternalProblem[],
    at: number,
  ): { started: Issue[]; resolved: Issue[] } {
    const ruleId = `${EXTERNAL_RULE_PREFIX}${scope}`;
    const seen = new Set<string>();
    const started: Issue[] = [];
    const resolved: Issue[] = [];
    for (const p of problems) {
      const id = externalFingerprint(source, p.key);
      seen.add(id);
      const existing = this.issues.get(id);
      if (!existing) {
        const issue = externalIssue(id, p, ruleId, at);
        this.issues.set(id, issue);
        this.emit('opened', issue, at, 'api');
        started.push(issue);
        continue;
      }
      const title = redact(p.title);
      if (existing.status === 'resolved') {
        Object.assign(existing, { status: 'open', regressed: true, statusChangedAt: at, lastSeen: at, title });
        existing.severity = p.severity;
        delete existing.resolvedAt;
        existing.count++;
        addToHistogram(existing, at);
        this.emit('regressed', existing, at, 'api');
        started.push(existing);
      } else if (existing.title !== title || existing.severity !== p.severity) {
        existing.title = title;
        existing.severity = p.severity;
        this.dirty.add(id);
      }
    }
    for (const issue of this.issues.values()) {
      if (issue.ruleId !== ruleId || issue.status === 'resolved' || seen.has(issue.id)) continue;
      if (!issue.sources.includes(source)) continue;
      this.setStatus(issue.id, 'resolved', at, 'api');
      resolved.push(issue);
    }
    return { started, resolved };
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
        this.issues.delete(id);
      }
    }
    const excess = this.issues.size - this.opts.maxIssues;
    if (excess <= 0) return;
    // Resolved issues go first, then the longest quiet ones.
    const victims = [...this.issues.values()]
      .sort((a, b) => Number(b.status === 'resolved') - Number(a.status === 'resolved') || a.lastSeen - b.lastSeen)
      .slice(0, excess);
    for (const v of victims) this.issues.delete(v.id);
  }

  snapshot(): Issue[] {
    return [...this.issues.values()];
  }

  restore(issues: readonly Issue[]): void {
    this.issues.clear();
    for (const i of issues) this.issues.set(i.id, i);
  }
}

function externalIssue(id: string, p: ExternalProblem, ruleId: string, at: number): Issue {
  const level: Level =
    p.severity === 'critical' || p.severity === 'high' ? 'error' : p.severity === 'info' ? 'info' : 'warn';
  return {
    id,
    title: redact(p.title),
    category: p.category,
    severity: p.severity,
    level,
    app: p.app,
    sources: [p.source],
    ruleId,
    status: 'open',
    regressed: false,
    firstSeen: at,
    lastSeen: at,
    count: 1,
    impact: 0,
    histogramStart: Math.floor(at / HOUR),
    histogram: [1],
    samples: [{ time: at, source: p.source, level, message: redact(p.message), raw: redact(p.message) }],
    users: [],
    sessions: [],
    clients: [],
    statusChangedAt: at,
  };
}

/** Hourly buckets over at most 7 days ending at the latest hour seen; older occurrences are counted, not binned. */
export function addToHistogram(issue: Pick<Issue, 'histogram' | 'histogramStart'>, t: number): void {
  const h = Math.floor(t / HOUR);
  const hist = issue.histogram;
  if (hist.length === 0) {
    issue.histogramStart = h;
    hist.push(1);
    return;
  }
  let i = h - issue.histogramStart;
  if (i < 0) {
    if (hist.length - i > HISTOGRAM_HOURS) return;
    hist.unshift(...new Array<number>(-i).fill(0));
    issue.histogramStart = h;
    i = 0;
  }
  if (i >= HISTOGRAM_HOURS) {
    // Slide the window so that hour `h` is its last bucket (never allocating the gap).
    const drop = i - HISTOGRAM_HOURS + 1;
    hist.splice(0, Math.min(drop, hist.length));
    issue.histogramStart += drop;
    i -= drop;
  }
  while (hist.length <= i) hist.push(0);
  hist[i] = (hist[i] ?? 0) + 1;
}

function addBounded(list: string[], value: string): boolean {
  if (list.includes(value)) return false;
  list.push(value);
  if (list.length > MAX_AFFECTED) list.shift();
  return true;
}
