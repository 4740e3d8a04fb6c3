/** `/api/incidents`: issues of several sources that started together, newest first, with their issues. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { IssueService } from '../../core/ports.ts';
import { redactDeep } from '../../core/redact.ts';
import { type Incident, type Issue, SEVERITIES } from '../../core/types.ts';
import {
  cursorSchema,
  iso,
  limitSchema,
  pageInMemory,
  pageSchema,
  parseWith,
  queryOf,
  type RouteDocs,
} from './common.ts';
import { issueSummarySchema, summarize } from './issues.ts';

export const incidentSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES as [string, ...string[]]),
  status: z.enum(['open', 'resolved']),
  sources: z.array(z.string()),
  startedAt: z.string(),
  lastSeen: z.string(),
  resolvedAt: z.string().nullable(),
  issues: z.array(issueSummarySchema).describe('Its issues in the order they started (those still known).'),
});

export interface IncidentRouteDeps {
  issues: Pick<IssueService, 'incidents' | 'get'>;
}

const query = z.strictObject({
  status: z.enum(['open', 'resolved']).optional(),
  source: z.string().max(200).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export function incidentRoutes(deps: IncidentRouteDeps, docs: RouteDocs): Hono {
  const app = new Hono();
  docs.add({
    method: 'get',
    path: '/api/incidents',
    tag: 'incidents',
    summary: 'Incidents, newest first.',
    query,
    response: pageSchema(incidentSchema),
  });
  app.get('/api/incidents', (c) => {
    const q = parseWith(query, queryOf(c), 'query');
    const all = deps.issues
      .incidents()
      .filter(
        (i) =>
          (q.status === undefined || i.status === q.status) && (q.source === undefined || i.sources.includes(q.source)),
      );
    const page = pageInMemory(
      all,
      (i) => i.startedAt,
      (i) => i.id,
      q.limit,
      q.cursor,
    );
    return c.json(redactDeep({ items: page.items.map((i) => present(i, deps)), next: page.next }));
  });
  return app;
}

function present(i: Incident, deps: IncidentRouteDeps): z.infer<typeof incidentSchema> {
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    sources: [...i.sources],
    startedAt: iso(i.startedAt) as string,
    lastSeen: iso(i.lastSeen) as string,
    resolvedAt: iso(i.resolvedAt),
    issues: i.issueIds
      .map((id) => deps.issues.get(id))
      .filter((x): x is Issue => x !== undefined)
      .map(summarize),
  };
}
