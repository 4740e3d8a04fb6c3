/**
 * What a notification says, built from the bus payloads: what, where (source, file, offset), how often and since
 * when, the impact, the last sample (trimmed), the suppressed count, a panel link, and on resolve how long it lasted.
 * Every string passes through `redact`: tokens in sample lines and URLs never leave Arrgus. Pure: no I/O, no clock.
 */

import { entitiesLine } from '../core/entities.ts';
import type { AlertEvent, IncidentEvent, IssueEvent } from '../core/events.ts';
import { redact, redactDeep } from '../core/redact.ts';
import type { Alert, Incident, Issue, Severity } from '../core/types.ts';
import type { RoutableEvent } from './router.ts';
import type { Content, Fact } from './types.ts';

export type Subject =
  | { type: 'issue'; issue: Issue }
  | { type: 'alert'; alert: Alert; issue?: Issue }
  | { type: 'incident'; incident: Incident };

/** A bus event that may become a notification. */
export interface NotifyEvent extends RoutableEvent {
  at: number;
  /** Mute scope: the source muted, `null` never (incidents span sources; only the global mute holds them). */
  muteSources: string[];
  subject: Subject;
}

export function fromIssueEvent(e: IssueEvent): NotifyEvent | null {
  const kind = e.kind === 'opened' || e.kind === 'regressed' || e.kind === 'resolved' ? e.kind : null;
  if (!kind) return null;
  const { issue } = e;
  return {
    kind,
    ...(kind === 'resolved' ? { resolves: 'issue' as const } : {}),
    severity: issue.severity,
    sources: issue.sources,
    app: issue.app,
    category: issue.category,
    at: e.at,
    muteSources: issue.sources,
    subject: { type: 'issue', issue },
  };
}

export function fromAlertEvent(e: AlertEvent): NotifyEvent {
  const { alert } = e;
  const silent = alert.kind === 'silent';
  const fired = e.kind === 'fired';
  return {
    kind: fired ? (silent ? 'silent' : 'alert') : 'resolved',
    ...(fired ? {} : { resolves: silent ? ('silent' as const) : ('alert' as const) }),
    severity: alert.severity,
    sources: [alert.source],
    app: alert.app,
    category: alert.category,
    at: e.at,
    muteSources: [alert.source],
    subject: e.issue ? { type: 'alert', alert, issue: e.issue } : { type: 'alert', alert },
  };
}

export function fromIncidentEvent(e: IncidentEvent): NotifyEvent | null {
  if (e.kind === 'updated') return null;
  const { incident } = e;
  return {
    kind: e.kind === 'opened' ? 'incident' : 'resolved',
    ...(e.kind === 'resolved' ? { resolves: 'incident' as const } : {}),
    severity: incident.severity,
    sources: incident.sources,
    at: e.at,
    muteSources: incident.sources,
    subject: { type: 'incident', incident },
  };
}

const SAMPLE_LINES = 12;
const SAMPLE_CHARS = 800;

export function buildContent(ev: NotifyEvent, panelUrl: string): Content {
  const s = ev.subject;
  const base = panelUrl.replace(/\/+$/, '');
  const facts: Fact[] = [];
  const details: Record<string, unknown> = { kind: ev.kind, sources: ev.sources };
  let title: string;
  let message: string;
  let link = base;
  let sample: string | undefined;
  const where = ev.sources.join(', ');

  if (s.type === 'incident') {
    const i = s.incident;
    title = ev.kind === 'resolved' ? `Resolved: ${i.title}` : `Incident: ${i.title}`;
    message =
      ev.kind === 'resolved'
        ? `The incident across ${where} is over after ${humanDuration((i.resolvedAt ?? ev.at) - i.startedAt)}.`
        : `${i.issueIds.length} issues started together across ${where}.`;
    facts.push({ label: 'Sources', value: where }, { label: 'Since', value: formatTime(i.startedAt) });
    if (ev.kind === 'resolved')
      facts.push({ label: 'Lasted', value: humanDuration((i.resolvedAt ?? ev.at) - i.startedAt) });
    link = `${base}/incidents/${encodeURIComponent(i.id)}`;
    Object.assign(details, {
      incidentId: i.id,
      issueIds: i.issueIds,
      startedAt: i.startedAt,
      resolvedAt: i.resolvedAt,
    });
  } else {
    const issue = s.type === 'issue' ? s.issue : s.issue;
    const alert = s.type === 'alert' ? s.alert : undefined;
    const subjectTitle = alert?.title ?? issue?.title ?? 'Issue';
    const fp = alert?.fingerprint ?? issue?.id;
    if (fp) link = `${base}/issues/${encodeURIComponent(fp)}`;
    if (ev.kind === 'resolved') {
      const start = alert ? alert.firedAt : (issue?.firstSeen ?? ev.at);
      const end = alert?.resolvedAt ?? issue?.resolvedAt ?? ev.at;
      title = `Resolved: ${where}: ${subjectTitle}`;
      message = `${subjectTitle} on ${where} is over after ${humanDuration(end - start)}.`;
      facts.push({ label: 'Lasted', value: humanDuration(end - start) });
      details.durationMs = end - start;
    } else if (alert?.kind === 'silent') {
      title = `${where} went silent`;
      message = `${where} has written nothing for ${humanDuration(alert.windowMs)}.`;
    } else if (alert) {
      title = `${where}: ${subjectTitle}`;
      message = `${alert.count} times in ${humanDuration(alert.windowMs)} on ${where} (threshold ${alert.threshold}).`;
    } else {
      title = `${ev.kind === 'regressed' ? 'Back again' : 'New issue'}: ${where}: ${subjectTitle}`;
      message =
        ev.kind === 'regressed'
          ? `${subjectTitle} is happening again on ${where}.`
          : `A new kind of problem appeared on ${where}: ${subjectTitle}.`;
    }
    const last = issue?.samples.at(-1);
    const file = last?.file ? `${last.file}${last.offset === undefined ? '' : ` (byte ${last.offset})`}` : undefined;
    facts.push({ label: 'Where', value: file ? `${where} · ${file}` : where });
    if (issue) {
      facts.push({ label: 'How often', value: `${issue.count} times since ${formatTime(issue.firstSeen)}` });
      facts.push({ label: 'Impact', value: `${issue.impact}/100` });
      const affected = entitiesLine(issue);
      if (affected) facts.push({ label: 'Affected', value: affected });
    }
    if (alert && alert.suppressed > 0) {
      facts.push({ label: 'Suppressed', value: `${alert.suppressed} more since the previous alert` });
    }
    facts.push({ label: 'Severity', value: ev.severity });
    if (ev.category) facts.push({ label: 'Category', value: ev.category });
    if (last && ev.kind !== 'resolved') sample = trimSample(last.raw || last.message);
    Object.assign(details, {
      fingerprint: fp,
      alertId: alert?.id,
      alertKey: alert?.key,
      count: alert?.count ?? issue?.count,
      suppressed: alert?.suppressed,
      impact: issue?.impact,
      firstSeen: issue?.firstSeen,
      lastSeen: issue?.lastSeen,
      file: last?.file,
      offset: last?.offset,
      sample,
      evidence: issue?.evidence,
      entities: issue?.entities,
    });
  }
  Object.assign(details, { severity: ev.severity, category: ev.category, app: ev.app, link });
  return {
    kind: ev.kind,
    title: redact(title),
    message: redact(message),
    severity: ev.severity,
    at: ev.at,
    ...(ev.sources[0] ? { source: ev.sources.join(', ') } : {}),
    ...(ev.app ? { app: ev.app } : {}),
    ...(ev.category ? { category: ev.category } : {}),
    facts: facts.map((f) => ({ label: f.label, value: redact(f.value) })),
    ...(sample ? { sample: redact(sample) } : {}),
    link,
    details: redactDeep(dropUndefined(details)),
  };
}

