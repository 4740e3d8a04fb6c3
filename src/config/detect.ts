/**
 * The `detect` and `alerts` sections. Owned by the detection room (src/detect/). User rules share the schema of the
 * built-in library (src/detect/rules/): a regex that does not compile is a configuration error naming the rule.
 */
import { z } from 'zod';
import { LEVELS, SEVERITIES } from '../core/types.ts';
import { parseDuration } from './duration.ts';
import { duration } from './duration-field.ts';

/** A duration without default: unset stays unset (overrides fall back to the section's value). */
function optionalDuration() {
  return z
    .union([z.string(), z.number()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const ms = parseDuration(v);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration like 30s, 5m, 24h or 7d' });
        return z.NEVER;
      }
      return ms;
    });
}

/** Categories of the built-in library; user rules may name their own (lowercase words). */
export const CATEGORIES = [
  'playback',
  'transcode',
  'database',
  'network',
  'auth',
  'metadata',
  'disk',
  'indexer',
  'download-client',
  'import',
  'crash',
  'connectivity',
  'uncategorized',
] as const;

const MATCH_FIELDS = ['message', 'logger', 'exceptionType', 'exceptionMessage', 'text'] as const;

const regexText = z.string().min(1).describe('A JavaScript regular expression (without slashes).');

export const ruleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'expected a lowercase id like my.rule-name')
      .describe('Unique rule id; shown on issues and used by overrides.'),
    apps: z.array(z.string().min(1)).optional().describe('Apps the rule applies to; all apps when unset.'),
    minLevel: z.enum(LEVELS).default('warn').describe('Lowest record level the rule looks at.'),
    message: regexText.optional().describe('Must match the parsed message (never the raw line).'),
    logger: regexText.optional().describe('Must match the logger / component.'),
    exceptionType: regexText.optional().describe('Must match the exception type.'),
    exceptionMessage: regexText.optional().describe('Must match the exception message.'),
    text: regexText
      .optional()
      .describe('Must match the message, the exception type or the exception message (any of them).'),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'expected regex flags among i, m, s, u')
      .default('i')
      .describe('Flags for every pattern of the rule.'),
    category: z
      .string()
      .regex(/^[a-z][a-z-]{1,31}$/)
      .describe(`Category: ${CATEGORIES.join(', ')} or your own.`),
    severity: z.enum(SEVERITIES).describe('How bad a match is.'),
    title: z
      .string()
      .min(1)
      .max(200)
      .describe('Issue title; `{1}`, `{name}` insert captured groups, `{app}` the app name.'),
    group: z
      .enum(['message', 'rule'])
      .default('message')
      .describe('`message`: one issue per message template; `rule`: one issue per rule and app.'),
  })
  .superRefine((rule, ctx) => {
    if (!MATCH_FIELDS.some((f) => rule[f] !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `expected at least one of ${MATCH_FIELDS.join(', ')}` });
    }
    for (const f of MATCH_FIELDS) {
      const src = rule[f];
      if (src === undefined) continue;
      try {
        new RegExp(src, rule.flags);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          path: [f],
          message: `expected a valid regular expression in rule "${rule.id}" (${(err as Error).message})`,
        });
      }
    }
  });

export type RuleConfig = z.infer<typeof ruleSchema>;

const ruleOverrideSchema = z.strictObject({
  enabled: z.boolean().optional().describe('false switches the rule off.'),
  severity: z.enum(SEVERITIES).optional().describe('Replaces the rule severity.'),
  minLevel: z.enum(LEVELS).optional().describe('Replaces the rule minimum level.'),
});

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
    unmatchedWarnings: z
      .boolean()
      .default(true)
      .describe(
        'WARN records that match no rule also become issues (low severity, categorised by the other layers); they never raise an alert by themselves.',
      ),
    uncategorizedWarnings: z
      .boolean()
      .default(false)
      .describe(
        'WARN records that nothing categorises (no rule, exception, component, code or keyword) also become issues; by default they are only stored and counted, as apps warn about much that is harmless.',
      ),
    autoResolve: duration('24h').describe('An issue quiet for this long resolves itself.'),
    incidentWindow: duration('2m').describe(
      'Issues of different sources starting this close together form one incident.',
    ),
    rules: z
      .array(ruleSchema)
      .default([])
      .describe('Your own rules, same schema as the built-in ones; checked before them.')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((r, i) => {
          if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'expected a unique rule id' });
          seen.add(r.id);
        });
      }),
    ruleOverrides: z
      .record(z.string(), ruleOverrideSchema)
      .default({})
      .describe('Per rule id: switch off, change severity or minimum level.'),
    samples: z.number().int().min(1).max(50).default(10).describe('Recent records kept per issue.'),
    retention: z
      .strictObject({
        resolvedAge: duration('30d').describe('Resolved issues older than this are forgotten.'),
        maxIssues: z.number().int().min(10).default(2000).describe('Issues kept at most (oldest resolved go first).'),
        maxIncidents: z.number().int().min(1).default(200).describe('Incidents kept at most.'),
      })
      .prefault({})
      .describe('How much history the state file keeps.'),
  })
  .describe('Detection.');

const alertOverrideSchema = z.strictObject({
  enabled: z.boolean().optional().describe('false: never alert for this rule or source.'),
  threshold: z.number().int().min(1).optional().describe('Occurrences within `window` that fire an alert.'),
  window: optionalDuration().describe('Sliding window the threshold counts in.'),
  cooldown: optionalDuration().describe('Quiet time after an alert.'),
  silentAfter: optionalDuration().describe('Source only: alert when it writes nothing for this long (0: never).'),
});

export const alertsSchema = z
  .strictObject({
    threshold: z.number().int().min(1).default(5).describe('Occurrences within `window` that fire an alert.'),
    window: duration('5m').describe('Sliding window the threshold counts in.'),
    cooldown: duration('15m').describe(
      'After an alert, the same key stays quiet this long; suppressed occurrences are counted.',
    ),
    key: z
      .enum(['issue', 'rule', 'category'])
      .default('issue')
      .describe('What the threshold counts: each issue, each rule, or each category per source.'),
    minLevel: z
      .enum(['info', 'warn', 'error', 'fatal'])
      .default('warn')
      .describe('Lowest record level that counts towards an alert (DEBUG and TRACE never do).'),
    maxAge: duration('1h').describe(
      'Records older than this (backfill, replaying old files, catching up after downtime) build issues and statistics but never raise alerts or notifications; 0 switches the check off.',
    ),
    silentAfter: duration('0').describe(
      'A source that writes nothing for this long raises a `silent` alert; 0 (the default) switches it off.',
    ),
    rules: z.record(z.string(), alertOverrideSchema).default({}).describe('Overrides per rule id.'),
    sources: z.record(z.string(), alertOverrideSchema).default({}).describe('Overrides per source name.'),
  })
  .describe('Alerts.');
