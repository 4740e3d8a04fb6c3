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
import { RecentCache } from './recent-cache.ts';

/** Messages are cut before normalising: a template is decided by its start; giant HTML bodies cost nothing extra. */
const MAX_INPUT = 600;
/** Entries of the raw-input cache (the template and shape caches hold four times as many). */
const CACHE_MAX = 512;

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

/** The normalising patterns, for tests that hold them to what the caches assume. */
export const NORMALIZE_PATTERNS: readonly RegExp[] = STEPS.map(([re]) => re);

export function normalizeMessage(message: string): string {
  let s = message.length > MAX_INPUT ? message.slice(0, MAX_INPUT) : message;
  for (const [re, rep, needs] of STEPS) if (mayMatch(s, needs)) s = s.replace(re, rep);
  return s.replace(/\s+/g, ' ').trim();
}

/** Cheap pre-check: a pattern can only match when the text has one of these characters (empty: always try). */
export function mayMatch(s: string, needs: string): boolean {
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

/**
 * Fingerprints are cached under the message's digit shape: its digits 1-9 all written `1` (`0` kept, for `0x`).
 * Messages of one template differ mostly in their numbers, so they share a shape, and normalising (a dozen regex
 * passes) costs far more than a map lookup. Sound because no normalising step tells the digits 1-9 apart (they only
 * appear in its classes: `\d`, `[0-9a-f]`, `\w`; fingerprint.test.ts holds the patterns to that) and every
 * replacement is a constant: two messages of one shape get their placeholders in the same places and differ only in
 * the digits 1-9 that survive. When any survive (`h264`, `libcuda.so.1`), the shape says nothing, and the fingerprint
 * is cached under the exact message instead. Keys are never built by concatenation.
 */
const byShape = new RecentCache<CacheEntry[]>(CACHE_MAX * 4);
const byMessage = new RecentCache<CacheEntry[]>(CACHE_MAX);
/** Hashes per normalised template: values vary, templates repeat. */
const byTemplate = new RecentCache<string>(CACHE_MAX * 4);
const DIGITS_1_9 = /[1-9]/g;
const HAS_DIGIT_1_9 = /[1-9]/;
/** A message (or logger) seen with more app/rule/logger/exception combinations than this keeps its latest ones. */
const ENTRIES_MAX = 4;

/** A cached fingerprint and what it was computed from. */
export interface FingerprintEntry {
  readonly app: string;
  readonly ruleId: string;
  readonly logger: string;
  readonly exceptionType: string;
  readonly fp: string;
  /** Every message of the same digit shape (and the same other inputs) has this fingerprint. */
  readonly shaped: boolean;
}

type CacheEntry = FingerprintEntry;

function lookup(entries: CacheEntry[] | undefined, app: string, ruleId: string, logger: string, exType: string) {
  if (entries)
    for (const e of entries)
      if (e.app === app && e.ruleId === ruleId && e.logger === logger && e.exceptionType === exType) return e;
  return undefined;
}

function remember(cache: RecentCache<CacheEntry[]>, key: string, entry: CacheEntry): void {
  const entries = cache.get(key);
  if (!entries) cache.set(key, [entry]);
  else {
    if (entries.length >= ENTRIES_MAX) entries.shift();
    entries.push(entry);
  }
}

/** A 16-hex-digit fingerprint (64 bits of SHA-1: collisions are not a concern at a few thousand issues). */
export function fingerprint(input: FingerprintInput): string {
  return fingerprintEntry(input).fp;
}

/** The fingerprint, and whether it holds for every message of the same digit shape (`shaped`). */
export function fingerprintEntry(input: FingerprintInput): FingerprintEntry {
  const message = input.message.length > MAX_INPUT ? input.message.slice(0, MAX_INPUT) : input.message;
  const { app } = input;
  const ruleId = input.ruleId ?? '';
  const logger = input.logger ?? '';
  const exType = input.exceptionType ?? '';
  const sh = message.replace(DIGITS_1_9, '1');
  const hit =
    lookup(byShape.get(sh), app, ruleId, logger, exType) ?? lookup(byMessage.get(message), app, ruleId, logger, exType);
  if (hit !== undefined) return hit;
  const normalized = normalizeMessage(message);
  const parts = templateParts(input, normalized);
  const template = parts.join('\u0000');
  let fp = byTemplate.get(template);
  if (!fp) {
    fp = hashParts(parts);
    byTemplate.set(template, fp);
  }
  const shaped = !HAS_DIGIT_1_9.test(normalized);
  const entry: CacheEntry = { app, ruleId, logger, exceptionType: exType, fp, shaped };
  if (shaped) remember(byShape, sh, entry);
  else remember(byMessage, message, entry);
  return entry;
}

/** The fingerprint computed from scratch, bypassing every cache (tests hold the cached path to it). */
export function fingerprintUncached(input: FingerprintInput): string {
  return hashParts(templateParts(input, normalizeMessage(input.message)));
}

function templateParts(input: FingerprintInput, normalizedMessage: string): string[] {
  const parts = [input.app];
  if (input.ruleId) parts.push(`rule:${input.ruleId}`);
  parts.push(normalizeLogger(input.logger), input.exceptionType ?? '', normalizedMessage);
  return parts;
}

/** Rule fingerprints never change: computed once per rule and app (rule → app → fingerprint). */
const byRule = new Map<string, Map<string, string>>();

/** Fingerprint of every match of a rule within an app (rules with `group: 'rule'`). */
export function ruleFingerprint(app: string, ruleId: string): string {
  let apps = byRule.get(ruleId);
  if (!apps) {
    apps = new Map();
    byRule.set(ruleId, apps);
  }
  let fp = apps.get(app);
  if (!fp) {
    fp = hashParts([app, 'rule', ruleId]);
    apps.set(app, fp);
  }
  return fp;
}

/** Fingerprint of an externally reported problem (API health item). */
export function externalFingerprint(source: string, key: string): string {
  return hashParts([source, 'external', key]);
}

function hashParts(parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
