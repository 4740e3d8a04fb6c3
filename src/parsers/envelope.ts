/**
 * Envelopes: what container runtimes, compose, journald and terminals wrap around an app's own line. They are
 * stripped before any app regex runs (FORMATS.md §1.1); an envelope's timestamp wins over the app's.
 * Every check is gated by a cheap character test so a plain Plex, Jellyfin or NLog line costs a few comparisons.
 */

import { parseIsoWithOffset } from './time.ts';

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

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are control characters by definition.
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
const RFC3339 = '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2}))';
const CRI = new RegExp(`^${RFC3339} (stdout|stderr) ([PF]) ?`);
const PORTAINER = new RegExp(`^${RFC3339} \\| (stdout|stderr) \\| ?`);
/**
 * `docker logs -t` prints RFC3339NanoFixed: always nine fraction digits. Requiring them is what tells the envelope from
 * an app's own leading ISO time (Overseerr's `2022-11-22T22:47:49.097Z [error]...` must keep its stamp).
 */
const DOCKER_T = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}(?:Z|[+-]\d{2}:\d{2})) /;
/** `date time<TAB>stream<TAB>`: the wall time has no zone, so it is not used; the app's own header dates the record. */
const STREAM_COLUMNS = /^\d{4}[-/]\d{2}[-/]\d{2} \d{2}:\d{2}:\d{2}\t(stdout|stderr)\t/;
/** rsyslog's high-precision layout / `journalctl -o short-iso`: an RFC 3339 stamp, then `host proc[pid]: `. */
const SYSLOG_ISO = new RegExp(`^${RFC3339} [\\w.-]+ [^\\s:[\\]]+\\[\\d+\\]: ?`);
/**
 * `service  | `, `service-1  | `, `project_service_1  | `. Compose pads the name with at least one space before the
 * pipe; requiring that space is what keeps NLog (`…0|Info|`) and Bazarr (`…17|INFO    |`) pipes from matching, since
 * their first field (a date) contains a space or colon before any padded pipe.
 */
const COMPOSE = /^[A-Za-z0-9][\w.-]*\s+\| ?/;
/** journald short / RFC 3164 syslog: `Oct 01 18:36:18 host proc[123]: `; months may be localized (`lis`, `Okt`, `déc.`). */
const JOURNALD = /^(\p{L}{3,5}\.?) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? [\w.-]+ [^\s:[\]]+(?:\[\d+\])?: ?/u;

/** Month abbreviations journald prints in the locales users paste (first three letters, diacritics removed). */
// biome-ignore format: one line per locale reads better than one per month
const LOCAL_MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12, // en
  mai: 5, okt: 10, dez: 12, // de (Mär → mar once diacritics are removed)
  fev: 2, avr: 4, jui: 6, aou: 8, // fr (juil is handled before the table)
  ene: 1, abr: 4, ago: 8, dic: 12, out: 10, // es, pt
  gen: 1, mag: 5, giu: 6, lug: 7, set: 9, ott: 10, // it
  sty: 1, lut: 2, kwi: 4, maj: 5, cze: 6, lip: 7, sie: 8, wrz: 9, paz: 10, lis: 11, gru: 12, // pl
  mrt: 3, mei: 5, // nl
};

function localMonth(name: string): number | null {
  const n = name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  if (n.startsWith('juil')) return 7;
  return LOCAL_MONTHS[n.slice(0, 3)] ?? null;
}

export function unwrap(line: string): Unwrapped {
  return envelopeOf(line) ?? { text: line };
}

