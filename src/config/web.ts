/** The `web` section: the HTTP API (and later the panel). */
import { z } from 'zod';

export const webSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve the HTTP API.'),
    port: z.number().int().min(0).max(65_535).default(8099).describe('Port of the HTTP API and panel.'),
    host: z.string().default('0.0.0.0').describe('Address to listen on.'),
    token: z
      .string()
      .min(8)
      .optional()
      .describe(
        'When set, every route but /api/health requires `Authorization: Bearer <token>`, and the panel asks for it on its login page (outside Home Assistant ingress). Secret.',
      ),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024)
      .describe('Largest accepted request body; larger ones get 413.'),
    publicUrl: z
      .url()
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
