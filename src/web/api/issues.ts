/**
 * `/api/issues`: the list (filters, sort, keyset pages), one issue in full (samples with the lines around them,
 * hourly histogram, entities, evidence, timeline, the incident it belongs to and its other issues, sessions and
 * users), and the actions a person takes on it: acknowledge, resolve, reopen, mute, unmute.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { IssueService } from '../../core/ports.ts';
import { redactDeep } from '../../core/redact.ts';
import {
  ENTITY_KINDS,
  type Incident,
  type Issue,
  type IssueSample,
  LEVELS,
  SEVERITIES,
  SEVERITY_RANK,
} from '../../core/types.ts';
import {
  cursorSchema,
  iso,
  limitSchema,
  listOf,
  notFound,
  pageInMemory,
  pageSchema,
  parseWith,
  queryOf,
  type RouteDocs,
} from './common.ts';

const STATUSES = ['open', 'acknowledged', 'resolved', 'muted'] as const;
const SORTS = ['impact', 'lastSeen', 'count', 'firstSeen'] as const;
export const ISSUE_ACTIONS = ['acknowledge', 'resolve', 'reopen', 'mute', 'unmute'] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];

export const issueSummarySchema = z.object({
  id: z.string().describe('The fingerprint: stable across restarts.'),
  title: z.string(),
  category: z.string(),
  severity: z.enum(SEVERITIES as [string, ...string[]]),
  status: z.enum(STATUSES),
  level: z.enum(LEVELS),
  app: z.string(),
  sources: z.array(z.string()),
  count: z.number().int().describe('Records grouped so far.'),
  impact: z.number().describe('0-100.'),
  regressed: z.boolean(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  statusChangedAt: z.string(),
  ruleId: z.string().optional(),
  template: z.string().optional().describe('The masked message the issue groups.'),
  url: z.string().describe('Path of this issue in the API.'),
});
export type IssueSummary = z.infer<typeof issueSummarySchema>;

export const contextLineSchema = z.object({
  id: z.number().int(),
  time: z.string(),
  level: z.string(),
  source: z.string(),
  message: z.string(),
  raw: z.string(),
});
export type ContextLine = z.infer<typeof contextLineSchema>;

const sampleSchema = z.object({
  time: z.string(),
  source: z.string(),
  level: z.string(),
  message: z.string(),
  raw: z.string(),
  file: z.string().optional(),
  offset: z.number().int().optional(),
  before: z.array(contextLineSchema).describe('Stored lines of the same source just before the sample (oldest first).'),
  after: z.array(contextLineSchema).describe('Stored lines just after it.'),
});

const entityCountSchema = z.object({ value: z.string(), count: z.number().int() });

export const issueDetailSchema = issueSummarySchema.extend({
  samples: z.array(sampleSchema),
  histogram: z
    .array(z.object({ hour: z.string(), count: z.number().int() }))
    .describe('Records per hour, last 7 days, hours with none left out.'),
  entities: z.partialRecord(z.enum(ENTITY_KINDS), z.array(entityCountSchema)),
  evidence: z.object({ layer: z.string(), detail: z.string() }).nullable().describe('Why it has its category.'),
  timeline: z.array(z.object({ at: z.string(), kind: z.string(), by: z.string().nullable() })),
  incident: z
    .object({ id: z.string(), title: z.string(), status: z.string(), related: z.array(issueSummarySchema) })
    .nullable()
    .describe('The incident the issue is part of, with its other issues.'),
  users: z.array(z.string()),
  sessions: z.array(z.string()),
  clients: z.array(z.string()),
  resolvedAt: z.string().nullable(),
  analysis: z.unknown().optional().describe('Root-cause analysis, when one was made (AI).'),
});

export interface IssueRouteDeps {
  issues: Pick<IssueService, 'list' | 'get' | 'acknowledge' | 'resolve' | 'reopen' | 'setIssueMuted' | 'incidents'>;
  clock: Clock;
  /** Status changes of an issue, oldest first. */
  timeline?(id: string): Array<{ at: number; kind: string; by: string | null }>;
  /** Stored lines around a sample of issue `id` (same source). */
  context?(
    id: string,
    sample: IssueSample,
    before: number,
    after: number,
  ): { before: ContextLine[]; after: ContextLine[] };
  /** An analysis of the issue (the AI room), when there is one. */
  analysis?(id: string): unknown;
}

const listQuery = z.strictObject({
  status: listOf(z.enum(STATUSES)).describe('Statuses to list (comma separated or repeated); default all.'),
  source: z.string().max(200).optional().describe('Issues that involve this source.'),
  app: z.string().max(100).optional(),
  category: listOf(z.string().max(100)).describe('Categories (comma separated or repeated).'),
  severity: listOf(z.enum(SEVERITIES as [string, ...string[]])).describe('Severities (comma separated or repeated).'),
  minSeverity: z
    .enum(SEVERITIES as [string, ...string[]])
    .optional()
    .describe('At least this severity.'),
  text: z
    .string()
    .max(200)
    .optional()
    .describe('Case-insensitive text in the title, template, category or first sample.'),
  sort: z.enum(SORTS).default('impact').describe('Sort key, largest (or newest) first.'),
  limit: limitSchema,
  cursor: cursorSchema,
});

const idParams = z.object({ id: z.string().min(1).max(200).describe('Issue id (fingerprint).') });
const actionParams = idParams.extend({ action: z.enum(ISSUE_ACTIONS) });

