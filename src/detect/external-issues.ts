/**
 * Problems that APIs report (Arr health checks, download clients, …) as issues: one per problem key and source, opened
 * when the API first lists it, reopened (`regressed`) when it comes back, resolved when the API stops listing it. They
 * never resolve themselves on a quiet timer: the API says when they are over.
 */
import type { ExternalProblem } from '../core/ports.ts';
import { redact } from '../core/redact.ts';
import type { Issue, Level } from '../core/types.ts';
import { EXTERNAL_RULE_PREFIX } from './external-rule.ts';
import { externalFingerprint } from './fingerprint.ts';
import { addToHistogram, HOUR } from './issue-occurrences.ts';
import type { IssueTracker } from './issue-tracker.ts';

/** Reconciles an API's current problems with the issues of `source`/`scope`; returns what started and resolved. */
export function reconcileExternal(
  tracker: IssueTracker,
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
    const existing = tracker.get(id);
    if (!existing) {
      const issue = externalIssue(id, p, ruleId, at);
      tracker.adopt(issue, at, 'api');
      started.push(issue);
      continue;
    }
    const title = redact(p.title);
    if (existing.status === 'resolved') {
      tracker.reopen(existing, at);
      existing.lastSeen = at;
      tracker.retitle(existing, title);
      existing.severity = p.severity;
      existing.count++;
      addToHistogram(existing, at);
      tracker.announce('regressed', existing, at, 'api');
      started.push(existing);
    } else if (existing.title !== title || existing.severity !== p.severity) {
      tracker.retitle(existing, title);
      existing.severity = p.severity;
      tracker.touch(id);
    }
  }
  for (const issue of tracker.all()) {
    if (issue.ruleId !== ruleId || issue.status === 'resolved' || seen.has(issue.id)) continue;
    if (!issue.sources.includes(source)) continue;
    tracker.setStatus(issue.id, 'resolved', at, 'api');
    resolved.push(issue);
  }
  return { started, resolved };
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
