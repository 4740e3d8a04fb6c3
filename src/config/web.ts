/** The `web` section: the HTTP API (and later the panel). */

import { z } from 'zod';
import { httpUrl, MIN_OWN_SECRET_LENGTH, secretString } from './secret.ts';

export const webSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve the HTTP API.'),
    port: z.number().int().min(0).max(65_535).default(8099).describe('Port of the HTTP API and panel.'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'Address to listen on. Default: this machine only (the add-on listens on every address for ingress); set `0.0.0.0` with a `token` to open it to the network.',
      ),
    token: secretString(MIN_OWN_SECRET_LENGTH)
      .optional()
      .describe(
        'When set, every route but /api/health requires `Authorization: Bearer <token>`, and the panel asks for it on its login page (outside Home Assistant ingress). Secret.',
      ),
    ingestNewSources: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .describe(
        'How many source names that are not configured `/api/ingest` may create (each becomes a device with stats); 0: only configured sources and `http`.',
      ),
    testNotificationsPerMinute: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Test notifications the API sends per minute, over all targets; more get 429.'),
    ingestRequestsPerMinute: z
      .number()
      .int()
      .min(1)
      .default(600)
      .describe('`/api/ingest` requests accepted per minute; more get 429.'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024)
      .describe('Largest accepted request body; larger ones get 413.'),
    publicUrl: httpUrl()
      .optional()
      .describe('URL at which people reach the panel (links in notifications and Home Assistant).'),
    ingressProxies: z
      .array(z.string().min(1))
      .default(['172.30.32.2'])
      .describe(
        'Addresses of the Home Assistant ingress proxy (the Supervisor): only requests from them may set `X-Ingress-Path` and skip the panel login.',
      ),
    ingressOnly: z
      .boolean()
      .default(false)
      .describe(
        'Answer only the ingress proxy (plus /api/health, webhooks and bearer-token API calls). On by default in the Home Assistant add-on.',
      ),
  })
  .describe('HTTP API and panel.');
