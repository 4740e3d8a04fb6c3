/** `/api/alerts`: alerts newest first (firing and resolved), with keyset pages. */
import { Hono } from 'hono';
import { z } from 'zod';
import { redactDeep } from '../../core/redact.ts';
import { type Alert, LEVELS, SEVERITIES } from '../../core/types.ts';
import {
  cursorSchema,
  decodeCursor,
  encodeCursor,
  iso,
  limitSchema,
  pageSchema,
  parseWith,
  queryOf,
  type RouteDocs,
} from './common.ts';

export const alertSchema = z.object({
  id: z.string(),
  key: z
    .string()
    .describe('What the threshold counts: `issue:<id>`, `rule:<id>`, `category:<source>:<cat>`, `silent:<source>`.'),
  kind: z.enum(['threshold', 'silent']),
  state: z.enum(['firing', 'resolved']),
  title: z.string(),
  source: z.string(),
  app: z.string(),
  category: z.string(),
  severity: z.enum(SEVERITIES as [string, ...string[]]),
  level: z.enum(LEVELS),
  issueId: z.string().nullable().describe('The issue the alert is about, when it is about one.'),
  count: z.number().int(),
  suppressed: z.number().int(),
  threshold: z.number().int(),
  windowMs: z.number().int(),
  firedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export interface AlertRouteDeps {
  /** Alerts fired strictly before `before` (keyset), newest first. */
  alerts(q: {
    state?: 'firing' | 'resolved';
    source?: string;
    limit: number;
    before?: { firedAt: number; id: string };
  }): Alert[];
}

const query = z.strictObject({
  state: z.enum(['firing', 'resolved']).optional().describe('Only firing or only resolved alerts.'),
  source: z.string().max(200).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export function alertRoutes(deps: AlertRouteDeps, docs: RouteDocs): Hono {
  const app = new Hono();
  docs.add({
    method: 'get',
    path: '/api/alerts',
    tag: 'alerts',
    summary: 'Alerts, newest first.',
    query,
    response: pageSchema(alertSchema),
  });
  app.get('/api/alerts', (c) => {
    const q = parseWith(query, queryOf(c), 'query');
    let before: { firedAt: number; id: string } | undefined;
    if (q.cursor !== undefined) {
      const [firedAt, id] = decodeCursor(q.cursor, ['number', 'string']) as [number, string];
      before = { firedAt, id };
    }
    const rows = deps.alerts({
      ...(q.state ? { state: q.state } : {}),
      ...(q.source !== undefined ? { source: q.source } : {}),
      limit: q.limit + 1,
      ...(before ? { before } : {}),
    });
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    const next = rows.length > q.limit && last ? encodeCursor([last.firedAt, last.id]) : null;
    return c.json(redactDeep({ items: items.map(present), next }));
  });
  return app;
}

function present(a: Alert): z.infer<typeof alertSchema> {
  return {
    id: a.id,
    key: a.key,
    kind: a.kind,
    state: a.state,
    title: a.title,
    source: a.source,
    app: a.app,
    category: a.category,
    severity: a.severity,
    level: a.level,
    issueId: a.fingerprint ?? null,
    count: a.count,
    suppressed: a.suppressed,
    threshold: a.threshold,
    windowMs: a.windowMs,
    firedAt: iso(a.firedAt) as string,
    resolvedAt: iso(a.resolvedAt),
  };
}
