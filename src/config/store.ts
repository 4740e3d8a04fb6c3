/** The `store` section: the log store's retention, size cap and write queue. */
import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { duration } from './duration-field.ts';

/** How long lines of each level are kept. */
export const levelRetentionSchema = z
  .strictObject({
    trace: duration('30d').describe('Keep TRACE/VERBOSE lines this long.'),
    debug: duration('30d').describe('Keep DEBUG lines this long.'),
    info: duration('30d').describe('Keep INFO lines this long.'),
    warn: duration('90d').describe('Keep WARN lines this long.'),
    error: duration('90d').describe('Keep ERROR lines this long.'),
    fatal: duration('90d').describe('Keep FATAL lines this long.'),
  })
  .describe('How long stored lines are kept, per level. Issues, their samples and statistics outlive their lines.');

const optionalDuration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration like 30s, 5m, 24h or 7d' });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

/** A source's own retention: levels given here override `store.retention`. */
export const sourceRetentionSchema = z
  .strictObject({
    trace: optionalDuration.describe('Keep TRACE lines of this source this long.'),
    debug: optionalDuration.describe('Keep DEBUG lines of this source this long.'),
    info: optionalDuration.describe('Keep INFO lines of this source this long.'),
    warn: optionalDuration.describe('Keep WARN lines of this source this long.'),
    error: optionalDuration.describe('Keep ERROR lines of this source this long.'),
    fatal: optionalDuration.describe('Keep FATAL lines of this source this long.'),
  })
  .describe("This source's retention per level (overrides `store.retention`).");

export const storeSchema = z
  .strictObject({
    retention: levelRetentionSchema.prefault({}),
    maxBytes: z
      .number()
      .int()
      .min(16 * 1024 * 1024)
      .default(2 * 1024 * 1024 * 1024)
      .describe('Size cap of the log store in bytes; past it the oldest lines are deleted first.'),
    schedule: z
      .string()
      .min(9)
      .max(100)
      .default('30 3 * * *')
      .refine(
        (v) => {
          try {
            new Cron(v, { paused: true }).stop();
            return true;
          } catch {
            // croner throws on a pattern it cannot read: that is the answer, not an error to report here.
            return false;
          }
        },
        { message: 'expected a cron pattern like "30 3 * * *"' },
      )
      .describe('When retention runs (cron, local time); it also runs at start when a run is overdue.'),
    maxQueued: z
      .number()
      .int()
      .min(1000)
      .max(1_000_000)
      .default(20_000)
      .describe(
        'Records waiting for a slow disk past which new ones are not stored (counted and reported); tailing never waits.',
      ),
  })
  .describe('The log store (full-text search over every line).');
