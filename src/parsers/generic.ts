/**
 * The fallback for an app Arrgus has no format for. Conservative on purpose: a line is a header only when it starts
 * with a timestamp it recognises (ISO 8601 and its slashed/comma variants, Common Log Format, ctime, syslog, a time of
 * day, glog) AND a level word sits where layouts put it (`[ERROR]`, `ERROR`, `error:`, ` E `, right after the time or
 * after one thread/logger field), or it is a logfmt / JSON line with both a time and a level. A line without a
 * timestamp (a stack frame, a banner, Next.js's `warn  - ...`) is never a header.
 */
import type { Level } from '../core/types.ts';
import { LEVEL_WORDS as WORDS } from './levels.ts';
import { fractionMs, monthNumber, parseOffset } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

const LETTERS: Readonly<Record<string, Level>> = {
  T: 'trace',
  D: 'debug',
  I: 'info',
  W: 'warn',
  E: 'error',
  F: 'fatal',
};
const WORD_ALT = Object.keys(WORDS).join('|');

/** Date and time at the start of the line, optionally in brackets. Groups: y mo d h mi s frac offset. */
const ISO =
  /^\[?(\d{4})[-/.](\d{2})[-/.](\d{2})[T _](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: ?(Z|[+-]\d{2}:?\d{2}|UTC|GMT))?\]?/;
const CLF = /^\[?(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?\]?/;
const CTIME =
  /^\[?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})\]?/;
const SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/;
const TIME_ONLY = /^\[?(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\]?/;
const GLOG = /^([IWEF])\d{4} (\d{2}):(\d{2}):(\d{2})\.(\d{6}) +\d+ /;

/**
 * After the time: optionally one field (`[thread]`, `(pid)`, Python's `- logger -`), then the level: bracketed or
 * angled in any case (Apache's `[core:error]` too), a bare UPPERCASE word (Laravel's `production.ERROR` too), a Capitalised or lowercase word followed by a colon, or one level letter
 * between spaces. Anything else (a free-text message) is not a level position.
 */
const LEVEL_AFTER = new RegExp(
  String.raw`^[\s|,;]*(?:(?:\[[^\]]{1,40}\]|\([^)]{1,40}\)|- [\w.\-]{1,60} -)[\s|,;]*)?` +
    String.raw`(?:[[<](?:[\w.-]*:)?(?i:(${WORD_ALT}))[\]>:]|(?:[a-z][\w-]*\.)?(${WORD_ALT.toUpperCase()})(?=[\s:|\]]|$)|(?i:(${WORD_ALT}))(?=[:|])|(?<=\s)([TDIWEF])(?= ))`,
);
const REST = /^[\]>\s:|-]*/;

const LOGFMT_START = /^[a-z@_.]+=/;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)="?([A-Za-z]+)"?(?=\s|$)/;
const LOGFMT_TIME = /(?:^|\s)(?:time|ts|t|timestamp)="?([0-9][^\s"]*)"?(?=\s|$)/;
const LOGFMT_MSG = /(?:^|\s)(?:msg|message)=("(?:[^"\\]|\\.)*"|\S+)/;

interface Stamp {
  time: number | null;
  timeOfDay?: number;
  end: number;
  level?: Level;
}

export function createGenericParser(): FormatParser {
  return {
    id: 'generic',
    apps: ['generic'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 === 123 /* { */) return jsonHeader(line, ctx);
      if (c0 >= 97 && c0 <= 122 && LOGFMT_START.test(line)) return logfmtHeader(line, ctx);
      const stamp = timestamp(line, ctx);
      if (!stamp) return null;
      const rest = line.slice(stamp.end);
      let level = stamp.level;
      let message = rest.trim();
      if (!level) {
        const m = LEVEL_AFTER.exec(rest);
        if (!m) return null;
        const word = m[1] ?? m[2] ?? m[3];
        level = word ? WORDS[word.toLowerCase()] : LETTERS[m[4] as string];
        if (!level) return null;
        const after = rest.slice(m[0].length);
        message = after.slice((REST.exec(after)?.[0] ?? '').length).trimEnd();
      }
      const h: Header = { time: stamp.time, level, message };
      if (stamp.timeOfDay !== undefined) h.timeOfDay = stamp.timeOfDay;
      return h;
    },
  };
}

