/**
 * The `notify` section: notification targets. Owned by the notification room (src/notify/). A target is an object
 * discriminated by `type`, or `{ name, url }` with an Apprise-style URL (see apprise-url.ts) that is turned
 * into the object form before validation; routing fields may sit beside either form.
 */

import { z } from 'zod';
import { parseAppriseUrl } from './apprise-url.ts';
import { duration } from './duration-field.ts';
import { secretString } from './secret.ts';

/** What a notification is about (a target's `events` picks among them). */
export const NOTIFY_EVENT_KINDS = ['opened', 'regressed', 'alert', 'resolved', 'incident', 'silent'] as const;

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day like 22:00');

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    // RangeError: not a zone this runtime knows.
    return false;
  }
}

const routing = {
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][\w .-]*$/, 'expected letters, digits, space, dot, dash or underscore')
    .describe('Unique name of the target (logs, `arrgus notify-test NAME`, the delivery log).'),
  enabled: z.boolean().default(true).describe('Set false to keep a target configured but send nothing to it.'),
  minSeverity: severity.default('low').describe('Only notifications at least this severe are sent.'),
  sources: z
    .array(z.string().min(1))
    .optional()
    .describe('Only these sources or apps (e.g. `plex`, `sonarr-4k`). Unset: all.'),
  categories: z.array(z.string().min(1)).optional().describe('Only these issue categories. Unset: all.'),
  events: z
    .array(z.enum(NOTIFY_EVENT_KINDS))
    .min(1)
    .default(['alert', 'silent', 'incident', 'resolved'])
    .describe(
      'Which events: `opened`, `regressed` (issues), `alert`, `silent` (a source went quiet), `incident`, `resolved` (the end of any of the others this target hears about).',
    ),
  quietHours: z
    .strictObject({
      start: clockTime.describe('Start of the quiet period, local time (`22:00`).'),
      end: clockTime.describe('End of the quiet period, local time (`07:00`); may be on the next day.'),
      breakThrough: severity.default('critical').describe('Severity that is still sent during quiet hours.'),
      timezone: z
        .string()
        .refine(isZone, 'expected an IANA time zone like Europe/Paris')
        .optional()
        .describe('IANA zone of start/end; default: the process time zone.'),
    })
    .optional()
    .describe(
      'Hold back less severe notifications at night; they are summarised in one message when the quiet period ends.',
    ),
  template: z
    .strictObject({
      title: z.string().min(1).optional().describe('Title template, e.g. `[{{severity}}] {{source}}: {{title}}`.'),
      body: z
        .string()
        .min(1)
        .optional()
        .describe('Body template; placeholders as in the README (`{{message}}`, `{{link}}` ...).'),
    })
    .optional()
    .describe(
      'Replace the default title/body. Placeholders: title, message, severity, kind, source, app, category, count, impact, link, sample, duration, facts.',
    ),
  timeout: duration('10s').describe('A delivery without an answer after this long fails and is retried.'),
  retry: z
    .strictObject({
      initial: duration('5s').describe('First retry delay; doubles after each failure (with jitter).'),
      max: duration('10m').describe('Longest delay between retries.'),
    })
    .prefault({})
    .describe('Retry policy. Failed deliveries are retried until they succeed; only refused payloads are given up.'),
  maxQueue: z
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Pending deliveries kept per target; beyond it the oldest least severe are dropped (and counted).'),
  rateLimit: z
    .strictObject({
      max: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(10)
        .describe('Notifications sent within `window`; more are held and summarised.'),
      window: duration('10m').describe('The sliding window `max` counts in; 0 turns the limit off.'),
    })
    .prefault({})
    .describe(
      'Folds bursts: beyond `max` notifications within `window`, the rest are held and sent as one summary when the window has room again (mute and quiet-hours summaries count as one).',
    ),
  verifyTls: z.boolean().default(true).describe("Verify the server's TLS certificate; set false for self-signed ones."),
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const ntfyTarget = z.strictObject({
  type: z.literal('ntfy'),
  ...routing,
  url: httpUrl.default('https://ntfy.sh').describe('ntfy server.'),
  topic: z
    .string()
    .regex(/^[-_A-Za-z0-9]{1,64}$/, 'expected 1-64 letters, digits, - or _')
    .describe('Topic.'),
  token: secretString().optional().describe('Access token (`tk_...`). Secret.'),
  username: z.string().min(1).optional().describe('User name (with `password`).'),
  password: secretString().optional().describe('Password. Secret.'),
  priority: z.number().int().min(1).max(5).optional().describe('Fixed priority 1-5; default: from severity.'),
  tags: z.array(z.string().min(1)).optional().describe('Extra tags (emoji short codes work).'),
  click: httpUrl.optional().describe('Click URL; default: the issue in the panel.'),
  markdown: z.boolean().default(true).describe('Send the body as Markdown.'),
});

