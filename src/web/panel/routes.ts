/**
 * The panel's routes: pages (GET), actions (POST with CSRF, answered with a redirect back so they work without
 * JavaScript), login/logout, the live tail stream and the assets. Every page and link is relative to the request's
 * base path (Home Assistant's `X-Ingress-Path`, trusted only from the configured ingress proxy addresses).
 *
 * Routes are registered one by one, never with `use('*')`: this app is mounted at `/` beside the JSON API, and a
 * wildcard middleware here would run for `/api/*` too.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { CoreContext } from '../../core/context.ts';
import { assetRoutes } from './assets.ts';
import {
  clearSessionCookie,
  csrfToken,
  csrfValid,
  fromIngressProxy,
  ingressPath,
  type PanelSessions,
  SESSION_COOKIE,
  setSessionCookie,
} from './auth.ts';
import type { PanelDeps } from './deps.ts';
import { type Html, html } from './html.ts';
import { layout, type PageInfo } from './layout.ts';
import { incidentPage, issuePage } from './pages/issue.ts';
import { issuesPage, parseIssueQuery } from './pages/issues.ts';
import { loginPage } from './pages/login.ts';
import { logsPage, parseLogQuery } from './pages/logs.ts';
import { notificationsPage } from './pages/notifications.ts';
import { overviewPage } from './pages/overview.ts';
import { sessionsPage } from './pages/sessions.ts';
import { settingsPage } from './pages/settings.ts';
import { securityHeaders } from './security.ts';

/** Largest form body a panel action accepts (a CSRF token and a few fields). */
const MAX_FORM_BYTES = 16 * 1024;

type Handler = (c: Context, p: PageInfo) => Html | Promise<Html> | Response | Promise<Response>;

