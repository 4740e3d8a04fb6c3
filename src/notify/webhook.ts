/**
 * A JSON webhook. By default Sentarr's payload (`title`, `message`, `severity`, `timestamp`, `details`) so Home
 * Assistant automations written for Sentarr keep working; or a custom JSON template. Custom headers and basic auth.
 * `Idempotency-Key` lets a receiver drop the rare duplicate (a crash after the send, before it was recorded).
 */
import type { WebhookTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import { failFromStatus, jsonErrorText, send } from './http.ts';
import { fillJson, renderText } from './render.ts';
import type { Content, Delivery, Notifier } from './types.ts';

export function webhookPayload(t: WebhookTarget, c: Content): unknown {
  if (t.payload !== undefined) return fillJson(t.payload, c);
  return {
    title: c.title,
    message: renderText(c),
    severity: c.severity,
    timestamp: new Date(c.at).toISOString(),
    details: { ...c.details, source: c.source, facts: c.facts },
  };
}

export function createWebhook(t: WebhookTarget, clock: Clock): Notifier {
  const endpoint = new URL(t.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (t.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
  }
  for (const [k, v] of Object.entries(t.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    name: t.name,
    type: 'webhook',
    async send(d: Delivery, signal: AbortSignal): Promise<undefined> {
      const res = await send(endpoint, {
        method: t.method,
        headers: { ...headers, 'idempotency-key': d.id },
        body: JSON.stringify(webhookPayload(t, d.content)),
        signal,
        verifyTls: t.verifyTls,
        now: clock.now(),
      });
      if (res.status >= 200 && res.status < 300) return undefined;
      throw failFromStatus(`webhook ${endpoint.host}`, res, clock.now(), jsonErrorText(res.text, 'error', 'message'));
    },
  };
}