function timestamp(line: string, ctx: ParseContext): Stamp | null {
  const c0 = line.charCodeAt(0);
  const c1 = c0 === 91 /* [ */ ? line.charCodeAt(1) : c0;
  if (c1 >= 48 && c1 <= 57) {
    let m = ISO.exec(line);
    if (m) {
      const f = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
      const ms = fractionMs(m[7]);
      const off = m[8] === 'UTC' || m[8] === 'GMT' ? 0 : m[8] ? parseOffset(m[8]) : null;
      const time =
        off === null
          ? ctx.zone.toEpoch(f[0], f[1], f[2], f[3], f[4], f[5], ms)
          : Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5], ms) - off * 60_000;
      return valid(time, f[1], f[2]) ? { time, end: m[0].length } : null;
    }
    m = CLF.exec(line);
    if (m) {
      const mo = monthNumber(m[2] as string);
      if (mo === null) return null;
      const [y, d, h, mi, s] = [m[3], m[1], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
      const off = m[7] ? parseOffset(m[7]) : null;
      const time =
        off === null ? ctx.zone.toEpoch(y, mo, d, h, mi, s, 0) : Date.UTC(y, mo - 1, d, h, mi, s) - off * 60_000;
      return { time, end: m[0].length };
    }
    m = TIME_ONLY.exec(line);
    if (m) {
      const tod = (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 + fractionMs(m[4]);
      return Number(m[1]) < 24 ? { time: null, timeOfDay: tod, end: m[0].length } : null;
    }
    return null;
  }
  if (c1 < 65 || c1 > 90) return null;
  let m = CTIME.exec(line);
  if (m) {
    const mo = monthNumber(m[1] as string);
    if (mo === null) return null;
    const time = ctx.zone.toEpoch(
      Number(m[7]),
      mo,
      Number(m[2]),
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      fractionMs(m[6]),
    );
    return { time, end: m[0].length };
  }
  m = SYSLOG.exec(line);
  if (m && monthNumber(m[1] as string) !== null) {
    const tod = (Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5])) * 1000 + fractionMs(m[6]);
    return { time: null, timeOfDay: tod, end: m[0].length };
  }
  m = GLOG.exec(line);
  if (m) {
    const tod = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000 + fractionMs(m[5]);
    return { time: null, timeOfDay: tod, end: m[0].length, level: LETTERS[m[1] as string] as Level };
  }
  return null;
}

function valid(time: number, month: number, day: number): boolean {
  return Number.isFinite(time) && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** ISO text (offset optional: local to the zone) or epoch seconds/milliseconds. */
function parseTime(value: unknown, ctx: ParseContext): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? Math.round(value * 1000) : value;
  if (typeof value !== 'string') return null;
  if (/^\d{9,13}(?:\.\d+)?$/.test(value)) return parseTime(Number(value), ctx);
  const m = ISO.exec(value);
  if (!m || m[0].length !== value.length) return null;
  const f = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = fractionMs(m[7]);
  const off = m[8] === 'UTC' || m[8] === 'GMT' ? 0 : m[8] ? parseOffset(m[8]) : null;
  if (off === null) return ctx.zone.toEpoch(f[0], f[1], f[2], f[3], f[4], f[5], ms);
  return Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5], ms) - off * 60_000;
}

/** bunyan/pino numeric levels (10 trace … 60 fatal) or a level word. */
function levelOf(value: unknown): Level | null {
  if (typeof value === 'number') {
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    return value >= 20 ? 'debug' : 'trace';
  }
  return typeof value === 'string' ? (WORDS[value.toLowerCase()] ?? null) : null;
}

function jsonHeader(line: string, ctx: ParseContext): Header | null {
  const end = line.trimEnd();
  if (!end.endsWith('}') || !/"(?:level|lvl|severity|@l)"/.test(end)) return null;
  let obj: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(end);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    obj = parsed as Record<string, unknown>;
  } catch {
    return null; // a JSON-looking body line that is not one object: a continuation
  }
  const level = levelOf(obj.level ?? obj.lvl ?? obj.severity ?? obj['@l']);
  const time = parseTime(obj.time ?? obj.ts ?? obj.timestamp ?? obj['@timestamp'] ?? obj['@t'], ctx);
  if (!level || time === null) return null;
  const msg = obj.msg ?? obj.message ?? obj['@m'] ?? obj['@mt'];
  const h: Header = { time, level, message: typeof msg === 'string' ? msg : end };
  const logger = obj.logger ?? obj.name ?? obj.label;
  if (typeof logger === 'string') h.logger = logger;
  return h;
}

function logfmtHeader(line: string, ctx: ParseContext): Header | null {
  const lv = LOGFMT_LEVEL.exec(line);
  const ts = lv && LOGFMT_TIME.exec(line);
  if (!lv || !ts) return null;
  const level = levelOf(lv[1]);
  const time = parseTime(ts[1], ctx);
  if (!level || time === null) return null;
  const msg = LOGFMT_MSG.exec(line)?.[1];
  let message = line;
  if (msg !== undefined) {
    message = msg;
    if (msg.startsWith('"')) {
      try {
        message = JSON.parse(msg) as string;
      } catch {
        message = msg.slice(1, -1); // logfmt escapes are not always JSON's; keep the text between the quotes
      }
    }
  }
  return { time, level, message };
}
