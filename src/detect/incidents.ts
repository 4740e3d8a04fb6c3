/**
 * Incidents: issues of different sources that start close together are one story ("Plex transcoder failures and disk
 * I/O errors on the same host at 20:14"). An issue starts when it opens or regresses. The first start from a second
 * source within `windowMs` of an earlier start forms an incident of every start in that window; later starts within
 * `windowMs` of the incident's first one join it. Members are ordered by start; the incident resolves when all its
 * issues are resolved.
 */
import type { Incident, Issue, Severity } from '../core/types.ts';
import { SEVERITY_RANK } from '../core/types.ts';

export type EmitIncident = (kind: 'opened' | 'updated' | 'resolved', incident: Incident, at: number) => void;

interface Start {
  issueId: string;
  source: string;
  at: number;
  title: string;
  severity: Severity;
}

export interface IncidentState {
  incidents: Incident[];
  recent: Start[];
}

/** Recent starts remembered for grouping, whatever the rate. */
const MAX_RECENT = 200;

export class IncidentTracker {
  private readonly windowMs: number;
  private readonly maxIncidents: number;
  private readonly emit: EmitIncident;
  private incidents: Incident[] = [];
  private recent: Start[] = [];

  constructor(opts: { windowMs: number; maxIncidents: number }, emit: EmitIncident) {
    this.windowMs = opts.windowMs;
    this.maxIncidents = opts.maxIncidents;
    this.emit = emit;
  }

  list(): Incident[] {
    return [...this.incidents];
  }

  issueStarted(issue: Issue, at: number): void {
    const start: Start = {
      issueId: issue.id,
      source: issue.sources[0] ?? '',
      at,
      title: issue.title,
      severity: issue.severity,
    };
    // Sources of an issue: the one that started it is the newest record's source, kept last in `sources`.
    start.source = issue.sources[issue.sources.length - 1] ?? start.source;
    // In place: a flood of new issues starts thousands a second, each would otherwise copy the list.
    let kept = 0;
    for (const s of this.recent)
      if (Math.abs(at - s.at) <= this.windowMs && s.issueId !== issue.id) this.recent[kept++] = s;
    this.recent.length = kept;

    const open = this.incidents.find((i) => i.status === 'open' && Math.abs(at - i.startedAt) <= this.windowMs);
    if (open) {
      if (!open.issueIds.includes(issue.id)) {
        this.join(open, [start]);
        this.emit('updated', open, at);
      }
    } else if (this.recent.some((s) => s.source !== start.source)) {
      const members = [...this.recent, start].sort((a, b) => a.at - b.at);
      const incident: Incident = {
        id: `inc-${(members[0] as Start).at.toString(36)}-${(members[0] as Start).issueId.slice(0, 8)}`,
        title: '',
        severity: 'info',
        status: 'open',
        issueIds: [],
        sources: [],
        startedAt: (members[0] as Start).at,
        lastSeen: at,
      };
      this.join(incident, members);
      this.incidents.push(incident);
      this.bound();
      this.emit('opened', incident, at);
    }
    this.recent.push(start);
    if (this.recent.length > MAX_RECENT) this.recent.shift();
  }

  private join(incident: Incident, starts: readonly Start[]): void {
    const titles = new Map<string, string>();
    for (const s of starts) {
      if (incident.issueIds.includes(s.issueId)) continue;
      incident.issueIds.push(s.issueId);
      titles.set(s.issueId, s.title);
      if (!incident.sources.includes(s.source)) incident.sources.push(s.source);
      if (SEVERITY_RANK[s.severity] > SEVERITY_RANK[incident.severity]) incident.severity = s.severity;
      if (s.at > incident.lastSeen) incident.lastSeen = s.at;
    }
    const firstTitle = incident.title
      ? incident.title.replace(/ \(\+\d+ related.*$/, '')
      : titles.get(incident.issueIds[0] ?? '');
    const more = incident.issueIds.length - 1;
    incident.title = `${firstTitle ?? 'Incident'} (+${more} related issue${more === 1 ? '' : 's'} on ${incident.sources.join(', ')})`;
  }

  /** Follows member issues: lastSeen, and resolution when every member is resolved or forgotten. */
  tick(now: number, get: (id: string) => Issue | undefined): void {
    for (const incident of this.incidents) {
      if (incident.status !== 'open') continue;
      let allResolved = true;
      for (const id of incident.issueIds) {
        const issue = get(id);
        if (!issue) continue;
        if (issue.lastSeen > incident.lastSeen) incident.lastSeen = issue.lastSeen;
        if (issue.status !== 'resolved') allResolved = false;
      }
      if (allResolved) {
        incident.status = 'resolved';
        incident.resolvedAt = now;
        this.emit('resolved', incident, now);
      }
    }
  }

  private bound(): void {
    while (this.incidents.length > this.maxIncidents) {
      const i = this.incidents.findIndex((x) => x.status === 'resolved');
      this.incidents.splice(Math.max(i, 0), 1);
    }
  }

  snapshot(): IncidentState {
    return { incidents: this.incidents, recent: this.recent };
  }

  restore(state: IncidentState): void {
    this.incidents = [...state.incidents];
    this.recent = [...state.recent];
  }
}
