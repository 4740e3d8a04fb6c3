/**
 * Secret redaction. Every line Arrgus writes (its own log, API answers, notifications, MQTT payloads, LLM prompts)
 * passes through `redact` first. Two layers: values registered from the configuration (API keys, tokens, passwords)
 * are masked wherever they appear, and well-known secret shapes (Plex tokens in URLs, `apikey=`, bearer headers,
 * passwords in URLs) are masked even when nobody registered them.
 */

export const MASK = '[redacted]';

const known = new Set<string>();

/** Registers a secret value from the configuration so it is masked everywhere. Values under 4 chars are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) known.add(value);
}

/** Test helper: forget registered secrets. */
export function clearSecrets(): void {
  known.clear();
}

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // X-Plex-Token=..., api_key=..., apikey=..., token=..., access_token=..., password=... in query strings and forms.
  [
    /\b((?:x-plex-token|x-emby-token|x-mediabrowser-token|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|password|passwd|pwd|secret)=)(?!\(removed\)|\[redacted\])[^&\s"'<>]+/gi,
    `$1${MASK}`,
  ],
  // Header style: `X-Plex-Token: abc`, `X-Api-Key: abc`, `Authorization: Bearer abc`, JSON `"apiKey": "abc"`.
  [/\b(authorization["']?\s*[:=]\s*["']?(?:bearer|basic|mediabrowser)?\s*)(?!\[redacted\])[^\s"',}]+/gi, `$1${MASK}`],
  [
    /\b((?:x-plex-token|x-api-key|x-emby-token|api[_-]?key|apikey|token|password|secret)["']?\s*[:=]\s*["']?)(?!\[redacted\]|\(removed\))[^\s"',}&]{4,}/gi,
    `$1${MASK}`,
  ],
  // user:password@ in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, `$1${MASK}@`],
];

export function redact(text: string): string {
  // Every pattern below needs one of MAYBE_SECRET's words: most text is returned after one cheap test.
  if (!MAYBE_SECRET.test(text) && !containsKnown(text)) return text;
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

/** Deep-redacts a JSON-like value: strings are redacted, keys that name secrets have their values masked. */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

const SECRET_KEY = /^(?:password|passwd|pass|token|apikey|api_key|apiKey|secret|authorization|plexToken|accessToken)$/i;

function walk(v: unknown, key?: string): unknown {
  if (typeof v === 'string') return key && SECRET_KEY.test(key) && v !== '' ? MASK : redact(v);
  if (Array.isArray(v)) return v.map((x) => walk(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
    return out;
  }
  return v;
}

/** One cheap test before the full redaction: nothing in the text names a secret. */
const MAYBE_SECRET = /token|key|pass|secret|authori|pwd|:\/\/[^/\s]*@/i;

/**
 * Redacts a log record's text in place (message, raw, exception) before it is stored, printed or sampled: apps log
 * URLs with `X-Plex-Token=` or `api_key=` in clear. Records without a hint of a secret cost one regex test.
 */
export function redactRecord(rec: {
  message: string;
  raw: string;
  exception?: { message: string; stack?: string };
}): void {
  if (!MAYBE_SECRET.test(rec.raw) && !containsKnown(rec.raw)) return;
  rec.raw = redact(rec.raw);
  rec.message = redact(rec.message);
  if (rec.exception) {
    rec.exception.message = redact(rec.exception.message);
    if (rec.exception.stack !== undefined) rec.exception.stack = redact(rec.exception.stack);
  }
}

function containsKnown(text: string): boolean {
  for (const secret of known) if (text.includes(secret)) return true;
  return false;
}
