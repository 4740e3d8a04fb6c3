/**
 * The channels, listed once (house rule 3): a target's `type` picks its notifier. Also registers the secrets that sit
 * where the configuration loader does not look (tokens inside webhook URL paths, custom header values).
 */
import type { NotifyTarget } from '../config/notify.ts';
import type { Clock } from '../core/clock.ts';
import { registerCredentials, registerSecret, registerUrlSecrets } from '../core/redact.ts';
import { createDiscord } from './discord.ts';
import { createEmail } from './email.ts';
import { createGotify } from './gotify.ts';
import { createNtfy } from './ntfy.ts';
import { createSlack } from './slack.ts';
import type { Notifier } from './types.ts';
import { createWebhook } from './webhook.ts';

export function createNotifier(t: NotifyTarget, clock: Clock): Notifier {
  registerTargetSecrets(t);
  switch (t.type) {
    case 'ntfy':
      return createNtfy(t, clock);
    case 'gotify':
      return createGotify(t, clock);
    case 'email':
      return createEmail(t, t.timeout);
    case 'discord':
      return createDiscord(t, clock);
    case 'slack':
      return createSlack(t, clock);
    case 'webhook':
      return createWebhook(t, clock);
  }
}

export function registerTargetSecrets(t: NotifyTarget): void {
  if (t.type === 'discord' || t.type === 'slack') {
    // The path after the id is the webhook's credential: .../webhooks/ID/TOKEN, .../services/T/B/SECRET.
    const parts = new URL(t.webhookUrl).pathname.split('/').filter(Boolean);
    registerSecret(parts.at(-1));
    registerSecret(t.webhookUrl);
  }
  if (t.type === 'webhook') {
    for (const v of Object.values(t.headers ?? {})) registerSecret(v);
    registerCredentials(t.username, t.password);
  }
  // Tokens inside any target's URL (`/hook/<token>`, `?token=`, user info) come back in error replies.
  if ('url' in t && typeof t.url === 'string') registerUrlSecrets(t.url);
  if (t.type === 'ntfy' || t.type === 'email') registerCredentials(t.username, t.password);
  if (t.type === 'ntfy' || t.type === 'gotify') registerSecret(t.token);
}
