/** The `detect` and `alerts` sections. Owned by the detection room (src/detect/). */
import { z } from 'zod';
import { duration } from './duration.ts';

export const detectSchema = z
  .strictObject({
    monitorErrors: z
      .boolean()
      .default(true)
      .describe('ERROR and FATAL records become issues (Sentarr `MONITOR_ERRORS`).'),
    monitorWarnings: z
      .boolean()
      .default(true)
      .describe('WARN records that match a rule become issues (Sentarr `MONITOR_WARNINGS`).'),
    autoResolve: duration('24h').describe('An issue quiet for this long resolves itself.'),
    incidentWindow: duration('2m').describe(
      'Issues of different sources starting this close together form one incident.',
    ),
  })
  .describe('Detection.');

export const alertsSchema = z
  .strictObject({
    threshold: z.number().int().min(1).default(5).describe('Occurrences within `window` that fire an alert.'),
    window: duration('5m').describe('Sliding window the threshold counts in.'),
    cooldown: duration('15m').describe(
      'After an alert, the same key stays quiet this long; suppressed occurrences are counted.',
    ),
  })
  .describe('Alerts.');
