/**
 * Compact encoding of stored lines (pure functions, no I/O). A record's text is kept once, rebuilt exactly on read:
 *
 * - the message as a template (every run of hex digits that holds a decimal digit masked) plus its arguments, so the
 *   template text is stored once in the dictionary and each line keeps only `192 168 1 23 45231` and the like;
 * - the raw line as prefix + message + tail, where a prefix whose only changing part is the timestamp (`May 01, 2024
 *   18:00:00.123 [0x7f70a5bfe700] DEBUG - `) becomes a dictionary template with the time rebuilt from the record's own
 *   `time` and the zone offset the line was written in.
 *
 * Anything that would not rebuild to the same bytes is kept as it is.
 */

/** Stands for one argument in a message template. */
export const ARG = '\u0002';
/** Brackets the time field of a prefix template: `\u0001<format>\u0001`. */
const TIME = '\u0001';

const VARIABLE = /[0-9a-fA-F]*[0-9][0-9a-fA-F]*/g;

export interface Masked {
  template: string;
  /** The masked parts, space separated (they never hold a space). */
  args: string;
}

/** Hex digits: 0-9 (2), a-f and A-F (1); anything else 0. */
const HEX = new Uint8Array(128);
for (let c = 48; c <= 57; c++) HEX[c] = 2;
for (let c = 65; c <= 70; c++) HEX[c] = 1;
for (let c = 97; c <= 102; c++) HEX[c] = 1;

/**
 * The message's template and arguments; null when the message cannot be templated (control markers inside). Every
 * maximal run of hex digits holding a decimal digit is an argument (what `VARIABLE` matches), found in one pass over
 * the characters (this runs for every stored line).
 */
export function mask(message: string): Masked | null {
  if (message.includes(ARG) || message.includes(TIME)) return null;
  let template = '';
  let args = '';
  let count = 0;
  let from = 0;
  const n = message.length;
  for (let i = 0; i < n; ) {
    const ch = message.charCodeAt(i);
    const kind = ch < 128 ? (HEX[ch] as number) : 0;
    if (kind === 0) {
      i++;
      continue;
    }
    const start = i;
    let digit = false;
    for (; i < n; i++) {
      const c = message.charCodeAt(i);
      const k = c < 128 ? (HEX[c] as number) : 0;
      if (k === 0) break;
      if (k === 2) digit = true;
    }
    if (!digit) continue;
    template += message.slice(from, start) + ARG;
    args = count++ === 0 ? message.slice(start, i) : `${args} ${message.slice(start, i)}`;
    from = i;
  }
  return { template: template + message.slice(from), args };
}

/** What `mask` computes, as the regex it replaces (the tests compare the two). */
export function maskByRegex(message: string): Masked | null {
  if (message.includes(ARG) || message.includes(TIME)) return null;
  const args: string[] = [];
  const template = message.replace(VARIABLE, (m) => {
    args.push(m);
    return ARG;
  });
  return { template, args: args.join(' ') };
}

export function unmask(template: string, args: string): string {
  if (!template.includes(ARG)) return template;
  const parts = args.split(' ');
  let i = 0;
  let out = '';
  let from = 0;
  for (let at = template.indexOf(ARG); at >= 0; at = template.indexOf(ARG, from)) {
    out += template.slice(from, at) + (parts[i++] ?? '');
    from = at + 1;
  }
  return out + template.slice(from);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Plex: `May 01, 2024 18:00:00.123`. */
const PLEX_TIME = /([A-Z][a-z]{2}) (\d{2}), (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/;
/** ISO-like: `2024-01-10 08:01:27.9`, `2024-01-10T08:01:27,123`. */
const ISO_TIME = /(\d{4})-(\d{2})-(\d{2})([ T])(\d{2}):(\d{2}):(\d{2})(?:([.,])(\d{1,3}))?(?!\d)/;

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

interface TimeFormat {
  kind: 'P' | 'I';
  /** Fraction digits written (0: none). */
  frac: number;
  /** `T` or space (ISO). */
  sep: string;
  /** `.` or `,` (ISO). */
  fracSep: string;
  /** Minutes the written local time is ahead of UTC. */
  offset: number;
}

function formatTime(f: TimeFormat, time: number): string {
  const d = new Date(time + f.offset * 60_000);
  const ms = d.getUTCMilliseconds();
  const frac = f.frac === 0 ? '' : String(ms).padStart(3, '0').slice(0, f.frac);
  const hms = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  if (f.kind === 'P') {
    return `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())}, ${d.getUTCFullYear()} ${hms}${frac ? `.${frac}` : ''}`;
  }
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}${f.sep}${hms}${frac ? `${f.fracSep}${frac}` : ''}`;
}

function encodeFormat(f: TimeFormat): string {
  return `${TIME}${f.kind}${f.frac}${f.sep === 'T' ? 'T' : '_'}${f.fracSep === ',' ? ',' : '.'}${f.offset}${TIME}`;
}

function decodeFormat(s: string): TimeFormat {
  return {
    kind: s[0] === 'P' ? 'P' : 'I',
    frac: Number(s[1]),
    sep: s[2] === 'T' ? 'T' : ' ',
    fracSep: s[3] === ',' ? ',' : '.',
    offset: Number(s.slice(4)),
  };
}

/**
 * The prefix with its timestamp replaced by a rebuildable time field, or null when it has no timestamp that the
 * record's `time` rebuilds byte for byte (then the prefix is unique to the line and is stored as it is).
 */
export function timeTemplate(prefix: string, time: number): string | null {
  if (prefix.includes(TIME) || prefix.includes(ARG)) return null;
  let m = PLEX_TIME.exec(prefix);
  let f: TimeFormat | null = null;
  let asUtc = Number.NaN;
  if (m) {
    const month = MONTHS.indexOf(m[1] as string);
    if (month < 0) return null;
    const frac = m[7] ?? '';
    asUtc = Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
    f = { kind: 'P', frac: frac.length, sep: ' ', fracSep: '.', offset: 0 };
    asUtc += frac ? Number(frac.padEnd(3, '0')) : 0;
  } else {
    m = ISO_TIME.exec(prefix);
    if (!m) return null;
    const frac = m[9] ?? '';
    asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[5]), Number(m[6]), Number(m[7]));
    asUtc += frac ? Number(frac.padEnd(3, '0')) : 0;
    f = { kind: 'I', frac: frac.length, sep: m[4] as string, fracSep: m[8] ?? '.', offset: 0 };
  }
  const diff = asUtc - time;
  if (!Number.isFinite(diff) || diff % 60_000 !== 0 || Math.abs(diff) > 18 * 3_600_000) return null;
  f.offset = diff / 60_000;
  const text = m[0];
  if (formatTime(f, time) !== text) return null;
  return prefix.slice(0, m.index) + encodeFormat(f) + prefix.slice(m.index + text.length);
}

/** Rebuilds a prefix from its template and the record's time. */
export function renderTime(template: string, time: number): string {
  const a = template.indexOf(TIME);
  if (a < 0) return template;
  const b = template.indexOf(TIME, a + 1);
  return template.slice(0, a) + formatTime(decodeFormat(template.slice(a + 1, b)), time) + template.slice(b + 1);
}
