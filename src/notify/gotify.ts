/**
 * Gotify (https://gotify.net/docs/pushmsg): POST /message with the app token in `X-Gotify-Key`; priority 0-10;
 * Markdown and the click URL travel as message extras (https://gotify.net/docs/msgextras).
 */
import type { GotifyTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import type { Severity } from '../core/types.ts';
import { failFromStatus, jsonErrorText, send } from './http.ts';
import { renderMarkdown, renderText } from './render.ts';
import type { Content, Delivery, Notifier } from './types.ts';

/** Gotify's Android app: <4 silent, 4-7 sound, >7 pops up. */
const PRIORITY: Readonly<Record<Severity, number>> = { info: 2, low: 3, medium: 5, high: 8, critical: 10 };

export function gotifyMessage(t: GotifyTarget, c: Content): Record<string, unknown> {
  const extras: Record<string, unknown> = {
    'client::display': { contentType: t.markdown ? 'text/markdown' : 'text/plain' },
  };
  if (c.link) extras['client::notification'] = { click: { url: c.link } };
  return {
    title: c.title,
    message: t.markdown ? renderMarkdown(c) : renderText(c),
    priority: t.priority ?? (c.kind === 'resolved' ? Math.min(5, PRIORITY[c.severity]) : PRIORITY[c.severity]),
    extras,
  };
}

export function createGotify(t: GotifyTarget, clock: Clock): Notifier {
  const endpoint = new URL(`${t.url.replace(/\/+$/, '')}/message`);
  return {
    name: t.name,
    type: 'gotify',
    async send(d: Delivery, signal: AbortSignal): Promise<undefined> {
      const res = await send(endpoint, {
        headers: { 'content-type': 'application/json', 'x-gotify-key': t.token },
        body: JSON.stringify(gotifyMessage(t, d.content)),
        signal,
        verifyTls: t.verifyTls,
        now: clock.now(),
      });
      if (res.status >= 200 && res.status < 300) return undefined;
      // Gotify errors: {"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token ..."}
      throw failFromStatus('Gotify', res, clock.now(), jsonErrorText(res.text, 'errorDescription', 'error'));
    },
  };
}
