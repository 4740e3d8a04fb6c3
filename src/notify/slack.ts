/**
 * Slack incoming webhooks (https://api.slack.com/messaging/webhooks) with Block Kit: a header, the message, the facts
 * as fields, the sample as a code block and a button to the panel. `text` is the notification fallback. Slack
 * answers errors as plain text (`invalid_payload`, `no_service`, `channel_not_found` ...).
 */
import type { SlackTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import { clip } from './discord.ts';
import { failFromStatus, send } from './http.ts';
import type { Content, Delivery, Notifier } from './types.ts';

const EMOJI: Record<string, string> = {
  info: ':information_source:',
  low: ':information_source:',
  medium: ':warning:',
  high: ':warning:',
  critical: ':rotating_light:',
};

export function slackMessage(t: SlackTarget, c: Content): Record<string, unknown> {
  const emoji = c.kind === 'resolved' ? ':white_check_mark:' : (EMOJI[c.severity] ?? '');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(c.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${emoji} ${mrkdwn(c.message)}`, 3000) } },
  ];
  if (c.facts.length) {
    blocks.push({
      type: 'section',
      fields: c.facts
        .slice(0, 10)
        .map((f) => ({ type: 'mrkdwn', text: clip(`*${mrkdwn(f.label)}*\n${mrkdwn(f.value)}`, 2000) })),
    });
  }
  if (c.sample) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`\`\`\`${c.sample.replace(/```/g, "'''")}\`\`\``, 3000) },
    });
  }
  if (c.link) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Arrgus' }, url: c.link }],
    });
  }
  const out: Record<string, unknown> = { text: clip(`${c.title}: ${c.message}`, 3000), blocks };
  if (t.channel) out.channel = t.channel;
  if (t.username) out.username = t.username;
  return out;
}

export function createSlack(t: SlackTarget, clock: Clock): Notifier {
  const endpoint = new URL(t.webhookUrl);
  return {
    name: t.name,
    type: 'slack',
    async send(d: Delivery, signal: AbortSignal): Promise<undefined> {
      const res = await send(endpoint, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(t, d.content)),
        signal,
        verifyTls: t.verifyTls,
        now: clock.now(),
      });
      if (res.status >= 200 && res.status < 300) return undefined;
      throw failFromStatus('Slack', res, clock.now(), res.text.trim());
    },
  };
}

/** Slack's mrkdwn needs only &, < and > escaped. */
function mrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
