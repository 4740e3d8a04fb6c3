/**
 * Plex Media Server and Plex Media Scanner logs (FORMATS.md §2):
 * `MMM dd, yyyy HH:mm:ss.fff [<thread>] LEVEL - <message>`, thread decimal or `0x` hex, VERBOSE below DEBUG, and the
 * `Debug — ` variant copied from Plex's log viewer. Local time; the startup banner announces the zone (`GMT -05:00`).
 * This is the hot path of the benchmark: the usual shape is read by position (no regex, no match array), other shapes
 * by one anchored regex, and the date part is converted once per second.
 */
import { type Correlation, LEVEL_RANK, type Level, type LogRecord } from '../core/types.ts';
import { createSecondCache } from './second-cache.ts';
import { fixedZone, monthNumber, type Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

const HEADER =
  /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) \[(0x[0-9a-fA-F]+|\d+)\] (DEBUG|VERBOSE|INFO|WARN|WARNING|ERROR|FATAL|Debug|Verbose|Info|Warn|Warning|Error|Fatal) (?:-|—) ?/;

const LEVELS: Record<string, Level> = {
  DEBUG: 'debug',
  Debug: 'debug',
  VERBOSE: 'trace',
  Verbose: 'trace',
  INFO: 'info',
  Info: 'info',
  WARN: 'warn',
  Warn: 'warn',
  WARNING: 'warn',
  Warning: 'warn',
  ERROR: 'error',
  Error: 'error',
  FATAL: 'fatal',
  Fatal: 'fatal',
};

