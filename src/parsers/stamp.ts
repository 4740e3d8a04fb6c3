/**
 * Timestamps in the shapes people's logs start with, whoever wrote them: ISO 8601 with or without fraction, offset or
 * seconds' fraction (`2024-01-01 10:00:00`, `2024/01/01T10:00:00,5+02:00`), day- or month-first numeric dates
 * (`02.12.2026 10:00:00`, `12/2/2026 10:00:00 AM`), month names (`Dec 02, 2026 10:00:00`, `02-Dec-2026 10:00:00`,
 * ctime, RFC 1123, syslog, Common Log Format), a time of day alone (`10:00:00`, `3:42:01 PM`), glog's `E1202 10:00:00`
 * and Chromium/Electron's `[pid:tid:MMDD/HHMMSS.us:LEVEL:file(n)]`. Used by the record-start detector (record-start.ts)
 * on lines no app format recognised; one anchored regex per shape family, picked by the first character.
 */
import type { Level } from '../core/types.ts';
import { fractionMs, monthNumber, parseOffset } from './time.ts';
import type { ParseContext } from './types.ts';

export interface Stamp {
  /** Epoch ms, or null when the stamp has no year (time of day, syslog, Chromium). */
  time: number | null;
  /** Milliseconds since local midnight, for stamps without a full date. */
  timeOfDay?: number;
  /** Index just after the stamp (and its closing bracket). */
  end: number;
  /** A level the stamp's own layout carries (glog's letter, Chromium's field). */
  level?: Level;
  /** Internal: the stamp ended with an explicit offset. */
  zoned?: boolean;
}

const OFFSET = String.raw`(?: ?([+-]\d{2}:?\d{2}|(?:Z|UTC|GMT)(?![A-Za-z])))?`;
const FRAC = String.raw`(?:[.,](\d{1,9}))?`;
const HMS = String.raw`(\d{1,2}):(\d{2}):(\d{2})`;
const AMPM = String.raw`(?: ?([AaPp])\.?[Mm]\.?(?![\w]))?`;

/** `2024-01-01 10:00:00`, `2024/1/1T10:00:00.123Z`, `2024.01.01 10:00:00 +02:00`. Groups: y mo d h mi s frac off. */
const YMD = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:T| {1,2}|_)${HMS}${FRAC}${OFFSET}`);
/** `02.12.2026 10:00:00`, `12/2/2026, 10:00:00 AM`, `2-12-2026 10:00`. Groups: a sep b y h mi s frac ampm. */
const DMY = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}),? {1,2}${HMS}${FRAC}${AMPM}`);
/** `Dec 02, 2026 10:00:00`, `Dec 2 2026 10:00:00`. Groups: mon d y h mi s frac ampm. */
const MON_D_Y = new RegExp(String.raw`^([A-Z][a-z]{2})[a-z]*\.? {1,2}(\d{1,2}),? (\d{4}),? ${HMS}${FRAC}${AMPM}`);
/** `02 Dec 2026 10:00:00`, `02-Dec-2026 10:00:00.123`, `Wed, 02 Dec 2026 10:00:00 GMT`. Groups: d mon y h mi s frac off. */
const D_MON_Y = new RegExp(
  String.raw`^(?:[A-Z][a-z]{2}, )?(\d{1,2})[ -]([A-Z][a-z]{2})[a-z]*[ -](\d{4})[ :]${HMS}${FRAC}${OFFSET}`,
);
/** ctime: `Wed Dec  2 10:00:00 2026`, `Wed Dec 02 10:00:00.123 UTC 2026`. Groups: mon d h mi s frac y. */
const CTIME = new RegExp(
  String.raw`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) ${HMS}${FRAC}(?: [A-Z]{3,4})? (\d{4})`,
);
/** syslog without host (the envelope took the rest): `Dec  2 10:00:00`. Groups: mon d h mi s frac. */
const SYSLOG = new RegExp(String.raw`^([A-Z][a-z]{2}) {1,2}(\d{1,2}) ${HMS}${FRAC}(?![\d:])`);
/** Common Log Format: `02/Dec/2026:10:00:00 +0000`. Groups: d mon y h mi s off. */
const CLF = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?/;
/** A time of day: `10:00:00`, `10:00:00.123`, `3:42:01 PM`. Groups: h mi s frac ampm. */
const TOD = new RegExp(`^${HMS}${FRAC}${AMPM}`);
/** dmesg: `[ 2793.266777] ` or `[12793.266777] `. */
const DMESG = /^\[ *\d{1,8}\.\d{6}\](?= |$)/;
/** glog / klog: `E1202 10:00:00.123456 ...`. Groups: letter h mi s frac. */
const GLOG = /^([IWEF])\d{4} (\d{2}):(\d{2}):(\d{2})\.(\d{6}) /;
/** Chromium/Electron/CEF: `[1234:5678:1202/100000.123456:ERROR:file.cc(12)]`. Groups: h mi s frac level. */
const CHROMIUM = /^\[(?:\d+:){1,2}\d{4}\/(\d{2})(\d{2})(\d{2})\.(\d+):([A-Z]+):[^\]]*\]/;

