/**
 * The redaction boundary. Everything that leaves the process — Arrgus's own log, API answers, MQTT payloads,
 * notifications and the delivery log, stored records and the state file, configuration errors, LLM prompts — passes
 * through `redact` (or `redactDeep` for structured values) first. Two layers:
 *
 * 1. Values registered from the configuration (API keys, tokens, passwords, webhook secrets, secrets inside URLs) are
 *    masked wherever they appear, in every encoding Arrgus or an app may print them in: raw, URL-encoded (upper and
 *    lower case hex), JSON-escaped, base64 / base64url of the value, and base64 of `user:pass` (HTTP Basic, MQTT) and
 *    of `\0user\0pass` (SMTP AUTH PLAIN).
 * 2. The catalogue of secret shapes below (`SHAPES`) is masked even when nobody registered the value: what apps and
 *    HTTP libraries are known to print. Each shape names itself and carries an example that the tests plant and
 *    assert masked, so the catalogue and its proof cannot drift apart.
 *
 * Secrets shorter than `MIN_SECRET_LENGTH` cannot be masked everywhere without destroying ordinary text; the schema
 * refuses them (`secretString` in src/config), and the shapes still mask any value written after a secret's name.
 */

export const MASK = '[redacted]';

/** Shortest secret the configuration accepts, and the shortest value masked wherever it appears. */
export const MIN_SECRET_LENGTH = 4;

/** Every registered secret in every encoding, longest first when masking (an encoding may contain the raw value). */
const known = new Set<string>();
let ordered: string[] = [];