const BANNER_TZ = /- GMT ([+-]?)(\d{1,2}):(\d{2})\s*$/;
const REQ = /\bReq#([0-9a-f]+)/;
const TRANSCODE_SESSION = /\/transcode\/session\/([\w-]+)\/([0-9a-f-]{36})/i;
const RATING_KEY = /\bratingKey[=:"\s]+(\d+)/i;
const METADATA = /\/library\/metadata\/(\d+)/;
const CLIENT_IP = /\[((?:\d{1,3}\.){3}\d{1,3}|[0-9a-f:]+:[0-9a-f:]*):\d+\]/i;

const DATE_KEY = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The date part (to the second) as epoch ms, local; null for a month name Plex's locale wrote that is not known.
 * Uses the header's match when the regex read the line, else reads the key (once a second).
 */
function dateOf(key: string, zone: Zone, m: RegExpExecArray | null): number | null {
  const f = m ?? DATE_KEY.exec(key);
  if (!f) return null;
  const month = monthNumber(f[1] as string);
  if (month === null) return null;
  return zone.toEpoch(Number(f[3]), month, Number(f[2]), Number(f[4]), Number(f[5]), Number(f[6]), 0);
}

/**
 * The component a message names (Plex has no logger field). From the leading bracket chain, the first segment that is
 * a name — request ids (`Req#1bee`), session ids and UUIDs are skipped, `#n` suffixes dropped:
 * `[Req#1bee/Transcode/<session>/<uuid>]` → `Transcode`, `[HttpClient/HCl#5b]` → `HttpClient`, `[HCl#5c]` → `HCl`,
 * `[Transcode] [FFMPEG] - ...` → `Transcode`. Else a leading `Word: ` (`MyPlex:`, `Jobs:`). Read by hand: this runs
 * for every Plex record. Request ids must never become the component: they would split one issue per request.
 */
export function componentOf(msg: string): string | undefined {
  if (msg.charCodeAt(0) === 91 /* [ */) return bracketComponent(msg);
  const first = msg.charCodeAt(0) | 32;
  if (first < 97 || first > 122) return undefined;
  const end = Math.min(msg.length - 1, 42);
  for (let i = 1; i < end; i++) {
    const c = msg.charCodeAt(i);
    if (c === 58 /* : */) {
      const next = msg.charCodeAt(i + 1);
      return i >= 2 && (next === 32 || next === 9) ? msg.slice(0, i) : undefined;
    }
    const letter = (c | 32) >= 97 && (c | 32) <= 122;
    if (!letter && !(c >= 48 && c <= 57) && c !== 95 && c !== 32 && c !== 46) return undefined;
  }
  return undefined;
}

function bracketComponent(msg: string): string | undefined {
  let pos = 0;
  while (msg.charCodeAt(pos) === 91) {
    const close = msg.indexOf(']', pos + 1);
    if (close < 0) return undefined;
    for (let seg = pos + 1; seg < close; ) {
      let segEnd = msg.indexOf('/', seg);
      if (segEnd < 0 || segEnd > close) segEnd = close;
      const hash = msg.indexOf('#', seg);
      const nameEnd = hash >= 0 && hash < segEnd ? hash : segEnd;
      if (nameEnd > seg && isName(msg, seg, nameEnd) && !(nameEnd - seg === 3 && msg.startsWith('Req', seg))) {
        return msg.slice(seg, nameEnd);
      }
      seg = segEnd + 1;
    }
    pos = close + 1;
    while (msg.charCodeAt(pos) === 32) pos++;
  }
  return undefined;
}

/** A name starts with a letter and has no dash (session ids and UUIDs do). */
function isName(s: string, from: number, to: number): boolean {
  const c = s.charCodeAt(from) | 32;
  if (c < 97 || c > 122) return false;
  for (let i = from + 1; i < to; i++) {
    const d = s.charCodeAt(i);
    if (d === 45 /* - */ || d === 32) return false;
  }
  return true;
}

type SecondOf = ReturnType<typeof createSecondCache<RegExpExecArray | null>>;

/**
 * The fast shape's date part (its first 21 characters, to the second) as epoch ms: compared in place with the last
 * one, so the lines of one second cost no string; a new second goes through the regex path's cache.
 */
function fastSecondCache(secondOf: SecondOf): (line: string, zone: Zone) => number | null {
  const last = new Uint16Array(21);
  let lastZone: Zone | null = null;
  let lastBase = 0;
  return (line, zone) => {
    if (zone === lastZone) {
      // From the seconds back: within a second the first difference is found at once, and a same-second line is 21
      // character reads (no string compare, no flattening).
      let i = 20;
      while (i >= 0 && line.charCodeAt(i) === last[i]) i--;
      if (i < 0) return lastBase;
    }
    const key = line.slice(0, 21);
    const base = secondOf(key, zone, null);
    if (base === null) return null;
    for (let i = 0; i < 21; i++) last[i] = key.charCodeAt(i);
    lastZone = zone;
    lastBase = base;
    return base;
  };
}

/**
 * The common shape, read by position without a regex or a match array: `Mmm dd, yyyy hh:mm:ss.mmm [thread] LEVEL - `
 * (two-digit day). Returns undefined when the line is not exactly that shape, so the regex decides.
 */
function fastHeader(
  line: string,
  ctx: ParseContext,
  secondOf: (line: string, zone: Zone) => number | null,
): Header | null | undefined {
  if (
    line.charCodeAt(6) !== 44 /* , */ ||
    line.charCodeAt(12) !== 32 ||
    line.charCodeAt(15) !== 58 /* : */ ||
    line.charCodeAt(18) !== 58 ||
    line.charCodeAt(21) !== 46 /* . */ ||
    line.charCodeAt(25) !== 32 ||
    line.charCodeAt(26) !== 91 /* [ */
  ) {
    return undefined;
  }
  const ms = digits3(line, 22);
  const close = line.indexOf('] ', 27);
  if (ms < 0 || close < 28 || close > 60) return undefined;
  const lv = close + 2;
  let level: Level;
  let after: number;
  // Upper-case levels only; the viewer's `Debug —` variant goes through the regex.
  switch (line.charCodeAt(lv)) {
    case 68 /* D */:
      level = 'debug';
      after = line.startsWith('DEBUG', lv) ? lv + 5 : -1;
      break;
    case 86 /* V */:
      level = 'trace';
      after = line.startsWith('VERBOSE', lv) ? lv + 7 : -1;
      break;
    case 73 /* I */:
      level = 'info';
      after = line.startsWith('INFO', lv) ? lv + 4 : -1;
      break;
    case 87 /* W */:
      level = 'warn';
      after = line.startsWith('WARNING', lv) ? lv + 7 : line.startsWith('WARN', lv) ? lv + 4 : -1;
      break;
    case 69 /* E */:
      level = 'error';
      after = line.startsWith('ERROR', lv) ? lv + 5 : -1;
      break;
    case 70 /* F */:
      level = 'fatal';
      after = line.startsWith('FATAL', lv) ? lv + 5 : -1;
      break;
    default:
      return undefined;
  }
  if (after < 0 || line.charCodeAt(after) !== 32 || line.charCodeAt(after + 1) !== 45 /* - */) return undefined;
  if (!isThread(line, 27, close)) return undefined;
  const base = secondOf(line, ctx.zone);
  if (base === null) return null;
  const start = line.charCodeAt(after + 2) === 32 ? after + 3 : after + 2;
  // The thread is a detail like the others (ParseContext.detailsFrom): no string for it below that level.
  if (ctx.detailsFrom !== undefined && LEVEL_RANK[level] < ctx.detailsFrom)
    return { time: base + ms, level, message: line.slice(start) };
  return { time: base + ms, level, thread: line.slice(27, close), message: line.slice(start) };
}

/** `line[from, to)` is a thread id: `0x` and hex digits, or decimal digits. */
function isThread(line: string, from: number, to: number): boolean {
  let i = from;
  const hex = line.charCodeAt(i) === 48 /* 0 */ && line.charCodeAt(i + 1) === 120; /* x */
  if (hex) i += 2;
  if (i >= to) return false;
  for (; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (!hex) return false;
    const l = c | 32;
    if (l < 97 || l > 102) return false;
  }
  return true;
}

/** Three ASCII digits at `i` as a number, or -1. */
function digits3(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  const c = s.charCodeAt(i + 2) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}

/** Every other header shape the format allows (one-digit day, mixed-case levels, `—`). */
function regexHeader(line: string, ctx: ParseContext, secondOf: SecondOf): Header | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  const base = secondOf(line.slice(0, line.indexOf('.', 15)), ctx.zone, m);
  if (base === null) return null;
  return {
    time: base + Number(m[7]),
    level: LEVELS[m[9] as string] ?? 'info',
    thread: m[8] as string,
    message: line.slice(m[0].length),
  };
}