const gotifyTarget = z.strictObject({
  type: z.literal('gotify'),
  ...routing,
  url: httpUrl.describe('Gotify server, e.g. `https://gotify.example.com`.'),
  token: secretString().describe('Application token. Secret.'),
  priority: z.number().int().min(0).max(10).optional().describe('Fixed priority 0-10; default: from severity.'),
  markdown: z.boolean().default(true).describe('Render the body as Markdown in Gotify clients.'),
});

const emailTarget = z.strictObject({
  type: z.literal('email'),
  ...routing,
  host: z.string().min(1).describe('SMTP server.'),
  port: z.number().int().min(1).max(65_535).optional().describe('Default: 587 (starttls), 465 (tls), 25 (none).'),
  security: z
    .enum(['starttls', 'tls', 'none'])
    .default('starttls')
    .describe('`starttls` (required upgrade), `tls` (implicit TLS) or `none`.'),
  username: z.string().min(1).optional().describe('SMTP user; unset: no authentication.'),
  password: secretString().optional().describe('SMTP password. Secret.'),
  from: z.email().describe('Sender address.'),
  fromName: z.string().min(1).optional().describe('Sender display name.'),
  to: z.array(z.email()).min(1).describe('Recipients.'),
  cc: z.array(z.email()).optional().describe('Copy recipients.'),
  bcc: z.array(z.email()).optional().describe('Blind copy recipients.'),
});

const discordTarget = z.strictObject({
  type: z.literal('discord'),
  ...routing,
  webhookUrl: httpUrl.describe('Discord webhook URL (`https://discord.com/api/webhooks/ID/TOKEN`). Secret.'),
  username: z.string().min(1).max(80).optional().describe('Name shown for the webhook.'),
  avatarUrl: httpUrl.optional().describe('Avatar shown for the webhook.'),
});

const slackTarget = z.strictObject({
  type: z.literal('slack'),
  ...routing,
  webhookUrl: httpUrl.describe('Slack incoming webhook URL (`https://hooks.slack.com/services/...`). Secret.'),
  channel: z.string().min(1).optional().describe('Channel override (legacy webhooks only).'),
  username: z.string().min(1).optional().describe('Name shown (legacy webhooks only).'),
});

const webhookTarget = z.strictObject({
  type: z.literal('webhook'),
  ...routing,
  url: httpUrl.describe('Where the JSON is POSTed.'),
  method: z.enum(['POST', 'PUT']).default('POST').describe('HTTP method.'),
  headers: z.record(z.string(), z.string()).optional().describe('Extra headers (values are treated as secrets).'),
  username: z.string().min(1).optional().describe('Basic auth user.'),
  password: secretString().optional().describe('Basic auth password. Secret.'),
  payload: z
    .json()
    .optional()
    .describe(
      "Custom JSON body; strings may hold placeholders (`{{title}}`), and a string that is exactly `{{details}}` becomes the details object. Default: Sentarr's `{title, message, severity, timestamp, details}`.",
    ),
});

const typedTarget = z.discriminatedUnion('type', [
  ntfyTarget,
  gotifyTarget,
  emailTarget,
  discordTarget,
  slackTarget,
  webhookTarget,
]);

/** `{name, url}` (no `type`): the Apprise URL becomes the object form; explicit fields beside it win. */
function expandUrlForm(input: unknown, ctx: z.RefinementCtx): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const obj = input as Record<string, unknown>;
  if ('type' in obj || !('url' in obj)) return input;
  const name = typeof obj.name === 'string' && obj.name ? `"${obj.name}"` : '(unnamed)';
  if (typeof obj.url !== 'string') {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `expected a URL string for target ${name}` });
    return z.NEVER;
  }
  const parsed = parseAppriseUrl(obj.url);
  if (!parsed.ok) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: `expected a valid notification URL: target ${name}: ${parsed.problem}`,
    });
    return z.NEVER;
  }
  const { url: _url, ...rest } = obj;
  return { ...parsed.target, ...rest };
}

export const notifyTargetSchema = z
  .preprocess(expandUrlForm, typedTarget)
  .describe('A notification target: an object with `type`, or `{ name, url }` with an Apprise-style URL.');

export const notifySchema = z
  .array(notifyTargetSchema)
  .default([])
  .describe('Notification targets.')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const key = t.name.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `expected a name no other target has ("${t.name}" is used twice)`,
        });
      }
      seen.add(key);
    });
  });

export type NotifyTarget = z.infer<typeof notifyTargetSchema>;
export type NotifyTargetInput = z.input<typeof typedTarget>;
export type NtfyTarget = z.infer<typeof ntfyTarget>;
export type GotifyTarget = z.infer<typeof gotifyTarget>;
export type EmailTarget = z.infer<typeof emailTarget>;
export type DiscordTarget = z.infer<typeof discordTarget>;
export type SlackTarget = z.infer<typeof slackTarget>;
export type WebhookTarget = z.infer<typeof webhookTarget>;
