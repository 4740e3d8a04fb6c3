/** The `sources` section: where log lines (and API data) come from. */

import { z } from 'zod';
import { APPS } from '../core/types.ts';
import { isValidZone } from '../core/zones.ts';
import { parseDuration } from './duration.ts';
import { duration } from './duration-field.ts';
import { httpUrl, MIN_OWN_SECRET_LENGTH, secretString } from './secret.ts';
import { sourceRetentionSchema } from './store.ts';

export const backfillSchema = z
  .union([z.literal('all'), z.literal('none'), z.string(), z.number()])
  .describe(
    'On first start, read this much of existing files: `all`, `none` (default: start at the end) or a duration.',
  )
  .transform((v, ctx): 'all' | number => {
    if (v === 'all') return 'all';
    if (v === 'none') return 0;
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'expected `all`, `none` or a duration like 6h' });
      return z.NEVER;
    }
    return ms;
  });

export const sourceSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][\w .-]*$/, 'expected letters, digits, space, dot, dash or underscore')
      .describe('Unique name of the source, shown everywhere (e.g. `plex`, `sonarr-4k`).'),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'expected 1-32 lowercase letters, digits, dash or underscore')
      .refine((v) => v !== 'bridge', 'expected an id other than `bridge` (the service itself)')
      .optional()
      .describe(
        'Stable id in MQTT topics and Home Assistant ids; default: derived from the name. Set it before renaming a source to keep its entities and history.',
      ),
    app: z.enum(APPS).describe('Which app writes these logs; `auto` detects it from the content.'),
    path: z
      .string()
      .min(1)
      .optional()
      .describe('A log directory, a file or a glob. Optional for sources that only have an API `url`.'),
    timezone: z
      .string()
      .refine(isValidZone, 'expected an IANA zone like Europe/Paris, UTC or an offset like +02:00')
      .optional()
      .describe(
        'IANA zone (e.g. `Europe/Paris`) or `UTC` for logs without an offset; default: announced by the log, else the process TZ.',
      ),
    backfill: backfillSchema.optional(),
    retention: sourceRetentionSchema.optional(),
    enabled: z.boolean().default(true).describe('Set false to keep a source configured but not followed.'),
    poll: z
      .boolean()
      .default(false)
      .describe('Follow files by polling instead of filesystem events (network shares, some Docker mounts).'),
    pollInterval: duration('1s').describe('How often to poll when `poll` is set.'),
    url: httpUrl()
      .optional()
      .describe('Base URL of the app for API polling (sessions, health), e.g. `http://plex:32400`.'),
    token: secretString().optional().describe('Plex token (`X-Plex-Token`). Secret: never logged.'),
    apiKey: secretString()
      .optional()
      .describe('API key of the app (Jellyfin, Emby, *arr, Bazarr, SABnzbd, Tautulli). Secret.'),
    username: z.string().optional().describe('User name for apps that log in (qBittorrent).'),
    password: secretString().optional().describe('Password for apps that log in (qBittorrent). Secret.'),
    verifyTls: z.boolean().default(true).describe("Verify the app's TLS certificate; set false for self-signed ones."),
    apiInterval: duration('30s').describe("How often to poll the app's API."),
    server: z
      .string()
      .optional()
      .describe('For a Tautulli source: the Plex source it watches (default: the first Plex source).'),
    webhookSecret: secretString(MIN_OWN_SECRET_LENGTH)
      .optional()
      .describe('Secret the app must send (query `token` or header `X-Arrgus-Token`) on its inbound webhook. Secret.'),
  })
  .describe('A log source.');

export type SourceConfig = z.infer<typeof sourceSchema>;
export type SourceInput = z.input<typeof sourceSchema>;