export function createPlexParser(): FormatParser {
  const secondOf: SecondOf = createSecondCache(dateOf);
  const fastSecondOf = fastSecondCache(secondOf);
  return {
    id: 'plex',
    apps: ['plex'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 < 65 || c0 > 90) return null;
      return fastHeader(line, ctx, fastSecondOf) ?? regexHeader(line, ctx, secondOf);
    },
    finish(rec: LogRecord, ctx: ParseContext): void {
      if (rec.orphan) return;
      const msg = rec.message;
      const banner =
        msg.charCodeAt(0) === 80 /* P */ &&
        (msg.startsWith('Plex Media Server v') || msg.startsWith('Plex Media Scanner v'));
      if (banner) {
        const tz = BANNER_TZ.exec(msg);
        if (tz) {
          const minutes = (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]));
          ctx.announceZone(fixedZone(minutes));
        }
      }
      if (ctx.detailsFrom !== undefined && LEVEL_RANK[rec.level] < ctx.detailsFrom) return;
      // Cheap substring gates first: this runs for every record of the benchmark's hot path.
      const logger = componentOf(msg);
      if (logger !== undefined) rec.logger = logger;
      const corr: Correlation = {};
      let any = false;
      if (msg.includes('Req#')) {
        const req = REQ.exec(msg);
        if (req) {
          corr.requestId = req[1] as string;
          any = true;
        }
      }
      if (msg.includes('/transcode/session/')) {
        const ts = TRANSCODE_SESSION.exec(msg);
        if (ts) {
          corr.sessionId = ts[2] as string;
          any = true;
        }
      }
      if (msg.includes('atingKey') || msg.includes('/library/metadata/')) {
        const rk = RATING_KEY.exec(msg) ?? METADATA.exec(msg);
        if (rk) {
          corr.ratingKey = rk[1] as string;
          any = true;
        }
      }
      if (msg.includes('Request:')) {
        const ip = CLIENT_IP.exec(msg);
        if (ip) {
          corr.clientIp = ip[1] as string;
          any = true;
        }
      }
      if (any) rec.correlation = corr;
      if (rec.lines > 1) extractPythonTraceback(rec);
    },
  };
}

/** Scanner/agent tracebacks follow `ERROR - Error in Python: ...`: the exception is the traceback's last line. */
function extractPythonTraceback(rec: LogRecord): void {
  const lines = rec.raw.split('\n');
  for (let i = lines.length - 1; i > 0; i--) {
    const m = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): ?(.*)$/.exec((lines[i] as string).trim());
    if (m) {
      rec.exception = { type: m[1] as string, message: m[2] as string, stack: lines.slice(1, i).join('\n') };
      return;
    }
  }
}
