/**
 * The configuration schema: the single source of truth (house rule 2). Types come from `z.infer`, defaults live here,
 * every field has a description, unknown keys are errors that name the key. Sections live beside this file, one per
 * room, and are composed here.
 */
import { z } from 'zod';
import { alertsSchema, detectSchema } from './detect.ts';
import { ingestSchema } from './ingest.ts';
import { homeassistantSchema, mqttSchema } from './mqtt.ts';
import { notifySchema } from './notify.ts';
import { sourceSchema } from './sources.ts';
import { storeSchema } from './store.ts';
import { webSchema } from './web.ts';

export const configSchema = z
  .strictObject({
    dataDir: z.string().min(1).default('./data').describe('Where state lives (checkpoints, issues, outbox).'),
    instanceId: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/, 'expected 1-32 lowercase letters, digits, dash or underscore')
      .optional()
      .describe('Stable id of this Arrgus instance (MQTT ids); generated and kept in dataDir when unset.'),
    log: z
      .strictObject({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe("Arrgus's own log level."),
        format: z.enum(['text', 'json']).default('text').describe("Arrgus's own log format."),
      })
      .prefault({})
      .describe("Arrgus's own log."),
    sources: z
      .array(sourceSchema)
      .default([])
      .describe('Log sources. Empty: look in the default log locations of every app.')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          const key = s.name.toLowerCase();
          if (seen.has(key)) {
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'expected a name no other source has' });
          }
          seen.add(key);
        });
      }),
    ingest: ingestSchema.prefault({}),
    store: storeSchema.prefault({}),
    web: webSchema.prefault({}),
    detect: detectSchema.prefault({}),
    alerts: alertsSchema.prefault({}),
    mqtt: mqttSchema.prefault({}),
    homeassistant: homeassistantSchema.prefault({}),
    notify: notifySchema,
  })
  .describe('Arrgus configuration.');

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