/** The issue a notification is about, when it is about one. */
export function subjectIssueId(ev: NotifyEvent): string | undefined {
  const s = ev.subject;
  if (s.type === 'issue') return s.issue.id;
  if (s.type === 'alert') return s.alert.fingerprint ?? s.issue?.id;
  return undefined;
}

/**
 * Adds the AI analysis summary of the issue (when one exists) as a fact and in the details. Not on resolutions: the
 * problem is over.
 */
export function withAnalysis(c: Content, ev: NotifyEvent, summary: (issueId: string) => string | undefined): Content {
  const id = subjectIssueId(ev);
  const text = id && ev.kind !== 'resolved' ? summary(id) : undefined;
  if (!text) return c;
  const line = redact(text.replace(/\s+/g, ' ').trim()).slice(0, 300);
  return {
    ...c,
    facts: [...c.facts, { label: 'AI analysis', value: line }],
    details: { ...c.details, analysis: line },
  };
}

/**
 * The digest sent when a mute, a quiet period or a burst ends: how many were held, by kind, and the most severe
 * titles. `dropped` more were held beyond the bound and not kept (the least severe): counted, not described.
 */
export function buildSummary(
  held: Content[],
  reason: string,
  from: number,
  to: number,
  panelUrl: string,
  dropped = 0,
): Content {
  const rank: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  const worst = held.reduce<Severity>((w, c) => (rank[c.severity] > rank[w] ? c.severity : w), 'info');
  const byKind = new Map<string, number>();
  for (const c of held) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
  const top = [...held].sort((a, b) => rank[b.severity] - rank[a.severity] || a.at - b.at).slice(0, 10);
  const kinds = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
  const count = held.length + dropped;
  const more = dropped ? `; ${dropped} more, less severe, were not kept` : '';
  return {
    kind: 'summary',
    title: redact(`${count} notification${count === 1 ? '' : 's'} held while ${reason}`),
    message: redact(`While ${reason} (${humanDuration(to - from)}), ${count} were held: ${kinds}${more}.`),
    severity: worst,
    at: to,
    facts: top.map((c) => ({ label: c.severity, value: `${c.title} (${formatTime(c.at)})` })),
    link: panelUrl.replace(/\/+$/, ''),
    details: {
      kind: 'summary',
      reason,
      from,
      to,
      count,
      byKind: Object.fromEntries(byKind),
      ...(dropped ? { dropped } : {}),
    },
  };
}

/** Keeps the first lines that fit: the head of a record (message, first frames) is what a person acts on. */
export function trimSample(text: string): string {
  const lines = text.split('\n');
  let out = lines.slice(0, SAMPLE_LINES).join('\n');
  if (out.length > SAMPLE_CHARS) out = `${out.slice(0, SAMPLE_CHARS - 1)}…`;
  else if (lines.length > SAMPLE_LINES) out += `\n… (${lines.length - SAMPLE_LINES} more lines)`;
  return out;
}

export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [u, n] of units) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function formatTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
