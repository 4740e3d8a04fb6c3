/** The `mqtt` and `homeassistant` sections. Owned by the MQTT room (src/mqtt/). */

import { z } from 'zod';
import { MIN_SECRET_LENGTH } from '../core/redact.ts';
import { duration } from './duration-field.ts';
import { secretString } from './secret.ts';

export const mqttTlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional().describe('Path of a PEM file with the CA that signed the broker certificate.'),
    cert: z.string().min(1).optional().describe('Path of a PEM client certificate (mutual TLS).'),
    key: z.string().min(1).optional().describe('Path of the PEM private key of the client certificate. Secret file.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe("Verify the broker's certificate; set false only for a self-signed broker you trust."),
    servername: z.string().optional().describe('Server name (SNI) to verify when it differs from the URL host.'),
  })
  .describe('TLS options for `mqtts://` and `wss://` brokers.');

export const mqttSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Publish to MQTT.'),
    url: z
      .string()
      .regex(/^(?:mqtts?|wss?):\/\/[^\s]+$/, 'expected a URL starting with mqtt://, mqtts://, ws:// or wss://')
      .refine(
        (url) => urlPassword(url) === undefined || (urlPassword(url) as string).length >= MIN_SECRET_LENGTH,
        `expected a password of at least ${MIN_SECRET_LENGTH} characters after the user name (a shorter one cannot be masked in logs); or leave it out and set mqtt.password`,
      )
      .optional()
      .describe(
        'External broker (`mqtt://`, `mqtts://`, `ws://`, `wss://`). Unset: the Home Assistant Supervisor broker in the add-on, else the embedded broker.',
      ),
    username: z.string().optional().describe('Broker user name (also required by the embedded broker when set).'),
    password: secretString().optional().describe('Broker password. Secret.'),
    clientId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('MQTT client id; default `arrgus_<instanceId>`. Two clients with one id disconnect each other.'),
    baseTopic: z
      .string()
      .min(1)
      .regex(/^[^#+\s]+$/, 'expected a topic without wildcards or spaces')
      .refine((t) => !t.startsWith('/') && !t.endsWith('/'), 'expected no leading or trailing slash')
      .default('arrgus')
      .describe('Base topic of everything Arrgus publishes.'),
    keepalive: z.number().int().min(5).max(3600).default(60).describe('Keepalive in seconds.'),
    tls: mqttTlsSchema.prefault({}),
    reconnectMin: duration('1s').describe('First retry delay after the broker is lost; doubles up to reconnectMax.'),
    reconnectMax: duration('60s').describe('Longest delay between reconnection attempts.'),
    stateInterval: duration('30s').describe(
      'How often states are refreshed even without events (rolling counts, freshness).',
    ),
    minStateInterval: duration('1s').describe(
      'Shortest time between two publications of one state topic: bursts of changes are merged into one message.',
    ),
    eventBurst: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Events a source may publish at once before rate limiting merges the rest into summaries.'),
    eventsPerMinute: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Sustained events per minute per source; excess events are merged into one summary event per type.'),
    embedded: z
      .strictObject({
        port: z.number().int().min(0).max(65_535).default(1883).describe('Port of the embedded broker.'),
        host: z.string().default('127.0.0.1').describe('Address the embedded broker listens on.'),
        allowAnonymous: z
          .boolean()
          .default(false)
          .describe(
            "Allow clients without credentials when listening beyond loopback (they may read, not publish under Arrgus's topics).",
          ),
      })
      .prefault({})
      .describe('The embedded aedes broker.'),
  })
  .describe('MQTT.');

export const homeassistantSchema = z
  .strictObject({
    discovery: z
      .boolean()
      .default(true)
      .describe('Publish Home Assistant MQTT discovery. Turning it off removes the entities Arrgus created.'),
    discoveryPrefix: z
      .string()
      .min(1)
      .regex(/^[^#+\s]+$/, 'expected a topic without wildcards or spaces')
      .default('homeassistant')
      .describe('Home Assistant discovery prefix.'),
    statusTopic: z
      .string()
      .min(1)
      .optional()
      .describe("Home Assistant's birth topic; default `<discoveryPrefix>/status`."),
    privacy: z
      .boolean()
      .default(true)
      .describe(
        "Keep viewers' user names out of what Home Assistant records (playback trouble attributes, failed-playback events); false publishes them.",
      ),
    birthDelay: duration('5s').describe(
      'After Home Assistant announces itself, wait a random time up to this long before republishing (spreads load).',
    ),
  })
  .describe('Home Assistant.');

export type MqttConfig = z.infer<typeof mqttSchema>;
export type HomeAssistantConfig = z.infer<typeof homeassistantSchema>;

/** The password written in a URL's user info (`user:password@`), decoded; undefined when there is none. */
function urlPassword(url: string): string | undefined {
  const userinfo = /^[a-z]+:\/\/([^/?#@]*)@/i.exec(url)?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  if (userinfo === undefined || colon < 0) return undefined;
  const raw = userinfo.slice(colon + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
