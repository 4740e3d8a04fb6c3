/**
 * The Hono application: JSON API now, the panel later. Rooms contribute sub-apps (notifications, sessions, webhooks)
 * that are mounted here; this file owns authentication, limits and the error shape (`{error, status}`).
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { CoreContext } from '../core/context.ts';
import { redact } from '../core/redact.ts';
import { type IngestDeps, ingestRoutes } from './ingest-routes.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  [section: string]: unknown;
}

export interface WebDeps extends IngestDeps {
  health(): HealthReport;
  /** Sub-apps of other rooms, mounted at `path` (e.g. `/api` for routes that already carry their full path). */
  mounts?: ReadonlyArray<{ path: string; app: Hono }>;
}

export function createWebApp(ctx: CoreContext, deps: WebDeps): Hono {
  const log = ctx.logger.child('web');
  const app = new Hono();
  const token = ctx.config.web.token;

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      return c.json({ error: redact(err.message || 'request failed'), status: err.status }, err.status);
    }
    log.warn(`Request ${c.req.method} ${c.req.path} failed; answered 500.`, { error: err });
    return c.json({ error: 'internal error', status: 500 }, 500);
  });
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}`, status: 404 }, 404));

  // Health answers without a token: Docker/HA watchdogs call it.
  app.get('/api/health', (c) => c.json(deps.health()));

  if (token) {
    const expected = Buffer.from(`Bearer ${token}`);
    app.use('*', async (c, next) => {
      // Apps cannot send a bearer header on their webhooks (Plex, Tautulli...): those routes check the source's own
      // `webhookSecret` (query `token` or `X-Arrgus-Token`) instead.
      if (c.req.method === 'POST' && c.req.path.startsWith('/api/webhooks/')) return next();
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        c.header('WWW-Authenticate', 'Bearer realm="arrgus"');
        return c.json({ error: 'missing or wrong bearer token', status: 401 }, 401);
      }
      await next();
    });
  }

  app.route('/', ingestRoutes(ctx, deps));
  for (const m of deps.mounts ?? []) app.route(m.path, m.app);
  return app;
}
