/**
 * ntfy (https://docs.ntfy.sh/publish/). The message is built in the `ntfy` package's vocabulary (`MessageConfig`,
 * `MessagePriority`) and published as JSON to the server root ("publish as JSON" in ntfy's docs). We do not call the
 * package's `publish()`: in ntfy 1.15 it drops `clickURL`, sends the title as an HTTP header (non-Latin-1 titles
 * throw in fetch), takes no abort signal, and reports failures by status text only, losing the code and
 * `Retry-After` that retries and `notify-test` need.
 */
import { type MessageConfig, MessagePriority } from 'ntfy';
import type { NtfyTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import type { Severity } from '../core/types.ts';
import { failFromStatus, jsonErrorText, send } from './http.ts';
import { renderMarkdown, renderText } from './render.ts';
import type { Content, Delivery, Notifier } from './types.ts';

const PRIORITY: Readonly<Record<Severity, MessagePriority>> = {
  info: MessagePriority.LOW,
  low: MessagePriority.LOW,
  medium: MessagePriority.DEFAULT,
  high: MessagePriority.HIGH,
  critical: MessagePriority.MAX,
};

const SEVERITY_TAG: Readonly<Record<Severity, string>> = {
  info: 'information_source',
  low: 'information_source',
  medium: 'warning',
  high: 'warning',
  critical: 'rotating_light',
};

/** ntfy turns longer messages into attachments (message-size-limit, 4 KiB by default). */
const MAX_MESSAGE_BYTES = 3900;

export function ntfyMessage(t: NtfyTarget, c: Content): MessageConfig {
  const resolved = c.kind === 'resolved';
  const body = t.markdown ? renderMarkdown(c, { link: false }) : renderText(c);
  const tags = [resolved ? 'white_check_mark' : SEVERITY_TAG[c.severity], ...(t.tags ?? [])];
  if (c.app) tags.push(c.app);
  if (c.category) tags.push(c.category);
  const priority = t.priority ?? (resolved ? MessagePriority.DEFAULT : PRIORITY[c.severity]);
  const click = t.click ?? c.link;
  const msg: MessageConfig = {
    topic: t.topic,
    title: c.title,
    message: truncateBytes(body, MAX_MESSAGE_BYTES),
    priority,
    tags,
    markdown: t.markdown,
  };
  if (click) {
    msg.clickURL = click;
    msg.actions = [{ type: 'view', label: 'Open in Arrgus', url: click }];
  }
  return msg;
}

export function createNtfy(t: NtfyTarget, clock: Clock): Notifier {
  const server = new URL(t.url.endsWith('/') ? t.url : `${t.url}/`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (t.token) headers.authorization = `Bearer ${t.token}`;
  else if (t.username) {
    headers.authorization = `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
  }
  return {
    name: t.name,
    type: 'ntfy',
    async send(d: Delivery, signal: AbortSignal): Promise<undefined> {
      const m = ntfyMessage(t, d.content);
      // Field names of ntfy's JSON publishing API.
      const payload = {
        topic: m.topic,
        title: m.title,
        message: m.message,
        priority: m.priority,
        tags: m.tags,
        markdown: m.markdown,
        click: m.clickURL,
        actions: m.actions?.map((a) => ({ action: a.type, label: a.label, url: 'url' in a ? a.url : undefined })),
      };
      const res = await send(server, {
        headers: { ...headers, 'x-arrgus-delivery': d.id },
        body: JSON.stringify(payload),
        signal,
        verifyTls: t.verifyTls,
        now: clock.now(),
      });
      if (res.status >= 200 && res.status < 300) return undefined;
      throw failFromStatus('ntfy', res, clock.now(), jsonErrorText(res.text, 'error'));
    },
  };
}

function truncateBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let cut = s.slice(0, max);
  while (Buffer.byteLength(cut) > max - 3) cut = cut.slice(0, -16);
  return `${cut}…`;
}
