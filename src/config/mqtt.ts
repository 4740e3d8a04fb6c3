/** The `mqtt` and `homeassistant` sections. Owned by the MQTT room (src/mqtt/). */
import { z } from 'zod';

export const mqttSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Publish to MQTT.'),
    url: z
      .string()
      .optional()
      .describe('External broker (`mqtt://`, `mqtts://`, `ws://`, `wss://`). Unset: start the embedded broker.'),
    username: z.string().optional().describe('Broker user name.'),
    password: z.string().optional().describe('Broker password. Secret.'),
    baseTopic: z.string().default('arrgus').describe('Base topic of everything Arrgus publishes.'),
    embedded: z
      .strictObject({
        port: z.number().int().min(0).max(65_535).default(1883).describe('Port of the embedded broker.'),
        host: z.string().default('127.0.0.1').describe('Address the embedded broker listens on.'),
        allowAnonymous: z
          .boolean()
          .default(false)
          .describe('Allow clients without credentials when listening beyond loopback.'),
      })
      .prefault({})
      .describe('The embedded aedes broker.'),
  })
  .describe('MQTT.');

export const homeassistantSchema = z
  .strictObject({
    discovery: z.boolean().default(true).describe('Publish Home Assistant MQTT discovery.'),
    discoveryPrefix: z.string().default('homeassistant').describe('Home Assistant discovery prefix.'),
  })
  .describe('Home Assistant.');
