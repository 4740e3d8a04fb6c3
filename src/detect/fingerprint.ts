/**
 * Fingerprints: the identity of an issue. fingerprint = hash(app, logger, exception type, normalised message), where
 * normalising replaces everything that varies between occurrences of the same problem (ids, paths, addresses, times,
 * numbers, quoted values) with placeholders. Same template → same fingerprint, across restarts and rotated files,
 * because nothing here depends on state, file or time. The id of the rule that matched (if any) is part of the hash
 * too: `MyPlex: Error -6 …` (DNS) and `MyPlex: Error 401 …` (auth) share a template but are different problems.
 *
 * Hot path for error records: one pass per family of tokens, the message capped first, and a small cache of recent
 * raw inputs so a burst of identical lines hashes once.
 */
import { createHash } from 'node:crypto';

/** Messages are cut before normalising: a template is decided by its start; giant HTML bodies cost nothing extra. */
const MAX_INPUT = 600;

/**
 * Order matters: URLs before paths, timestamps before times and numbers, quoted strings and paths before the ids and
 * numbers inside them. Path segments between separators may contain spaces (media file names do), the last one only
 * up to a file extension.
 */
/** `[pattern, replacement, characters the text must contain for the pattern to possibly match]` */
const STEPS: ReadonlyArray<[RegExp, string, string]> = [
  // URLs (any scheme, IPv6 literal hosts too); NLog wraps them in brackets: [https://host/x?y=1]
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/(?:\[[0-9a-f:.]+\])?[^\s"'<>\])]*/gi, '<url>', '://'],
  [/\b[\w.+-]*[a-z][\w.+-]*@[\w-]+(?:\.[\w-]+)+\b/gi, '<email>', '@'],
  // Timestamps: ISO-ish dates with optional time and zone; US/EU dates with optional time.
  [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|\s?[+-]\d{2}:?\d{2})?)?|\b\d{1,2}\/\d{1,2}\/\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?/gi,
    '<ts>',
    '-/',
  ],
  // Quoted strings (an apostrophe inside a word, as in "couldn't", is not a quote).
  [/"[^"\n]*"|(?<![\w])'[^'\n]*'(?![\w])/g, '<str>', `"'`],
  // Windows paths (drive or UNC), then Unix paths starting at a separator that follows no word character.
  [
    /(?:\b[a-z]:|\\\\[\w.$-]+)\\(?:[^\\\n"<>|]*\\)*(?:[^\\\n"<>|]*\.\w{2,4}(?=$|[\s)"',;])|[^\s\\"'<>|:,()]*)/gi,
    '<path>',
    '\\',
  ],
  [
    /(?<![\w.~:/-])(?:~|\.{1,2})?\/(?:[^/\n"<>:]*\/)*(?:[^/\n"<>:]*\.[a-z]\w{1,3}(?=$|[\s)"',;])|[^\s/"'<>:,()[\]]*)/gi,
    '<path>',
    '/',
  ],
  // UUIDs with and without dashes, 0x… values, other hex ids (8+ chars with a digit and a letter).
  [/\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi, '<uuid>', ''],
  [/\b0x[0-9a-f]+\b/gi, '<hex>', '0x'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>', ''],
  // Request and connection ids: Plex `Req#1bee`, `HCl#5b`.
  [/#[0-9a-f]{1,8}\b/gi, '#<id>', '#'],
  // IPv4 and bracketed IPv6 with optional port, bare IPv6 (needs `::` or a hex letter in a group).
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<ip>', '.'],
  [/\[[0-9a-f]*:[0-9a-f:.]*\](?::\d{1,5})?/gi, '<ip>', '['],
  [/(?<![\w:])(?=[0-9a-f:]*(?:::|[a-f][0-9a-f]*:))(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, '<ip>', ':'],
  // Times of day and .NET/clock durations (00:00:00.0512253), then numbers with duration units.
  [/\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b/g, '<time>', ':'],
  [/\b\d+(?:\.\d+)?\s?(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)\b/gi, '<duration>', ''],
  // Any other number, signed or decimal, standing alone (not inside identifiers like h264 or v3.0.1).
  [/(?<![\w.])-?\d+(?:\.\d+)?\b/g, '<n>', ''],
];

export function normalizeMessage(message: string): string {
  let s = message.length > MAX_INPUT ? message.slice(0, MAX_INPUT) : message;
  for (const [re, rep, needs] of STEPS) if (mayMatch(s, needs)) s = s.replace(re, rep);
  return s.replace(/\s+/g, ' ').trim();
}

/** Cheap pre-check: a pattern can only match when the text has one of these characters (empty: always try). */
function mayMatch(s: string, needs: string): boolean {
  if (needs === '') return true;
  for (let i = 0; i < needs.length; i++) if (s.includes(needs[i] as string)) return true;
  return false;
}

/** Loggers sometimes carry connection ids (Emby `ImageService-0HNHJ4GLL15RV:00000006`): strip them. */
export function normalizeLogger(logger: string | undefined): string {
  if (!logger) return '';
  if (!/\d/.test(logger)) return logger;
  return logger.replace(/[-:#][0-9A-Z]{8,}(?::\d+)?$/, '').replace(/\d+/g, '<n>');
}

export interface FingerprintInput {
  app: string;
  logger?: string | undefined;
  exceptionType?: string | undefined;
  message: string;
  ruleId?: string | undefined;
}

const CACHE_MAX = 512;
const cache = new Map<string, string>();
const byTemplate = new Map<string, string>();

/** A 16-hex-digit fingerprint (64 bits of SHA-1: collisions are not a concern at a few thousand issues). */
export function fingerprint(input: FingerprintInput): string {
  const key = `${input.app}\u0000${input.ruleId ?? ''}\u0000${input.logger ?? ''}\u0000${input.exceptionType ?? ''}\u0000${input.message.length > MAX_INPUT ? input.message.slice(0, MAX_INPUT) : input.message}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parts = [input.app];
  if (input.ruleId) parts.push(`rule:${input.ruleId}`);
  parts.push(normalizeLogger(input.logger), input.exceptionType ?? '', normalizeMessage(input.message));
  const normalized = parts.join('\u0000');
  // Values vary, templates repeat: a second cache on the normalised form saves the hash.
  let fp = byTemplate.get(normalized);
  if (!fp) {
    fp = hashParts(parts);
    if (byTemplate.size >= CACHE_MAX * 4) byTemplate.delete(byTemplate.keys().next().value as string);
    byTemplate.set(normalized, fp);
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, fp);
  return fp;
}

/** Fingerprint of every match of a rule within an app (rules with `group: 'rule'`). */
export function ruleFingerprint(app: string, ruleId: string): string {
  return hashParts([app, 'rule', ruleId]);
}

/** Fingerprint of an externally reported problem (API health item). */
export function externalFingerprint(source: string, key: string): string {
  return hashParts([source, 'external', key]);
}

function hashParts(parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
