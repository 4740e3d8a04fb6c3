/** The zod field for durations (duration.ts parses them; kept apart so that parsing does not load zod). */
import { z } from 'zod';
import { parseDuration } from './duration.ts';

/** A zod field holding a duration, written as text or milliseconds, parsed to milliseconds. */
export function duration(defaultValue: string) {
  return z
    .union([z.string(), z.number()])
    .default(defaultValue)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration like 30s, 5m, 24h or 7d' });
        return z.NEVER;
      }
      return ms;
    });
}
