/**
 * Who may open the panel, and how a state-changing request proves it comes from the panel.
 *
 * - Behind Home Assistant ingress the Supervisor (172.30.32.2) has already authenticated the user; only requests from
 *   a configured ingress proxy address may claim an `X-Ingress-Path`, and only they skip the login.
 * - Outside ingress, when `web.token` is set, the login page exchanges the token for a random session id kept in
 *   memory (HttpOnly, SameSite=Strict cookie). Sessions are bounded in number and lifetime; a restart logs people out.
 * - CSRF: a double-submit token. A random value in an HttpOnly SameSite=Strict cookie must come back in the form field
 *   `_csrf` or the `X-CSRF-Token` header of every POST, and browsers' `Sec-Fetch-Site: cross-site` is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Clock } from '../../core/clock.ts';

export const SESSION_COOKIE = 'arrgus_session';
export const CSRF_COOKIE = 'arrgus_csrf';
const SESSION_TTL_MS = 7 * 24 * 3_600_000;
const MAX_SESSIONS = 200;
/** Failed logins allowed per minute (all clients together): the token cannot be guessed by hammering. */
const MAX_FAILURES_PER_MINUTE = 10;

/** The remote address of a request served by @hono/node-server; `undefined` under `app.request()` without env. */
export function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const a = env?.incoming?.socket?.remoteAddress;
  return a?.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Base path of a request: the trusted `X-Ingress-Path`, or '' outside ingress. `null` marks "not ingress". */
export function ingressPath(c: Context, proxies: readonly string[]): string | null {
  const header = c.req.header('x-ingress-path');
  if (header === undefined) return null;
  const from = remoteAddress(c);
  if (from === undefined || !proxies.includes(from)) return null;
  // The Supervisor sends `/api/hassio_ingress/<token>`; anything else is not a path we would link to.
  if (!/^(?:\/[A-Za-z0-9._~-]+)+$/.test(header)) return null;
  return header;
}

export function fromIngressProxy(c: Context, proxies: readonly string[]): boolean {
  const from = remoteAddress(c);
  return from !== undefined && proxies.includes(from);
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class PanelSessions {
  private readonly clock: Clock;
  private readonly token: string | undefined;
  /** Session id → expiry; insertion order is age, so the oldest is evicted first. */
  private readonly sessions = new Map<string, number>();
  private failures: number[] = [];

  constructor(clock: Clock, token: string | undefined) {
    this.clock = clock;
    this.token = token;
  }

  get required(): boolean {
    return this.token !== undefined;
  }

  /** Checks a login attempt; `limited` when too many failed recently (answer 429 without checking). */
  login(given: string): { ok: true; session: string } | { ok: false; limited: boolean } {
    const now = this.clock.now();
    this.failures = this.failures.filter((t) => now - t < 60_000);
    if (this.failures.length >= MAX_FAILURES_PER_MINUTE) return { ok: false, limited: true };
    if (this.token === undefined || !equal(given, this.token)) {
      this.failures.push(now);
      return { ok: false, limited: false };
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, now + SESSION_TTL_MS);
    while (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    return { ok: true, session: id };
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const exp = this.sessions.get(id);
    if (exp === undefined) return false;
    if (exp <= this.clock.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  logout(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** A request carrying a valid session cookie. */
  fromCookie(c: Context): boolean {
    return this.valid(getCookie(c, SESSION_COOKIE));
  }
}

/** Whether the request was made over HTTPS (directly or per a reverse proxy's header): then cookies are `Secure`. */
function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

export function setSessionCookie(c: Context, base: string, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    path: base || '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: secure(c),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Context, base: string): void {
  setCookie(c, SESSION_COOKIE, '', { path: base || '/', httpOnly: true, sameSite: 'Strict', maxAge: 0 });
}

/** The CSRF token of this browser, set as a cookie on first sight. */
export function csrfToken(c: Context, base: string): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const fresh = randomBytes(32).toString('base64url');
  setCookie(c, CSRF_COOKIE, fresh, { path: base || '/', httpOnly: true, sameSite: 'Strict', secure: secure(c) });
  return fresh;
}

/** Checks a state-changing request: the cookie's token must come back in the form or a header. */
export async function csrfValid(c: Context): Promise<boolean> {
  if (c.req.header('sec-fetch-site') === 'cross-site') return false;
  const cookie = getCookie(c, CSRF_COOKIE);
  if (!cookie) return false;
  let given = c.req.header('x-csrf-token');
  if (given === undefined) {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      const form = await c.req.parseBody();
      const v = form._csrf;
      if (typeof v === 'string') given = v;
    }
  }
  return given !== undefined && equal(given, cookie);
}