export function summarize(i: Issue): IssueSummary {
  return {
    id: i.id,
    title: i.title,
    category: i.category,
    severity: i.severity,
    status: i.status,
    level: i.level,
    app: i.app,
    sources: [...i.sources],
    count: i.count,
    impact: i.impact,
    regressed: i.regressed,
    firstSeen: iso(i.firstSeen) as string,
    lastSeen: iso(i.lastSeen) as string,
    statusChangedAt: iso(i.statusChangedAt) as string,
    ...(i.ruleId !== undefined ? { ruleId: i.ruleId } : {}),
    ...(i.template !== undefined ? { template: i.template } : {}),
    url: `/api/issues/${encodeURIComponent(i.id)}`,
  };
}

const SORT_KEY: Record<(typeof SORTS)[number], (i: Issue) => number> = {
  impact: (i) => i.impact,
  lastSeen: (i) => i.lastSeen,
  count: (i) => i.count,
  firstSeen: (i) => i.firstSeen,
};

const CONTEXT_LINES = 3;

export function issueRoutes(deps: IssueRouteDeps, docs: RouteDocs): Hono {
  const app = new Hono();

  docs.add({
    method: 'get',
    path: '/api/issues',
    tag: 'issues',
    summary: 'List issues (filters, sort, cursor pages).',
    query: listQuery,
    response: pageSchema(issueSummarySchema),
  });
  app.get('/api/issues', (c) => {
    const q = parseWith(listQuery, queryOf(c), 'query');
    const text = q.text?.toLowerCase();
    const minRank = q.minSeverity ? SEVERITY_RANK[q.minSeverity as Issue['severity']] : -1;
    const all = deps.issues
      .list()
      .filter(
        (i) =>
          (!q.status?.length || q.status.includes(i.status)) &&
          (q.source === undefined || i.sources.includes(q.source)) &&
          (q.app === undefined || i.app === q.app) &&
          (!q.category?.length || q.category.includes(i.category)) &&
          (!q.severity?.length || q.severity.includes(i.severity)) &&
          SEVERITY_RANK[i.severity] >= minRank &&
          (text === undefined ||
            i.title.toLowerCase().includes(text) ||
            i.category.toLowerCase().includes(text) ||
            (i.template?.toLowerCase().includes(text) ?? false) ||
            (i.samples[0]?.message.toLowerCase().includes(text) ?? false)),
      );
    const page = pageInMemory(all, SORT_KEY[q.sort], (i) => i.id, q.limit, q.cursor);
    return c.json(redactDeep({ items: page.items.map(summarize), next: page.next }));
  });

  docs.add({
    method: 'get',
    path: '/api/issues/{id}',
    tag: 'issues',
    summary: 'One issue in full: samples with surrounding lines, histogram, entities, evidence, timeline, incident.',
    params: idParams,
    response: issueDetailSchema,
  });
  app.get('/api/issues/:id', (c) => {
    const { id } = parseWith(idParams, c.req.param(), 'path');
    const issue = deps.issues.get(id);
    if (!issue) throw notFound(`issue "${id}" not found`);
    return c.json(redactDeep(detail(issue, deps)));
  });

  docs.add({
    method: 'post',
    path: '/api/issues/{id}/{action}',
    tag: 'issues',
    summary: 'Acknowledge, resolve, reopen, mute or unmute an issue; answers the issue as it now is.',
    params: actionParams,
    response: issueSummarySchema,
  });
  app.post('/api/issues/:id/:action', (c) => {
    const { id, action } = parseWith(actionParams, c.req.param(), 'path');
    if (!deps.issues.get(id)) throw notFound(`issue "${id}" not found`);
    const at = deps.clock.now();
    const changed = act(deps, id, action, at);
    if (!changed) throw notFound(`issue "${id}" not found`);
    return c.json(redactDeep(summarize(changed)));
  });

  return app;
}

function act(deps: IssueRouteDeps, id: string, action: IssueAction, at: number): Issue | undefined {
  switch (action) {
    case 'acknowledge':
      return deps.issues.acknowledge(id, at);
    case 'resolve':
      return deps.issues.resolve(id, at);
    case 'reopen':
      return deps.issues.reopen(id, at);
    case 'mute':
      return deps.issues.setIssueMuted(id, true, at);
    case 'unmute':
      return deps.issues.setIssueMuted(id, false, at);
  }
}

function detail(issue: Issue, deps: IssueRouteDeps): z.input<typeof issueDetailSchema> {
  const incident = deps.issues.incidents().find((inc: Incident) => inc.issueIds.includes(issue.id));
  const related = incident
    ? incident.issueIds
        .filter((x) => x !== issue.id)
        .map((x) => deps.issues.get(x))
        .filter((x): x is Issue => x !== undefined)
        .map(summarize)
    : [];
  const histogram: Array<{ hour: string; count: number }> = [];
  issue.histogram.forEach((n, i) => {
    if (n > 0) histogram.push({ hour: iso((issue.histogramStart + i) * 3_600_000) as string, count: n });
  });
  const analysis = deps.analysis?.(issue.id);
  return {
    ...summarize(issue),
    samples: issue.samples.map((s) => ({
      time: iso(s.time) as string,
      source: s.source,
      level: s.level,
      message: s.message,
      raw: s.raw,
      ...(s.file !== undefined ? { file: s.file } : {}),
      ...(s.offset !== undefined ? { offset: s.offset } : {}),
      ...(deps.context?.(issue.id, s, CONTEXT_LINES, CONTEXT_LINES) ?? { before: [], after: [] }),
    })),
    histogram,
    entities: issue.entities ?? {},
    evidence: issue.evidence ?? null,
    timeline: (deps.timeline?.(issue.id) ?? []).map((t) => ({ at: iso(t.at) as string, kind: t.kind, by: t.by })),
    incident: incident ? { id: incident.id, title: incident.title, status: incident.status, related } : null,
    users: [...issue.users],
    sessions: [...issue.sessions],
    clients: [...issue.clients],
    resolvedAt: iso(issue.resolvedAt),
    ...(analysis !== undefined ? { analysis } : {}),
  };
}