const LETTER: Readonly<Record<string, Level>> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };
const CHROMIUM_LEVEL: Readonly<Record<string, Level>> = {
  VERBOSE: 'trace',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
};

/**
 * The timestamp `line` starts with (after an optional `[` or `(`), or null. The character after it must end a field
 * (space, bracket, pipe, dash, colon, comma or the line's end), so a version string or an id that merely begins with
 * digits is not a time.
 */
export function leadingStamp(line: string, ctx: ParseContext): Stamp | null {
  const c0 = line.charCodeAt(0);
  if (c0 === 91 /* [ */ && line.charCodeAt(1) === 32) {
    // The kernel's ring buffer: `[ 2793.266777] i915 …`, seconds since boot — a record start without a wall time.
    const m = DMESG.exec(line);
    return m ? { time: null, end: m[0].length } : null;
  }
  if (c0 === 91 /* [ */ && line.charCodeAt(1) >= 48 && line.charCodeAt(1) <= 57) {
    const k = DMESG.exec(line);
    if (k) return { time: null, end: k[0].length };
    const m = CHROMIUM.exec(line);
    if (m) {
      const tod = clock(m[1], m[2], m[3], m[4]);
      if (tod === null) return null;
      const level = CHROMIUM_LEVEL[m[5] as string];
      return level
        ? { time: null, timeOfDay: tod, end: m[0].length, level }
        : { time: null, timeOfDay: tod, end: m[0].length };
    }
  }
  const open = c0 === 91 /* [ */ || c0 === 40; /* ( */
  const at = open ? 1 : 0;
  const text = open ? line.slice(1) : line;
  const s = bare(text, ctx);
  if (!s) return null;
  let end = s.end + at;
  if (open) {
    // The stamp must fill the bracket: `[2024-01-01 10:00:00]`, `(10:00:00)`.
    const close = line.charCodeAt(end);
    if (close === 32) {
      // Serilog's console default and its cousins put the level inside: `[10:00:00 INF]`, `[2024-03-01 10:00:00 ERROR]`.
      const m = INNER_LEVEL.exec(line.slice(end, end + 14));
      const level = m ? INNER_LEVELS[(m[1] as string).toUpperCase()] : undefined;
      if (!m || !level) return null;
      s.level = level;
      end += m[0].length;
    } else if (close !== 93 && close !== 41) return null;
    else end++;
  }
  // An offset ends a stamp by itself: some exports glue the next field on (`…+02:002024-04-16 19:40:43 INFO …`).
  if (end < line.length && !FIELD_END.has(line.charCodeAt(end)) && !(s.zoned && !open)) return null;
  s.end = end;
  delete s.zoned;
  return s;
}

const INNER_LEVEL = /^ ([A-Za-z]{3,11})[\])]/;
const INNER_LEVELS: Readonly<Record<string, Level>> = {
  VRB: 'trace',
  VERBOSE: 'trace',
  TRACE: 'trace',
  DBG: 'debug',
  DEBUG: 'debug',
  INF: 'info',
  INFO: 'info',
  WRN: 'warn',
  WARN: 'warn',
  WARNING: 'warn',
  ERR: 'error',
  ERROR: 'error',
  FTL: 'fatal',
  FATAL: 'fatal',
  CRITICAL: 'fatal',
};

const WEEKDAYS: ReadonlySet<string> = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

/** Characters that may follow a timestamp. */
const FIELD_END: ReadonlySet<number> = new Set([32, 9, 93, 41, 124, 45, 58, 44, 59, 62, 91]);

