/**
 * Discord webhooks (https://discord.com/developers/docs/resources/webhook#execute-webhook): one embed, coloured by
 * severity, facts as fields. Discord's limits: title 256, description 4096, 25 fields of 256/1024 characters.
 * `?wait=true` makes Discord answer 200 with the message, so a refused payload is an error, not a silent 204.
 */
import type { DiscordTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import { failFromStatus, jsonErrorText, send } from './http.ts';
import { codeBlock } from './render.ts';
import { type Content, type Delivery, type Notifier, SEVERITY_COLOUR } from './types.ts';

const RESOLVED_COLOUR = 0x2ecc71;

export function discordMessage(t: DiscordTarget, c: Content): Record<string, unknown> {
  const description = [c.message, c.sample ? codeBlock(clip(c.sample, 3000)) : ''].filter(Boolean).join('\n\n');
  const embed: Record<string, unknown> = {
    title: clip(c.title, 256),
    description: clip(description, 4096),
    color: c.kind === 'resolved' ? RESOLVED_COLOUR : SEVERITY_COLOUR[c.severity],
    timestamp: new Date(c.at).toISOString(),
    fields: c.facts.slice(0, 25).map((f) => ({
      name: clip(f.label, 256),
      value: clip(f.value, 1024) || '-',
      inline: f.value.length < 40,
    })),
    footer: { text: 'Arrgus' },
  };
  if (c.link) embed.url = c.link;
  const out: Record<string, unknown> = { embeds: [embed], allowed_mentions: { parse: [] } };
  if (t.username) out.username = t.username;
  if (t.avatarUrl) out.avatar_url = t.avatarUrl;
  return out;
}

export function createDiscord(t: DiscordTarget, clock: Clock): Notifier {
  const endpoint = new URL(t.webhookUrl);
  endpoint.searchParams.set('wait', 'true');
  return {
    name: t.name,
    type: 'discord',
    async send(d: Delivery, signal: AbortSignal): Promise<undefined> {
      const res = await send(endpoint, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(discordMessage(t, d.content)),
        signal,
        verifyTls: t.verifyTls,
        now: clock.now(),
      });
      if (res.status >= 200 && res.status < 300) return undefined;
      // Discord: {"message": "Invalid Webhook Token", "code": 50027}; 429 bodies carry retry_after in seconds.
      const bodyRetry = res.status === 429 ? retryAfterBody(res.text) : undefined;
      throw failFromStatus('Discord', res, clock.now(), jsonErrorText(res.text, 'message'), bodyRetry);
    },
  };
}

/** Milliseconds from the 429 body's `retry_after` (seconds, fractional). */
function retryAfterBody(text: string): number | undefined {
  try {
    const v = (JSON.parse(text) as { retry_after?: unknown }).retry_after;
    return typeof v === 'number' ? Math.ceil(v * 1000) : undefined;
  } catch {
    return undefined;
  }
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