export function createPanel(ctx: CoreContext, d: PanelDeps, sessions: PanelSessions): Hono {
  const app = new Hono();
  const web = ctx.config.web;
  const log = ctx.logger.child('web:panel');

  function info(c: Context): PageInfo | Response {
    const trusted = fromIngressProxy(c, web.ingressProxies);
    if (web.ingressOnly && !trusted) {
      return c.text('This port only answers Home Assistant ingress.', 403, securityHeaders(false));
    }
    const base = trusted ? (ingressPath(c, web.ingressProxies) ?? '') : '';
    return {
      base,
      ingress: trusted,
      session: !trusted && sessions.required && sessions.fromCookie(c),
      csrf: csrfToken(c, base),
      now: ctx.clock.now(),
      version: ctx.version,
    };
  }

  function authorised(p: PageInfo): boolean {
    return p.ingress || !sessions.required || p.session;
  }

  async function respond(c: Context, p: PageInfo, fn: Handler): Promise<Response> {
    const headers = securityHeaders(p.ingress);
    try {
      const out = await fn(c, p);
      if (out instanceof Response) {
        for (const [k, v] of Object.entries(headers)) out.headers.set(k, v);
        return out;
      }
      return c.html(out, 200, { ...headers, 'cache-control': 'no-store' });
    } catch (err) {
      if (err instanceof HTTPException) {
        return c.html(errorPage(p, err.status, err.message), err.status, headers);
      }
      log.warn(`Panel request ${c.req.method} ${c.req.path} failed; answered 500.`, { error: err });
      return c.html(errorPage(p, 500, 'Something went wrong; the details are in the Arrgus log.'), 500, headers);
    }
  }

  const page = (path: string, fn: Handler) =>
    app.get(path, (c) => {
      const p = info(c);
      if (p instanceof Response) return p;
      if (!authorised(p)) {
        const next = c.req.path + (new URL(c.req.url).search || '');
        return c.redirect(`${p.base}/login?next=${encodeURIComponent(next)}`, 303);
      }
      return respond(c, p, fn);
    });

  const limit = bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: (c) => c.text(`form too large (at most ${MAX_FORM_BYTES} bytes)`, 413, securityHeaders(false)),
  });

  const action = (path: string, fn: Handler) =>
    app.post(path, limit, async (c) => {
      const p = info(c);
      if (p instanceof Response) return p;
      const headers = securityHeaders(p.ingress);
      if (!authorised(p)) return c.text('log in first', 401, headers);
      if (!(await csrfValid(c)))
        return c.text('missing or wrong CSRF token: reload the page and try again', 403, headers);
      return respond(c, p, fn);
    });

  assetRoutes(app, securityHeaders);

  page('/', (_c, p) => overviewPage(p, d));
  page('/issues', (c, p) => issuesPage(p, d, parseIssueQuery(c.req.query())));
  page('/issues/:id', (c, p) => {
    const issue = d.issues.get(c.req.param('id') ?? '');
    if (!issue) throw new HTTPException(404, { message: 'No issue with this id (it may have been pruned).' });
    return issuePage(p, d, issue);
  });
  page('/incidents/:id', (c, p) => {
    const incident = d.issues.incidents().find((i) => i.id === c.req.param('id'));
    if (!incident) throw new HTTPException(404, { message: 'No incident with this id (it may have been pruned).' });
    return incidentPage(p, d, incident);
  });
  page('/logs', (c, p) => logsPage(p, d, parseLogQuery(c.req.query())));
  page('/sessions', (_c, p) => sessionsPage(p, d));
  page('/notifications', (_c, p) => notificationsPage(p, d));
  page('/settings', (_c, p) => settingsPage(p, d));

  const issueAction = (verb: string, apply: (id: string, at: number) => unknown) =>
    action(`/issues/:id/${verb}`, (c, p) => {
      const id = c.req.param('id') ?? '';
      if (!d.issues.get(id)) throw new HTTPException(404, { message: 'No issue with this id.' });
      apply(id, p.now);
      log.info(`Issue ${id}: ${verb} from the panel.`);
      return c.redirect(`${p.base}/issues/${encodeURIComponent(id)}`, 303);
    });
  issueAction('acknowledge', (id, at) => d.issues.acknowledge(id, at));
  issueAction('resolve', (id, at) => d.issues.resolve(id, at));
  issueAction('mute', (id, at) => d.issues.setIssueMuted(id, true, at));
  issueAction('unmute', (id, at) => d.issues.setIssueMuted(id, false, at));
  issueAction('reopen', (id, at) => d.issues.reopen(id, at));

  for (const verb of ['mute', 'unmute'] as const) {
    action(`/sources/:name/${verb}`, async (c, p) => {
      const name = c.req.param('name') ?? '';
      if (!d.stats.get(name) && !ctx.config.sources.some((s) => s.name === name))
        throw new HTTPException(404, { message: 'No source with this name.' });
      d.mutes.setMuted(name, verb === 'mute', p.now);
      log.info(`Source ${name}: ${verb}d from the panel.`);
      const form = await c.req.parseBody();
      return c.redirect(`${p.base}${localPath(form.back) ?? '/'}`, 303);
    });
  }

  action('/notifications/:name/test', async (c, p) => {
    const name = c.req.param('name') ?? '';
    const result = await d.notify.test(name);
    if (!result) throw new HTTPException(404, { message: 'No notification target with this name.' });
    const message = result.ok ? `delivered in ${result.durationMs} ms` : `failed: ${result.error ?? 'unknown error'}`;
    return notificationsPage(p, d, { target: name, ok: result.ok, message });
  });

  // Login and logout: outside ingress only. The login page is the one page served without a session.
  app.get('/login', (c) => {
    const p = info(c);
    if (p instanceof Response) return p;
    const next = localPath(c.req.query('next')) ?? '/';
    if (authorised(p)) return c.redirect(`${p.base}${next}`, 303);
    return c.html(loginPage(p, next), 200, { ...securityHeaders(p.ingress), 'cache-control': 'no-store' });
  });
  app.post('/login', limit, async (c) => {
    const p = info(c);
    if (p instanceof Response) return p;
    const headers = { ...securityHeaders(p.ingress), 'cache-control': 'no-store' };
    if (!(await csrfValid(c))) return c.html(loginPage(p, '/', 'The form expired: try again.'), 403, headers);
    const form = await c.req.parseBody();
    const next = localPath(form.next) ?? '/';
    if (!sessions.required) return c.redirect(`${p.base}${next}`, 303);
    const result = sessions.login(typeof form.token === 'string' ? form.token : '');
    if (!result.ok) {
      log.warn('Panel login failed: wrong token.', { limited: result.limited });
      return c.html(
        loginPage(p, next, result.limited ? 'Too many failed attempts: wait a minute.' : 'Wrong token.'),
        result.limited ? 429 : 401,
        headers,
      );
    }
    setSessionCookie(c, p.base, result.session);
    return c.redirect(`${p.base}${next}`, 303);
  });
  app.post('/logout', limit, async (c) => {
    const p = info(c);
    if (p instanceof Response) return p;
    if (!(await csrfValid(c))) return c.text('missing or wrong CSRF token', 403, securityHeaders(p.ingress));
    sessions.logout(getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c, p.base);
    return c.redirect(`${p.base}/login`, 303);
  });

  return app;
}

/** A same-site path to go back to after an action or login; anything else (`//evil`, `https:`) is refused. */
export function localPath(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 2000) return undefined;
  return /^\/(?![/\\])[^\s]*$/.test(v) ? v : undefined;
}

function errorPage(p: PageInfo, status: number, message: string): Html {
  return layout(p, '', `Error ${status}`, html`<p class="flash bad">${message}</p>`);
}