function bare(text: string, ctx: ParseContext): Stamp | null {
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const c4 = text.charCodeAt(4);
    if (c4 >= 45 && c4 <= 47) {
      const m = YMD.exec(text);
      if (m) return dated(m[1], m[3], m[4], m[5], m[6], m[7], m[8], undefined, m[9], m[0].length, ctx);
    }
    let m = DMY.exec(text);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[3]);
      // `/` with a 12-hour clock is the US order (month first); a 24-hour clock or `.`/`-` is day first, unless the
      // numbers allow only the other reading (`12/25/2026`, `25/12/2026`).
      const monthFirst = a > 12 ? false : b > 12 ? true : m[2] === '/' && m[9] !== undefined;
      const [d, mo] = monthFirst ? [m[3], m[1]] : [m[1], m[3]];
      return dated(m[4], mo, d, m[5], m[6], m[7], m[8], m[9], undefined, m[0].length, ctx);
    }
    m = D_MON_Y.exec(text);
    if (m) return named(m[2], m[1], m[3], m[4], m[5], m[6], m[7], undefined, m[8], m[0].length, ctx);
    m = CLF.exec(text);
    if (m) return named(m[2], m[1], m[3], m[4], m[5], m[6], undefined, undefined, m[7], m[0].length, ctx);
    m = TOD.exec(text);
    if (m) {
      const tod = clock(m[1], m[2], m[3], m[4], m[5]);
      return tod === null ? null : { time: null, timeOfDay: tod, end: m[0].length };
    }
    return null;
  }
  if (c0 < 65 || c0 > 90) return null;
  // Every shape from here on opens with a month or weekday name, or glog's letter and digits: one lookup rejects
  // the exception and message lines that reach the detector (`System.IO.IOException: …`).
  const c1 = text.charCodeAt(1);
  if (!(c1 >= 48 && c1 <= 57) && monthNumber(text.slice(0, 3)) === null && !WEEKDAYS.has(text.slice(0, 3))) return null;
  let m = MON_D_Y.exec(text);
  if (m) return named(m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], undefined, m[0].length, ctx);
  m = D_MON_Y.exec(text);
  if (m) return named(m[2], m[1], m[3], m[4], m[5], m[6], m[7], undefined, m[8], m[0].length, ctx);
  m = CTIME.exec(text);
  if (m) return named(m[1], m[2], m[7], m[3], m[4], m[5], m[6], undefined, undefined, m[0].length, ctx);
  m = SYSLOG.exec(text);
  if (m && monthNumber(m[1] as string) !== null) {
    const tod = clock(m[3], m[4], m[5], m[6]);
    return tod === null ? null : { time: null, timeOfDay: tod, end: m[0].length };
  }
  m = GLOG.exec(text);
  if (m) {
    const tod = clock(m[2], m[3], m[4], m[5]);
    return tod === null
      ? null
      : { time: null, timeOfDay: tod, end: m[0].length - 1, level: LETTER[m[1] as string] as Level };
  }
  return null;
}

/** Milliseconds since midnight, or null when the fields are not a time of day. */
function clock(h?: string, mi?: string, s?: string, frac?: string, ampm?: string): number | null {
  let hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = ampm === 'p' || ampm === 'P';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 60) return null;
  return (hour * 3600 + minute * 60 + second) * 1000 + fractionMs(frac);
}

function dated(
  y?: string,
  mo?: string,
  d?: string,
  h?: string,
  mi?: string,
  s?: string,
  frac?: string,
  ampm?: string,
  off?: string,
  end = 0,
  ctx?: ParseContext,
): Stamp | null {
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || !ctx) return null;
  const tod = clock(h, mi, s, frac, ampm);
  if (tod === null) return null;
  const year = Number(y);
  const offMin = off === undefined ? null : off === 'UTC' || off === 'GMT' ? 0 : parseOffset(off);
  const time =
    offMin === null
      ? ctx.zone.toEpoch(
          year,
          month,
          day,
          Math.floor(tod / 3_600_000),
          Math.floor(tod / 60_000) % 60,
          Math.floor(tod / 1000) % 60,
          tod % 1000,
        )
      : Date.UTC(year, month - 1, day) - offMin * 60_000 + tod;
  if (!Number.isFinite(time)) return null;
  return offMin === null ? { time, end } : { time, end, zoned: true };
}

function named(
  mon?: string,
  d?: string,
  y?: string,
  h?: string,
  mi?: string,
  s?: string,
  frac?: string,
  ampm?: string,
  off?: string,
  end = 0,
  ctx?: ParseContext,
): Stamp | null {
  const month = monthNumber(mon ?? '');
  if (month === null) return null;
  return dated(y, String(month), d, h, mi, s, frac, ampm, off, end, ctx);
}
