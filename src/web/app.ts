/**
 * The Hono application: the JSON API and the panel. Rooms contribute sub-apps (notifications, sessions, webhooks)
 * that are mounted here; this file owns authentication, limits and the error shape (`{error, status}`).
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { CoreContext } from '../core/context.ts';
import { isLoopback } from '../core/net.ts';
import { redact, redactDeep } from '../core/redact.ts';
import { type IngestDeps, ingestRoutes } from './ingest-routes.ts';
import { csrfValid, fromIngressProxy, PanelSessions } from './panel/auth.ts';
import type { PanelDeps } from './panel/deps.ts';
import { createPanel } from './panel/routes.ts';
import { rateLimit } from './rate-limit.ts';

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
  /** The web panel (pages at `/`, `/issues`, …); omitted in tests of the API alone. */
  panel?: PanelDeps;
}

export function createWebApp(ctx: CoreContext, deps: WebDeps): Hono {
  const log = ctx.logger.child('web');
  const app = new Hono();
  const token = ctx.config.web.token;

  const exposed = !token && !isLoopback(ctx.config.web.host);

  // The redaction boundary for API answers: every JSON body, whichever room built it, is redacted on its way out
  // (strings, and values under secret names). Event streams redact per event where they are produced.
  app.use('*', async (c, next) => {
    await next();
    if (!(c.res.headers.get('content-type') ?? '').includes('application/json')) return;
    const text = await c.res.clone().text();
    let safe: string;
    try {
      safe = JSON.stringify(redactDeep(JSON.parse(text) as unknown));
    } catch {
      safe = redact(text);
    }
    if (safe === text) return;
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(safe, { status: c.res.status, statusText: c.res.statusText, headers });
  });

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      return c.json({ error: redact(err.message || 'request failed'), status: err.status }, err.status);
    }
    log.warn(`Request ${c.req.method} ${c.req.path} failed; answered 500.`, { error: err });
    return c.json({ error: 'internal error', status: 500 }, 500);
  });
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}`, status: 404 }, 404));

  // Health answers without a token (Docker/HA watchdogs call it), but then only with status and version: file paths,
  // API hosts, notifier names and their errors are for whoever holds the token (or for loopback when none is set).
  app.get('/api/health', (c) => {
    const report = deps.health();
    const warning = exposed
      ? `the HTTP API listens on ${ctx.config.web.host}, beyond this machine, without web.token: anyone on the network can use it`
      : undefined;
    if ((token && !bearerMatches(c.req.header('authorization'), token)) || exposed) {
      return c.json({ status: report.status, version: report.version, ...(warning ? { warning } : {}) });
    }
    return c.json(report);
  });

  const proxies = ctx.config.web.ingressProxies;
  if (ctx.config.web.ingressOnly) {
    // Add-on mode: the port is Home Assistant's ingress port. Besides the Supervisor, only the watchdog's health
    // check, webhooks (they carry their own secret) and bearer-token API calls are answered.
    app.use('*', async (c, next) => {
      const p = c.req.path;
      if (fromIngressProxy(c, proxies) || p === '/api/health' || p.startsWith('/api/webhooks/')) return next();
      if (token && p.startsWith('/api/') && c.req.header('authorization')) return next();
      return c.json({ error: 'this port only answers Home Assistant ingress', status: 403 }, 403);
    });
  }

  // The panel's pages do their own login check (a session cookie, or ingress); registered before the bearer check so
  // a browser without a bearer header reaches them.
  const sessions = new PanelSessions(ctx.clock, token);
  if (deps.panel) app.route('/', createPanel(ctx, deps.panel, sessions));

  if (token) {
    app.use('*', async (c, next) => {
      // Apps cannot send a bearer header on their webhooks (Plex, Tautulli...): those routes check the source's own
      // `webhookSecret` (query `token` or `X-Arrgus-Token`) instead.
      if (c.req.method === 'POST' && c.req.path.startsWith('/api/webhooks/')) return next();
      // The panel's scripts call the API with the browser's session (or through ingress); writes need the CSRF token.
      if (deps.panel && (fromIngressProxy(c, proxies) || sessions.fromCookie(c))) {
        if (c.req.method === 'GET' || c.req.method === 'HEAD' || (await csrfValid(c))) return next();
        return c.json({ error: 'missing or wrong CSRF token', status: 403 }, 403);
      }
      if (!bearerMatches(c.req.header('authorization'), token)) {
        c.header('WWW-Authenticate', 'Bearer realm="arrgus"');
        return c.json({ error: 'missing or wrong bearer token', status: 401 }, 401);
      }
      await next();
    });
  }

  const clock = ctx.clock;
  app.use(
    '/api/notifiers/*',
    rateLimit({
      perMinute: ctx.config.web.testNotificationsPerMinute,
      clock,
      what: 'test notifications',
      methods: ['POST'],
    }),
  );
  app.use(
    '/api/ingest',
    rateLimit({ perMinute: ctx.config.web.ingestRequestsPerMinute, clock, what: 'ingest requests' }),
  );
  app.route('/', ingestRoutes(ctx, { ...deps, acceptSource: sourceGate(ctx) }));
  for (const m of deps.mounts ?? []) app.route(m.path, m.app);
  return app;
}

/** `Authorization: Bearer <token>`, the scheme in any case (RFC 9110 §11.1), compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  if (!m || (m[1] as string).toLowerCase() !== 'bearer') return false;
  const given = Buffer.from(m[2] as string);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Configured sources and `http` always; new names first come, first served, up to `web.ingestNewSources`. */
function sourceGate(ctx: CoreContext): (source: string) => boolean {
  const configured = new Set(ctx.config.sources.map((s) => s.name.toLowerCase()));
  configured.add('http');
  const created = new Set<string>();
  return (source) => {
    const name = source.toLowerCase();
    if (configured.has(name) || created.has(name)) return true;
    if (created.size >= ctx.config.web.ingestNewSources) return false;
    created.add(name);
    return true;
  };
}