/** As `unwrap`, but null for a line that is its own text (no envelope, no ANSI codes): no object for the usual line. */
export function envelopeOf(line: string): Unwrapped | null {
  let text = line;
  if (text.includes('\x1b')) text = text.replace(ANSI, '');
  const c0 = text.charCodeAt(0);

  // Docker json-file: {"log":"...\n","stream":"stdout","time":"..."}
  if (c0 === 123 /* { */ && text.startsWith('{"log":')) return parseJsonFile(text) ?? { text };

  // Leading RFC 3339 timestamp: CRI, Portainer export, `docker logs -t`, rsyslog.
  if (c0 >= 48 && c0 <= 57 && text.length > 20 && text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(4) === 45) {
    return unwrapIso(text) ?? { text };
  }
  // Container-manager exports with date and stream columns (Synology's `2024/12/01 18:19:59<TAB>stdout<TAB>…`).
  if (c0 >= 48 && c0 <= 57 && text.charCodeAt(19) === 9 /* TAB */) {
    const m = STREAM_COLUMNS.exec(text);
    if (m) return { text: text.slice(m[0].length), stream: m[1] as 'stdout' | 'stderr' };
  }

  // journald / syslog: `Oct 01 18:36:18 host jellyfin[123]: ...` (every continuation line carries it too). The first
  // colon of such a line is the one in the time, at index 9–14; Plex's `Jan 05, 2023 12:…` has it at 15.
  if (c0 >= 65 && text.length > 16) {
    const colon = text.indexOf(':');
    if (colon >= 9 && colon <= 14 && text.charCodeAt(colon + 3) === 58) {
      const u = unwrapJournald(text);
      if (u) return u;
    }
  }

  // docker compose: `service_1  | ...` (optional per line: compose's own messages have no prefix); with `logs -t`
  // the timestamp follows the prefix.
  if (c0 > 32 && composeShaped(text)) {
    const stripped = stripCompose(text);
    if (stripped !== text) {
      if (stripped.length > 20 && stripped.charCodeAt(10) === 84 && stripped.charCodeAt(4) === 45) {
        const m = DOCKER_T.exec(stripped);
        if (m) return withTime({ text: stripped.slice(m[0].length) }, m[1] as string);
      }
      return { text: stripped };
    }
  }
  return text === line ? null : { text };
}

function unwrapIso(text: string): Unwrapped | null {
  let m = CRI.exec(text);
  if (m) {
    const u: Unwrapped = {
      text: text.slice(m[0].length),
      stream: m[2] as 'stdout' | 'stderr',
      partial: m[3] === 'P',
    };
    return withTime(u, m[1] as string);
  }
  m = PORTAINER.exec(text);
  if (m) return withTime({ text: text.slice(m[0].length), stream: m[2] as 'stdout' | 'stderr' }, m[1] as string);
  m = DOCKER_T.exec(text) ?? SYSLOG_ISO.exec(text);
  if (m) return withTime({ text: text.slice(m[0].length) }, m[1] as string);
  return null;
}

function unwrapJournald(text: string): Unwrapped | null {
  const m = JOURNALD.exec(text);
  if (!m) return null;
  const month = localMonth(m[1] as string);
  if (month === null) return null;
  const timeOfDay = (Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5])) * 1000;
  return { text: text.slice(m[0].length), partialDate: { month, day: Number(m[2]), timeOfDay } };
}

/** Cheap pre-test for COMPOSE: the first space is followed by more spaces and a pipe (never scans the whole line). */
function composeShaped(text: string): boolean {
  let i = text.indexOf(' ');
  if (i < 1 || i > 80) return false;
  while (text.charCodeAt(i) === 32) i++;
  return text.charCodeAt(i) === 124 /* | */;
}

function stripCompose(text: string): string {
  const m = COMPOSE.exec(text);
  return m ? text.slice(m[0].length) : text;
}

function withTime(u: Unwrapped, stamp: string): Unwrapped {
  const time = parseIsoWithOffset(stamp);
  if (time !== null) u.time = time;
  return u;
}

function parseJsonFile(text: string): Unwrapped | null {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return null; // corrupted or truncated record (disk full, crash mid-write): the caller keeps the raw text
  }
  if (!obj || typeof obj !== 'object') return null;
  const { log, stream, time } = obj as { log?: unknown; stream?: unknown; time?: unknown };
  if (typeof log !== 'string') return null;
  // Docker splits lines over 16 KiB into several records; only the last one's `log` ends with the newline.
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
