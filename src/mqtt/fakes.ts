/**
 * Small in-memory implementations of the ports, for the MQTT room's tests and bench. They behave like the real
 * services where the MQTT room can tell (acknowledging changes status and emits an issue event, muting emits a mute
 * event) and nothing more.
 */
import type { EventBus } from '../core/bus.ts';
import type { ArrgusEvents } from '../core/events.ts';
import type { IssueFilter, IssueService, MuteService, SourceStats, StatsService } from '../core/ports.ts';
import type { Alert, Incident, Issue } from '../core/types.ts';

export function makeIssue(p: Partial<Issue> & { id: string }): Issue {
  return {
    title: `Issue ${p.id}`,
    category: 'database',
    severity: 'high',
    level: 'error',
    app: 'plex',
    sources: ['plex'],
    status: 'open',
    regressed: false,
    firstSeen: Date.UTC(2026, 0, 1),
    lastSeen: Date.UTC(2026, 0, 1, 1),
    count: 3,
    impact: 50,
    histogramStart: 0,
    histogram: [],
    samples: [],
    users: [],
    sessions: [],
    clients: [],
    statusChangedAt: Date.UTC(2026, 0, 1),
    ...p,
  };
}

export function makeAlert(p: Partial<Alert> & { id: string; source: string }): Alert {
  return {
    key: `issue:${p.id}`,
    kind: 'threshold',
    state: 'firing',
    title: `Alert ${p.id}`,
    app: p.source,
    category: 'database',
    severity: 'critical',
    level: 'error',
    count: 5,
    suppressed: 0,
    threshold: 5,
    windowMs: 300_000,
    firedAt: Date.UTC(2026, 0, 1, 2),
    ...p,
  };
}

export class FakeIssues implements IssueService {
  readonly issues = new Map<string, Issue>();
  alerts: Alert[] = [];
  incidentList: Incident[] = [];
  listCalls = 0;
  private readonly bus: EventBus<ArrgusEvents> | undefined;

  constructor(bus?: EventBus<ArrgusEvents>) {
    this.bus = bus;
  }

  add(...issues: Issue[]): void {
    for (const i of issues) this.issues.set(i.id, i);
  }

  list(filter: IssueFilter = {}): Issue[] {
    this.listCalls++;
    const statuses = filter.status === undefined ? null : [filter.status].flat();
    const out: Issue[] = [];
    for (const i of this.issues.values()) {
      if (statuses && !statuses.includes(i.status)) continue;
      if (filter.source && !i.sources.includes(filter.source)) continue;
      out.push(i);
    }
    return out;
  }

  get(id: string): Issue | undefined {
    return this.issues.get(id);
  }

  acknowledge(id: string, at: number): Issue | undefined {
    const i = this.issues.get(id);
    if (!i) return undefined;
    i.status = 'acknowledged';
    i.statusChangedAt = at;
    this.bus?.emit('issue', { kind: 'acknowledged', issue: i, at, by: 'user' });
    return i;
  }

  acknowledgeAll(source: string | null, at: number): number {
    let n = 0;
    for (const i of this.issues.values()) {
      if (i.status !== 'open' || (source !== null && !i.sources.includes(source))) continue;
      this.acknowledge(i.id, at);
      n++;
    }
    return n;
  }

  resolve(id: string, at: number): Issue | undefined {
    const i = this.issues.get(id);
    if (i) i.status = 'resolved';
    if (i) i.resolvedAt = at;
    return i;
  }

  reopen(id: string, at: number): Issue | undefined {
    const i = this.issues.get(id);
    if (!i) return undefined;
    i.status = 'open';
    i.statusChangedAt = at;
    delete i.resolvedAt;
    return i;
  }

  setIssueMuted(id: string, muted: boolean): Issue | undefined {
    const i = this.issues.get(id);
    if (i) i.status = muted ? 'muted' : 'open';
    return i;
  }

  syncExternal(): void {}

  linkSession(): Issue[] {
    return [];
  }

  incidents(): Incident[] {
    return this.incidentList;
  }

  activeAlerts(): Alert[] {
    return this.alerts.filter((a) => a.state === 'firing');
  }
}

export class FakeMutes implements MuteService {
  private readonly set = new Set<string | null>();
  private readonly bus: EventBus<ArrgusEvents> | undefined;

  constructor(bus?: EventBus<ArrgusEvents>) {
    this.bus = bus;
  }

  isMuted(source: string | null): boolean {
    return this.set.has(source);
  }

  setMuted(source: string | null, muted: boolean, at: number): void {
    if (muted) this.set.add(source);
    else this.set.delete(source);
    this.bus?.emit('mute', { source, muted, at });
  }

  muted(): Array<string | null> {
    return [...this.set];
  }
}

export class FakeStats implements StatsService {
  readonly stats = new Map<string, SourceStats>();

  put(p: Partial<SourceStats> & { source: string }): void {
    this.stats.set(p.source, {
      app: p.source,
      files: [],
      lastRecordAt: null,
      lastErrorAt: null,
      recordsPerMinute: 0,
      errors5m: 0,
      warnings5m: 0,
      errors1h: 0,
      warnings1h: 0,
      parseFailures: 0,
      totalRecords: 0,
      ...p,
    });
  }

  get(source: string): SourceStats | undefined {
    return this.stats.get(source);
  }

  all(): SourceStats[] {
    return [...this.stats.values()];
  }
}
