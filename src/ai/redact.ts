/**
 * The AI redaction step: nothing leaves the process for a model without passing `AiRedactor.apply`. It builds on
 * core/redact.ts (registered configuration secrets, tokens and keys in URLs, headers, JSON) and adds what is fine in
 * our own log but not for a third party: e-mail addresses, public IP addresses, bearer/JWT/long random tokens, query
 * values that carry signatures or sessions, people's names in home paths, and the user names Arrgus knows (replaced
 * by stable pseudonyms, so the model can still tell users apart). Private addresses (LAN, loopback) stay: they are
 * what a network fault is about, and they name no one.
 */
import { createHash } from 'node:crypto';
import { MASK, redact } from '../core/redact.ts';
import type { Redacted } from './types.ts';

const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/g;
// Full and compressed IPv6 forms with at least two groups; a bare `::` or times like 12:30:45 do not match (hex
// groups need a letter or 4 digits or a `::`).
const IPV6 = /(?<![:\w])(?:[0-9a-f]{1,4}:){1,7}(?::|(?::[0-9a-f]{1,4}){1,6}|[0-9a-f]{1,4})(?![:\w])/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g;
const BEARER = /\b(bearer\s+)(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/gi;
// Query and form values whose name says they are a credential of some kind (core covers token/key/password).
const QUERY_SECRET =
  /([?&;](?:[a-z0-9_-]*(?:sig|signature|session|sess|auth|code|key|token|secret|pass|credential|cookie|ticket|nonce|hash)[a-z0-9_-]*)=)(?!\[redacted\])[^&\s"'<>#]+/gi;
// Long random-looking runs (Plex tokens are 20 chars; API keys 32 hex): letters and digits mixed, 20+ long. Paths,
// GUIDs with dashes and ordinary words have separators or no digits and survive.
const RANDOM = /(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_]*\d)(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{20,}(?![A-Za-z0-9_])/g;
// Key/value pairs inside JSON that is itself inside a JSON string (`{\"password\": \"x\"}`): the escaping hides
// them from core's patterns. Models echo such text back in a repair turn.
const ESCAPED_PAIR =
  /((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization)\\?["']?\s*[:=]\s*\\?["']?)(?!\[redacted\])[^\s"'\\,}&]{4,}/gi;
const HOME = /((?:\/home|\/Users|\/var\/home)\/|[A-Za-z]:\\+(?:Users|Documents and Settings)\\+)([^/\\\s"'<>:]+)/g;
const SHARED_HOME = new Set(['shared', 'public', 'default', 'all users', 'default user']);
// `user=bob`, `User: bob`, `username "bob"`: the name after a user key, whoever it is.
const USER_FIELD = /\b((?:user(?:name)?|login|account|owner)["']?\s*[:=]\s*["']?)([^\s"',;&)\]}]{2,64})/gi;

export interface AiRedactorOptions {
  /** Salt of the pseudonyms (the instance id): stable across runs, never sent. */
  salt: string;
}

export class AiRedactor {
  private readonly salt: string;
  private readonly names = new Map<string, string>();

  constructor(opts: AiRedactorOptions) {
    this.salt = opts.salt;
  }

  /** Registers people's names (issue users, session users) to be replaced by their pseudonym wherever they appear. */
  addPeople(names: Iterable<string>): void {
    for (const n of names) {
      const name = n.trim();
      if (name.length >= 2 && !this.names.has(name)) this.names.set(name, this.pseudonym(name));
    }
  }

  /** `user-1a2b3c`: the same name gives the same pseudonym on this instance. */
  pseudonym(name: string): string {
    return `user-${createHash('sha256').update(`${this.salt}\0${name.toLowerCase()}`).digest('hex').slice(0, 6)}`;
  }

  apply(text: string): Redacted {
    let out = redact(text);
    // Longest names first: "bobby" must not become "user-xxxxxxy".
    for (const [name, alias] of [...this.names].sort((a, b) => b[0].length - a[0].length)) {
      out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRe(name)}(?![\\p{L}\\p{N}_])`, 'giu'), alias);
    }
    out = out
      .replace(ESCAPED_PAIR, `$1${MASK}`)
      .replace(JWT, MASK)
      .replace(BEARER, `$1${MASK}`)
      .replace(QUERY_SECRET, `$1${MASK}`)
      .replace(EMAIL, '[email]')
      .replace(HOME, (m, root: string, who: string) =>
        SHARED_HOME.has(who.toLowerCase()) || who.startsWith('user-') ? m : `${root}[user]`,
      )
      .replace(USER_FIELD, (m, key: string, who: string) =>
        who.startsWith('user-') || who === MASK ? m : `${key}${this.pseudonym(who)}`,
      )
      .replace(IPV4, (m, a: string, b: string, c: string, d: string) =>
        isPublicV4([a, b, c, d].map(Number)) ? '[public-ip]' : m,
      )
      .replace(IPV6, (m) => (isPublicV6(m) ? '[public-ip]' : m))
      .replace(RANDOM, MASK);
    return out as Redacted;
  }
}

function isPublicV4(p: number[]): boolean {
  if (p.some((x) => x > 255)) return false;
  const [a = 0, b = 0] = p;
  if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 169 && b === 254) return false;
  if (a === 100 && b >= 64 && b <= 127) return false; // CGNAT, Tailscale
  return true;
}

function isPublicV6(addr: string): boolean {
  const a = addr.toLowerCase();
  if (!a.includes('::') && a.split(':').length < 8) return false; // not an address: a time, a MAC-like id
  if (a === '::1' || a.startsWith('fe80:') || a.startsWith('fc') || a.startsWith('fd') || a.startsWith('::ffff:'))
    return false;
  // Global unicast is 2000::/3.
  return /^[23][0-9a-f]{0,3}:/.test(a);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
