/**
 * `POST /api/webhooks/<app>` for sonarr, radarr, lidarr, readarr, prowlarr, whisparr, jellyfin, emby, plex and tautulli,
 * and `GET /api/webhooks` (the journal of recent webhooks). The HTTP edge only: which source the webhook belongs to
 * (`?source=NAME`, else the first enabled source of that app), the per-source secret (`?token=` or `X-Arrgus-Token`,
 * from the source's `webhookSecret`), the size limit (413), the body format (JSON; Plex sends multipart with a JSON
 * `payload` part, Emby before 4.8 multipart with a JSON `data` part) and the error shape (`{error, status}`). What a payload means lives in sources/webhooks.ts.
 * Routes carry their full path: mount with `app.route('/', webhookRoutes(ctx, deps))`.
 */
import { timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SourceConfig } from '../config/sources.ts';
import type { CoreContext } from '../core/context.ts';
import { LogSummary } from '../core/log-summary.ts';
import { redact } from '../core/redact.ts';
import { WEBHOOK_APPS, type WebhookApp, WebhookInvalid, type WebhookReceiver } from '../sources/webhooks.ts';
import { readBodyLimited } from './body.ts';

export interface WebhookRouteDeps {
  receiver: WebhookReceiver;
}

const ARR = new Set<string>(['sonarr', 'radarr', 'lidarr', 'readarr', 'prowlarr', 'whisparr']);
/** Apps that may post `multipart/form-data` with the JSON in one field; a JSON body is accepted from them too. */
const MULTIPART_FIELD: Partial<Record<WebhookApp, string>> = { plex: 'payload', emby: 'data' };

export function webhookRoutes(ctx: CoreContext, deps: WebhookRouteDeps): Hono {
  const log = ctx.logger.child('webhooks');
  // Anyone who reaches the port can send wrong tokens: one line a minute per source, with the count.
  const refusals = new LogSummary(log);
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof HTTPException) return fail(c, err.status, err.message);
    if (err instanceof WebhookInvalid) return fail(c, 400, `invalid payload: ${err.message}`);
    log.warn(`Webhook ${c.req.path} failed; answered 500.`, { error: err });
    return fail(c, 500, 'internal error');
  });

  app.get('/api/webhooks', (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 200);
    return c.json({ webhooks: deps.receiver.recent(limit) });
  });

  app.post('/api/webhooks/:app', async (c) => {
    const name = c.req.param('app').toLowerCase();
    if (!(WEBHOOK_APPS as readonly string[]).includes(name)) {
      return fail(c, 404, `no webhook for "${name}"; expected one of ${WEBHOOK_APPS.join(', ')}`);
    }
    const appName = name as WebhookApp;
    // Apps pass the secret as `?token=` or `X-Arrgus-Token`; people testing with curl may send a bearer header (the
    // scheme in any case, RFC 9110 §11.1).
    const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const given = c.req.query('token') ?? c.req.header('x-arrgus-token') ?? bearer;
    const source = pick(ctx.config.sources, appName, c.req.query('source'));
    if (typeof source === 'string') {
      // Which sources exist is for those who may post to them: where the app's webhooks need a secret, an unknown
      // source answers exactly as a wrong token does, so 404 and 401 cannot be told apart from outside.
      const secrets = appSecrets(ctx, appName);
      if (secrets.length && !secrets.some((s) => secretMatches(s, given))) {
        refusals.warn('\u0000unknown', (n) =>
          n > 1
            ? `Refused ${n} ${appName} webhooks for unknown sources since the last warning: missing or wrong token.`
            : `Refused a ${appName} webhook for an unknown source: missing or wrong token.`,
        );
        return fail(c, 401, UNAUTHORIZED);
      }
      return fail(c, 404, source);
    }
    // The source's own secret; without one, the API token (when set) guards webhooks too, so setting `web.token`
    // never leaves them open.
    const required = source.webhookSecret ?? ctx.config.web.token;
    if (required && !secretMatches(required, given)) {
      refusals.warn(source.name, (n) =>
        n > 1
          ? `Refused ${n} ${appName} webhooks for ${source.name} since the last warning: missing or wrong token.`
          : `Refused a ${appName} webhook for ${source.name}: missing or wrong token.`,
      );
      return fail(c, 401, UNAUTHORIZED);
    }
    const raw = await readBodyLimited(c, ctx.config.web.maxBodyBytes);
    const field = MULTIPART_FIELD[appName];
    const body = field ? await multipartJson(raw, c.req.header('content-type') ?? '', field) : json(raw);
    let record: ReturnType<WebhookReceiver['arr']>;
    if (ARR.has(appName)) record = deps.receiver.arr(source, body);
    else if (appName === 'jellyfin') record = deps.receiver.jellyfin(source, body);
    else if (appName === 'emby') record = deps.receiver.emby(source, body);
    else if (appName === 'plex') record = deps.receiver.plex(source, body);
    else {
      const plex = pick(ctx.config.sources, 'plex', c.req.query('plex'));
      record = deps.receiver.tautulli(source, typeof plex === 'string' ? undefined : plex, body);
    }
    return c.json({ ok: true, source: record.source, event: record.event, known: record.known, effect: record.effect });
  });
  return app;
}

function fail(c: Context, status: number, message: string): Response {
  return c.json({ error: redact(message), status }, status as ContentfulStatusCode);
}

/** The source a webhook belongs to, or why there is none. */
const UNAUTHORIZED = 'missing or wrong webhook token (query `token` or header `X-Arrgus-Token`)';

/** The secrets that guard some webhook of `app` (its sources' own, else `web.token`); none when all are open. */
function appSecrets(ctx: CoreContext, app: string): string[] {
  const token = ctx.config.web.token;
  const out = new Set<string>(token ? [token] : []);
  for (const s of ctx.config.sources) if (s.app === app && s.enabled && s.webhookSecret) out.add(s.webhookSecret);
  return [...out];
}

function pick(sources: readonly SourceConfig[], app: string, wanted: string | undefined): SourceConfig | string {
  const candidates = sources.filter((s) => s.app === app && s.enabled);
  if (wanted) {
    const s = candidates.find((x) => x.name.toLowerCase() === wanted.toLowerCase());
    return s ?? `no enabled ${app} source is named "${wanted}"`;
  }
  return (
    candidates[0] ?? `no ${app} source is configured; add one (a url is optional) so its webhooks have somewhere to go`
  );
}

function secretMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function json(raw: Buffer): unknown {
  if (raw.length === 0) throw new WebhookInvalid('the body is empty; expected JSON');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new WebhookInvalid(`the body is not JSON (${(err as Error).message})`);
  }
}

/**
 * Plex posts `multipart/form-data` with the JSON in a `payload` field (and a thumbnail for some events); Emby's
 * webhooks did the same with a `data` field before they offered `application/json`.
 */
async function multipartJson(raw: Buffer, contentType: string, field: string): Promise<unknown> {
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return json(raw);
  let form: FormData;
  try {
    form = await new Request('http://webhook.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
  } catch (err) {
    throw new WebhookInvalid(`the multipart body cannot be read (${(err as Error).message})`);
  }
  const payload = form.get(field);
  if (typeof payload !== 'string') throw new WebhookInvalid(`the multipart body has no \`${field}\` field`);
  return json(Buffer.from(payload));
}
