/**
 * Envelopes: what container runtimes, compose, journald and terminals wrap around an app's own line. They are
 * stripped before any app regex runs (FORMATS.md §1.1); an envelope's timestamp wins over the app's.
 * Checks are gated by cheap character tests so a plain Plex or NLog line pays almost nothing.
 */

export interface Unwrapped {
  text: string;
  /** Epoch ms from the envelope (Docker `time`, `docker logs -t`, CRI), when it has a full date. */
  time?: number;
  /** Time of day from an envelope without a year (journald), ms since midnight, with month/day. */
  partialDate?: { month: number; day: number; timeOfDay: number };
  stream?: 'stdout' | 'stderr';
  /** The runtime split a long line: the text continues in the next envelope (json-file without `\n`, CRI `P`). */
  partial?: boolean;
}

import { monthNumber, parseIsoWithOffset } from './time.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are control characters by definition.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const CRI = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) ([PF]) ?/;
const PORTAINER = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) \| (stdout|stderr) \| ?/;
const DOCKER_T = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;
const COMPOSE = /^[A-Za-z0-9][\w.-]*(?:[-_]\d+)?\s+\| ?/;
const JOURNALD = /^([A-Z][a-z]{2,3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? [\w.-]+ [^\s:[\]]+(?:\[\d+\])?: ?/;

export function unwrap(line: string): Unwrapped {
  let text = line;
  if (text.includes('\x1b')) text = text.replace(ANSI, '');
  const c0 = text.charCodeAt(0);

  // Docker json-file: {"log":"...\n","stream":"stdout","time":"..."}
  if (c0 === 123 /* { */ && text.startsWith('{"log":')) {
    const env = parseJsonFile(text);
    if (env) return env;
    return { text };
  }

  // Leading RFC 3339 timestamp: CRI, Portainer export, `docker logs -t`.
  if (c0 >= 48 && c0 <= 57 && text.length > 20 && text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(4) === 45) {
    let m = CRI.exec(text);
    if (m) {
      const time = parseIsoWithOffset(m[1] as string);
      return withTime(
        { text: stripCompose(text.slice(m[0].length)), stream: m[2] as 'stdout' | 'stderr', partial: m[3] === 'P' },
        time,
      );
    }
    m = PORTAINER.exec(text);
    if (m) {
      const time = parseIsoWithOffset(m[1] as string);
      return withTime({ text: text.slice(m[0].length), stream: m[2] as 'stdout' | 'stderr' }, time);
    }
    m = DOCKER_T.exec(text);
    if (m) {
      const time = parseIsoWithOffset(m[1] as string);
      return withTime({ text: text.slice(m[0].length) }, time);
    }
  }

  // journald / syslog: `Oct 01 18:36:18 host jellyfin[123]: ...` (every continuation line carries it too).
  if (c0 >= 65 && c0 <= 90 && text.charCodeAt(3) === 32 && text.charCodeAt(6) === 32) {
    const m = JOURNALD.exec(text);
    const month = m ? monthNumber(m[1] as string) : null;
    if (m && month) {
      const timeOfDay = (Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5])) * 1000;
      return { text: text.slice(m[0].length), partialDate: { month, day: Number((m[2] as string).trim()), timeOfDay } };
    }
  }

  // docker compose: `service_1  | ...`
  if (text.includes('| ') || text.endsWith('|')) {
    const stripped = stripCompose(text);
    if (stripped !== text) return { text: stripped };
  }
  return { text };
}

function stripCompose(text: string): string {
  const m = COMPOSE.exec(text);
  if (!m) return text;
  // A bare word followed by `|` could be a Bazarr/NLog field; compose always pads the name with spaces before `|`.
  return text.slice(m[0].length);
}

function withTime(u: Unwrapped, time: number | null): Unwrapped {
  if (time !== null) u.time = time;
  return u;
}

function parseJsonFile(text: string): Unwrapped | null {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return null; // corrupted or truncated record: the caller falls back to the raw text
  }
  if (!obj || typeof obj !== 'object') return null;
  const { log, stream, time } = obj as { log?: unknown; stream?: unknown; time?: unknown };
  if (typeof log !== 'string') return null;
  const partial = !log.endsWith('\n');
  let inner = partial ? log : log.slice(0, log.endsWith('\r\n') ? -2 : -1);
  if (inner.includes('\x1b')) inner = inner.replace(ANSI, '');
  const u: Unwrapped = { text: inner, partial };
  if (stream === 'stdout' || stream === 'stderr') u.stream = stream;
  if (typeof time === 'string') {
    const t = parseIsoWithOffset(time);
    if (t !== null) u.time = t;
  }
  return u;
}
