/**
 * Overseerr, Jellyseerr and Seerr (FORMATS.md §10): winston with the printf layout
 * `${timestamp} [${level}]${label ? `[${label}]` : ''}: ${message} ${JSON.stringify(meta)}`, timestamps in UTC (`Z`).
 * The envelope stage reads a leading RFC 3339 timestamp as `docker logs -t` and strips it (its time wins, and it is the
 * same instant), so this parser sees `[error][Auth]: message` far more often than the full line: it accepts both.
 * The lowercase winston level right after `[` keeps NLog's `[Info] Logger:` and Jellyfin's `[INF]` out.
 */
import type { Correlation, Level, LogRecord } from '../core/types.ts';
import { parseIsoWithOffset } from './time.ts';
import type { FormatParser, Header } from './types.ts';

const LEVEL_LABEL = String.raw`\[(error|warn|info|http|verbose|debug|silly)\](?:\[([^\]]+)\])?: ?`;
const FULL_HEADER = new RegExp(String.raw`^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) ${LEVEL_LABEL}`);
const STRIPPED_HEADER = new RegExp(`^${LEVEL_LABEL}`);

/** winston's npm levels, most to least severe: error warn info http verbose debug silly. */
const LEVELS: Record<string, Level> = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  http: 'debug',
  verbose: 'debug',
  debug: 'debug',
  silly: 'trace',
};

/** Meta keys Overseerr's services log that identify who or what a record is about. */
const USER_KEYS = ['userId', 'user', 'username', 'email'] as const;
const IP_KEYS = ['ip', 'clientIp'] as const;
const ITEM_KEYS = ['mediaId', 'tmdbId', 'tvdbId', 'ratingKey'] as const;

export function createOverseerrParser(): FormatParser {
  return {
    id: 'overseerr',
    apps: ['overseerr'],
    header(line: string): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 === 91 /* [ */) {
        const c1 = line.charCodeAt(1);
        if (c1 < 97 || c1 > 122) return null;
        const m = STRIPPED_HEADER.exec(line);
        if (!m) return null;
        return header(null, m[1] as string, m[2], line.slice(m[0].length));
      }
      if (c0 < 48 || c0 > 57 || line.charCodeAt(10) !== 84 /* T */) return null;
      const m = FULL_HEADER.exec(line);
      if (!m) return null;
      return header(parseIsoWithOffset(m[1] as string), m[2] as string, m[3], line.slice(m[0].length));
    },
    finish(rec: LogRecord): void {
      if (rec.orphan) return;
      const split = splitMeta(rec.message);
      if (!split) return;
      rec.message = split.message;
      const meta = split.meta;
      const corr: Correlation = {};
      const user = pick(meta, USER_KEYS);
      if (user !== undefined) corr.user = user;
      const ip = pick(meta, IP_KEYS);
      if (ip !== undefined) corr.clientIp = ip;
      const item = pick(meta, ITEM_KEYS);
      if (item !== undefined) corr.itemId = item;
      const req = pick(meta, ['requestId']);
      if (req !== undefined) corr.requestId = req;
      if (Object.keys(corr).length) rec.correlation = corr;
      // Overseerr logs a caught error as `{ errorMessage: e.message }`: the error's own text, kept as the exception.
      const err = pick(meta, ['errorMessage']);
      if (err !== undefined) rec.exception = { type: 'Error', message: err };
    },
  };
}

function header(time: number | null, level: string, label: string | undefined, message: string): Header {
  const h: Header = { time, level: LEVELS[level] ?? 'info', message: message.trimEnd() };
  if (label !== undefined) h.logger = label;
  return h;
}

type Meta = Record<string, unknown>;

/**
 * Separates the trailing JSON meta from the message. The meta is the first `{"` from which the rest of the line is
 * one JSON object; a paste that cut the line leaves unparseable JSON, from which the flat keys are still read.
 */
function splitMeta(message: string): { message: string; meta: Meta } | null {
  let from = message.indexOf('{"');
  if (from === -1) return null;
  const first = from;
  for (let tries = 0; from !== -1 && tries < 4; tries++) {
    const candidate = message.slice(from);
    if (candidate.endsWith('}')) {
      const meta = parseObject(candidate);
      if (meta) return { message: message.slice(0, from).trimEnd(), meta };
    }
    from = message.indexOf('{"', from + 2);
  }
  return { message: message.slice(0, first).trimEnd(), meta: flatKeys(message.slice(first)) };
}

function parseObject(text: string): Meta | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Meta) : null;
  } catch {
    // Not JSON from here (a brace inside the message text): the caller tries the next candidate.
    return null;
  }
}

/** `"key":"value"` and `"key":123` pairs of a cut JSON text (first occurrence wins, like a top-level key would). */
function flatKeys(text: string): Meta {
  const out: Meta = {};
  for (const m of text.matchAll(/"(\w+)":(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))/g)) {
    const key = m[1] as string;
    if (!(key in out)) out[key] = m[2] ?? Number(m[3]);
  }
  return out;
}

function pick(meta: Meta, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = meta[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}