function add(v: string): void {
  if (v.length < MIN_SECRET_LENGTH || known.has(v)) return;
  known.add(v);
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** The encodings a secret may be printed in. */
export function secretEncodings(value: string): string[] {
  const out = new Set<string>([value]);
  const url = encodeURIComponent(value);
  out.add(url);
  out.add(url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  out.add(encodeURIComponent(url));
  out.add(url.replace(/%20/g, '+'));
  out.add(JSON.stringify(value).slice(1, -1));
  if (value.length >= 6) {
    const b64 = Buffer.from(value).toString('base64');
    out.add(b64);
    out.add(b64.replace(/=+$/, ''));
    out.add(Buffer.from(value).toString('base64url'));
  }
  return [...out];
}

/** Registers a secret value from the configuration so it is masked everywhere, in every encoding. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  for (const v of secretEncodings(value)) add(v);
}

/**
 * Registers a user name and password pair: the password itself, and the base64 forms that carry both (HTTP Basic
 * `user:pass`, SMTP AUTH PLAIN `\0user\0pass`), which never contain the password in clear.
 */
export function registerCredentials(user: string | undefined | null, password: string | undefined | null): void {
  registerSecret(password);
  if (!user || !password) return;
  for (const pair of [`${user}:${password}`, `\0${user}\0${password}`]) {
    const b64 = Buffer.from(pair).toString('base64');
    add(b64);
    add(b64.replace(/=+$/, ''));
  }
}

/**
 * Registers what is secret in a URL: the password of its user info (with the base64 of `user:pass`), the values of
 * query parameters named like secrets, and path segments that look like credentials (webhook tokens such as
 * `/hook/<token>`, Discord `/webhooks/ID/TOKEN`, Slack `/services/T/B/SECRET`). Unparsable URLs register as a whole.
 */
export function registerUrlSecrets(raw: string | undefined | null): void {
  if (!raw) return;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    registerSecret(raw);
    return;
  }
  if (url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    registerCredentials(user, pass);
  } else if (url.username.length >= 16) registerSecret(decodeURIComponent(url.username));
  for (const [k, v] of url.searchParams) if (SECRET_NAME_ONLY.test(k)) registerSecret(v);
  for (const seg of url.pathname.split('/')) {
    const s = safeDecode(seg);
    if (looksLikeCredential(s)) registerSecret(s);
  }
}

/** A path segment that is a credential rather than a word: long, and mixing letters with digits (or very long). */
export function looksLikeCredential(s: string): boolean {
  if (s.length >= 32) return /^[\w.~+=-]+$/.test(s);
  return s.length >= 12 && /[A-Za-z]/.test(s) && /\d/.test(s) && /^[\w.~+=-]+$/.test(s);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Test helper: forget registered secrets. */
export function clearSecrets(): void {
  known.clear();
  ordered = [];
}

/**
 * Names under which apps and libraries write secrets, as a regex source: a name *ending* in one of these words (so
 * `X-Plex-Token`, `plexToken`, `access_token`, `client_secret`, `X-Api-Key`, `passkey`, `passphrase` all count, and
 * `tokenizer` does not).
 */
const SECRET_WORDS =
  '(?:passw(?:or)?d|passphrase|passkey|pwd|secret|token|api[_-]?key|apikey|auth[_-]?key|access[_-]?key|private[_-]?key|client[_-]?key|credentials?|signature|auth)';
/** Names that are secrets only on their own (`sid`, not `GoodreadsId`). */
const SECRET_ALONE = '(?:sid|sessid|phpsessid|jsessionid|pass|pw)';
const SECRET_NAME = `(?:[A-Za-z0-9_.-]*?${SECRET_WORDS}|${SECRET_ALONE})`;
/** How every secret name ends (a shape's `need`: no name without one of these words). */
const SECRET_WORD_OR_ALONE = `(?:${SECRET_WORDS}|${SECRET_ALONE})`;
const SECRET_NAME_ONLY = new RegExp(`^${SECRET_NAME}$`, 'i');

/** What `redact` leaves: the prefix, then the mask (keeping quotes around a quoted value). */
function maskValue(_m: string, prefix: string, value: string): string {
  if (value.startsWith('\\"')) return `${prefix}\\"${MASK}\\"`;
  if (value.startsWith('"')) return `${prefix}"${MASK}"`;
  if (value.startsWith("'")) return `${prefix}'${MASK}'`;
  return `${prefix}${MASK}`;
}

export interface SecretShape {
  /** What the shape is, for the catalogue. */
  name: string;
  re: RegExp;
  /**
   * What every match of `re` contains, as a cheap test: a text `need` does not match cannot match `re`, so the shape
   * is skipped. No anchors, word boundaries or lookarounds (a text's part cannot match where the whole does not);
   * proven against `re` by the tests (catalogue, planted corpus, generated texts).
   */
  need: RegExp;
  replace: string | ((substring: string, ...args: string[]) => string);
  /** A line with this shape; its secret is `secret`, else the literal `PLANTED` (the tests check it is masked). */
  example: string;
  secret?: string;
}

/**
 * The catalogue of secret shapes, in the order they apply. Values already masked by an app (`(removed)` in the *arr
 * logs) or by an earlier shape (`[redacted]`) are left alone.
 */
export const SHAPES: readonly SecretShape[] = [
  {
    name: 'PEM private key block',
    re: /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: `-----BEGIN $1-----${MASK}-----END $1-----`,
    need: /PRIVATE KEY-----/,
    example: '-----BEGIN RSA PRIVATE KEY-----\nMIIPLANTED\n-----END RSA PRIVATE KEY-----',
  },
  {
    name: 'Cookie and Set-Cookie headers (every cookie value)',
    re: /\b((?:set-)?cookie2?\\?["']?\s*[:=]\s*\\?["']?)(?!\[redacted\])[^\r\n"'\\]+/gi,
    replace: `$1${MASK}`,
    need: /cookie2?\\?["']?\s*[:=]/i,
    example: 'Set-Cookie: SID=PLANTED; Path=/; HttpOnly',
  },
  {
    name: 'Authorization header with a scheme (Bearer, Basic, Token, Bot, ApiKey, Digest …), any case',
    re: /\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?(?:bearer|basic|token|bot|apikey|api-key|key|digest|negotiate|ntlm|oauth|sso-key|gitlab-token)\s+)(?!\[redacted\])[^\s"',;\\]+/gi,
    replace: `$1${MASK}`,
    need: /authorization\\?["']?\s*[:=]/i,
    example: 'Authorization: Token PLANTED',
  },
  {
    name: 'Authorization header without a scheme',
    re: /\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)(?!\[redacted\]|mediabrowser\b|emby\b|bearer\b|basic\b|token\b|bot\b|apikey\b|digest\b)[^\s"',;\\]+/gi,
    replace: `$1${MASK}`,
    need: /authorization\\?["']?\s*[:=]/i,
    example: 'authorization: PLANTED',
  },
  {
    name: 'Bearer credentials anywhere (curl lines, error echoes)',
    re: /\b(bearer\s+)(?!\[redacted\])(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/gi,
    replace: `$1${MASK}`,
    need: /bearer\s/i,
    example: 'curl -H "X-Foo: Bearer PLANTED1"',
  },
  {
    name: 'name=value, name: value and "name": "value" for secret names (query strings, forms, headers, JSON, YAML, MediaBrowser Token="…" in any position), also URL-encoded (%3D, %26)',
    re: new RegExp(
      `((?<![A-Za-z0-9_-])\\\\?["']?${SECRET_NAME}\\\\?["']?\\s*(?:=|%3D|:(?:(?<!(?:auth|sid|pass|pw):)|(?=\\s|\\\\?["'])))\\s*)(?!\\[redacted\\]|\\(removed\\)|\\\\?"\\[redacted\\]|'\\[redacted\\]|//)(\\\\"(?:[^"\\\\]|\\\\(?!"))*\\\\"|"(?:[^"\\\\]|\\\\.)*"|'[^']*'|(?:(?!%26)[^&\\s"'<>;,}\\]\\\\])+)`,
      'gi',
    ),
    replace: maskValue,
    need: new RegExp(`${SECRET_WORD_OR_ALONE}\\\\?["']?\\s*(?:=|%3D|:)`, 'i'),
    example: 'Authorization: MediaBrowser Token="PLANTED", Client="Jellyfin Web", Device="Firefox"',
  },
  {
    name: 'user:password@ in URLs, also URL-encoded',
    re: /((?:\b[a-z][a-z0-9+.-]*:\/\/|%3A%2F%2F)[^/\s:@%]*(?::|%3A))(?!\[redacted\])[^@\s/]+?(@|%40)/gi,
    replace: `$1${MASK}$2`,
    need: /(?::\/\/|%3A%2F%2F)[^/\s]*(?:@|%40)/i,
    example: 'connecting to mqtt://arrgus:PLANTED@broker:1883',
  },
  {
    name: 'Discord and Slack webhook credentials',
    re: /\b((?:discord(?:app)?\.com\/api\/webhooks\/\d+|hooks\.slack\.com\/services\/[A-Z0-9]+\/[A-Z0-9]+)\/)[\w-]+/gi,
    replace: `$1${MASK}`,
    need: /\.com\/api\/webhooks\/\d|hooks\.slack\.com\/services\//i,
    example: 'POST https://discord.com/api/webhooks/123456/PLANTED failed',
  },
  {
    name: 'Telegram bot tokens',
    re: /\b(bot)?\d{6,12}:[A-Za-z0-9_-]{30,}\b/g,
    replace: `$1${MASK}`,
    need: /\d:[\w-]{30}/,
    example: 'GET https://api.telegram.org/bot123456789:AAPLANTEDxxxxxxxxxxxxxxxxxxxxxxxxxx/sendMessage',
  },
  {
    name: 'Tracker passkeys in announce URLs (/PASSKEY/announce)',
    re: /(\/)[a-f0-9]{32}(\/announce)/gi,
    replace: `$1${MASK}$2`,
    need: /[a-f0-9]\/announce/i,
    example: 'Announce to https://tracker.example/0123456789abcdef0123456789abcdef/announce failed',
    secret: '0123456789abcdef0123456789abcdef',
  },
  {
    name: 'JSON Web Tokens',
    re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    replace: MASK,
    need: /eyJ[\w-]{8,}\./,
    example: 'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.PLANTED',
  },
  {
    name: 'Well-known token prefixes: ntfy tk_, GitHub gh?_, Slack xox?-, AWS AKIA',
    re: /\b(?:tk_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\b/g,
    replace: MASK,
    need: /tk_[A-Za-z0-9]{20}|gh[pousr]_[A-Za-z0-9]{30}|xox[abprs]-[A-Za-z0-9-]{10}|AKIA[0-9A-Z]{16}/,
    example: 'using tk_PLANTEDxxxxxxxxxxxxxxxxxxxxx',
  },
];

/**
 * One cheap test before the shapes: the union of their `need`s. A text it does not match holds no shape (each shape
 * needs its `need`), so most log text — `Signed-in Token (user)` included — is returned after this one regex.
 */
const MAYBE_SECRET = new RegExp(SHAPES.map((s) => `(?:${s.need.source})`).join('|'), 'i');

export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  if (!MAYBE_SECRET.test(out)) return out;
  for (const s of SHAPES) {
    // A shape whose `need` is absent cannot match: skip its (costlier) search.
    if (s.need.test(out)) out = out.replace(s.re, s.replace as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/** Test helper: every shape applied without the `need` tests (what `redact` must always equal). */
export function redactEveryShape(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const s of SHAPES) out = out.replace(s.re, s.replace as (substring: string, ...args: string[]) => string);
  return out;
}

/** Deep-redacts a JSON-like value: strings are redacted, keys that name secrets have their values masked. */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

const SECRET_KEY = new RegExp(`^(?:${SECRET_NAME}|authorization|cookie|set-cookie)$`, 'i');

/** Whether a field of this name holds a secret (`password`, `apiKey`, `plexToken`, `client_secret` …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function walk(v: unknown, key?: string): unknown {
  if (typeof v === 'string') return key && SECRET_KEY.test(key) && v !== '' ? MASK : redact(v);
  if ((typeof v === 'number' || typeof v === 'bigint') && key && SECRET_KEY.test(key)) return MASK;
  if (Array.isArray(v)) return v.map((x) => walk(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
    return out;
  }
  return v;
}

/**
 * Redacts a log record's text in place (message, raw, exception) before it is stored, printed or sampled: apps log
 * URLs with `X-Plex-Token=` or `api_key=` in clear. A field that is part of `raw` is clean when `raw` is (the `need`s
 * hold no anchors or boundaries: a part cannot match where the whole does not), so most records cost one regex test.
 */
export function redactRecord(rec: {
  message: string;
  raw: string;
  exception?: { message: string; stack?: string };
}): void {
  const raw = rec.raw;
  const rawClean = !MAYBE_SECRET.test(raw) && !containsKnown(raw);
  if (!rawClean) rec.raw = redact(raw);
  // A part of a clean raw is clean; anything else (a message the parser rebuilt or unescaped) is checked itself.
  const clean = (field: string) => rawClean && raw.includes(field);
  if (!clean(rec.message)) rec.message = redact(rec.message);
  if (rec.exception) {
    if (!clean(rec.exception.message)) rec.exception.message = redact(rec.exception.message);
    const stack = rec.exception.stack;
    if (stack !== undefined && !clean(stack)) rec.exception.stack = redact(stack);
  }
}

function containsKnown(text: string): boolean {
  for (const secret of ordered) if (text.includes(secret)) return true;
  return false;
}
