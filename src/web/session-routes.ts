/**
 * `GET /api/sessions` (current playbacks and the summary) and `GET /api/sessions/history?limit=N` (ended ones,
 * newest first). Routes carry their full path: mount with `app.route('/', sessionRoutes(deps))`.
 */
import { Hono } from 'hono';
import { redactDeep } from '../core/redact.ts';
import type { SessionTracker } from '../sessions/tracker.ts';

export interface SessionRouteDeps {
  tracker: Pick<SessionTracker, 'active' | 'history' | 'summary'>;
}

const MAX_HISTORY = 500;

export function sessionRoutes(deps: SessionRouteDeps): Hono {
  const app = new Hono();
  app.get('/api/sessions', (c) =>
    c.json(redactDeep({ sessions: deps.tracker.active(), summary: deps.tracker.summary() })),
  );
  app.get('/api/sessions/history', (c) => {
    const raw = c.req.query('limit');
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY) {
      return c.json(
        { error: `limit: expected a whole number from 1 to ${MAX_HISTORY}, got "${raw}"`, status: 400 },
        400,
      );
    }
    return c.json(redactDeep({ sessions: deps.tracker.history(limit) }));
  });
  return app;
}
