/**
 * The URL-reading core shared by every Apprise scheme: a URL cut into decoded parts, the helpers each scheme's builder
 * uses to read them, and `UrlProblem`, the one error a builder throws. A problem's message says what is wrong and how
 * the URL should look, never the URL itself (it holds secrets); `parseAppriseUrl` turns it into a result.
 */

/** A target in object form, before the configuration schema validates it. */
export type TargetObject = Record<string, unknown>;

/** A URL cut into parts; user, password and path segments are already %-decoded. */
export interface AppriseParts {
  scheme: string;
  user: string;
  password: string;
  host: string;
  port: string;
  segments: string[];
  /** Keys lower-cased, except `+header`, `:key` and `-key` (their case is the user's). */
  query: Map<string, string>;
}

/** A URL that cannot be a target; the message is safe to show (it never repeats the URL). */
export class UrlProblem extends Error {}

/** Apprise's global parameters that mean nothing here; accepted so URLs copied from elsewhere keep working. */
const IGNORED = new Set(['overflow', 'emojis', 'rto', 'cto', 'store', 'tz', 'discovery']);

/** Cuts a `new URL()` into parts. Throws `UrlProblem` on a broken %-escape. */
export function readParts(scheme: string, url: URL): AppriseParts {
  return {
    scheme,
    user: decode(url.username),
    password: decode(url.password),
    host: url.hostname,
    port: url.port,
    segments: url.pathname.split('/').filter(Boolean).map(decode),
    query: parseQuery(url.search),
  };
}

/** Returns the known parameters; any other (bar Apprise's global ones) is an error that names it. */
export function take(p: AppriseParts, known: string[]): Map<string, string> {
  for (const k of p.query.keys()) {
    if (!known.includes(k) && !IGNORED.has(k)) {
      throw new UrlProblem(`the parameter "${k}" is not understood (known: ${known.join(', ')})`);
    }
  }
  return p.query;
}

/** `http(s)://host[:port]` of the URL; IPv6 hosts get their brackets back. */
export function origin(secure: boolean, p: AppriseParts): string {
  if (!p.host) throw new UrlProblem(`the ${p.scheme}:// URL has no host`);
  const host = p.host.includes(':') && !p.host.startsWith('[') ? `[${p.host}]` : p.host;
  return `${secure ? 'https' : 'http'}://${host}${p.port ? `:${p.port}` : ''}`;
}

/** Apprise's yes/no spellings. */
export function yes(v: string): boolean {
  if (/^(?:yes|true|on|1)$/i.test(v)) return true;
  if (/^(?:no|false|off|0)$/i.test(v)) return false;
  throw new UrlProblem(`"${v}" is not yes or no`);
}

/** `format=` / `markdown=` and `verify=`, as the push services (ntfy, Gotify) read them. */
export function formatAndVerify(q: Map<string, string>, out: TargetObject): void {
  const format = q.get('format')?.toLowerCase();
  if (format !== undefined) {
    if (format !== 'markdown' && format !== 'text' && format !== 'html') {
      throw new UrlProblem(`format "${format}" is not one of markdown, text or html`);
    }
    out.markdown = format === 'markdown';
  }
  const md = q.get('markdown');
  if (md !== undefined) out.markdown = yes(md);
  const verify = q.get('verify');
  if (verify !== undefined) out.verifyTls = yes(verify);
}

/** Query strings are split by hand: `+Header=v` must keep its `+`, which URLSearchParams turns into a space. */
function parseQuery(search: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    out.set(
      key.startsWith('+') || key.startsWith(':') || key.startsWith('-') ? key : key.toLowerCase(),
      decode(eq < 0 ? '' : part.slice(eq + 1)),
    );
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new UrlProblem('it has a broken %-escape');
  }
}
