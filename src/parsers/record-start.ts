/**
 * The record-start detector: does a line no app format recognised still begin a new record? Users paste what they
 * have — a hotio banner inside a Sonarr paste, a Portainer or Dozzle export, an Electron app's console, a copy of the
 * *arr System → Logs table, a shell's "Segmentation fault" — and without this the whole paste after the last known
 * header becomes one record (issue 9 point 5). A line starts a record when it begins with:
 * - a timestamp in a common shape (stamp.ts), whatever follows; a level word near it is read, else the record is
 *   unlevelled and the assembler levels it by its content (a dump is an error, anything else info);
 * - a level word in a console position: `[INF] `, `[ warn ]`, `WARN `, `ERROR: `, `info: `, `Error Main: ` (.NET
 *   console), `|Info|Logger|` (NLog with its date lost), `Error<TAB>` (a Windows Event Viewer copy), optionally
 *   followed by a timestamp;
 * - a row of a copied UI log table: component, message and a time (`11:31am`, `Today`) in tab- or space-aligned
 *   columns.
 * Never a start: indented text (stack frames), exception and traceback lines, crash reports (`Segmentation fault`,
 * `terminate called…`: they continue the record above, whose level the assembler raises when it had none), a date or
 * time alone on its line, `[tag]` prefixes without a level (s6-overlay v2, ffmpeg's `[hls @ 0x…]`), version tags,
 * Next.js's `warn  - ` notices (FORMATS.md §1.5).
 */
import type { Level } from '../core/types.ts';
import { LEVEL_WORDS as WORDS } from './levels.ts';
import { leadingStamp, type Stamp } from './stamp.ts';
import type { Header, ParseContext } from './types.ts';

/**
 * Bare upper-case words that open a console line (`WARN disk low`, `ERROR: x`, Python's default `WARNING:root:x`);
 * rarer ones need brackets.
 */
const BARE_UPPER =
  /^(TRACE|VERBOSE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|CRITICAL|FATAL)(?::? |:$|$|:(?=[\w.]+:))/;
/** `[INF] `, `[ ERROR ]`, `<warn>`: any case. */
const BRACKETED = /^(?:\[ ?([A-Za-z]{3,11}) ?\]|<([A-Za-z]{3,11})>)(?: |:|$)/;
/** winston/npm-style console `info: message`. */
const LOWER_COLON = /^(trace|verbose|debug|info|notice|warn|warning|error|fatal|critical): /;
/** An NLog file line whose date the paste lost: `|Info|MoveSeriesService|Moving ...`. */
const HEADLESS_NLOG = /^\|(Trace|Debug|Info|Warn|Error|Fatal)\|([^|\s]+)\|/;
/** Windows Event Viewer copies: `Error<TAB>12/2/2026 10:00:00 AM<TAB>Application Error<TAB>1000`. */
const EVENT_VIEWER = /^(Information|Warning|Error|Critical|Verbose)\t/;
/** A .NET console layout without a time: `Error Main: Error in appHost.Init`, `Info App: Loading…`. */
const TITLE_LOGGER = /^(Trace|Debug|Info|Warn|Error|Fatal) (?=[A-Z][\w.]*: )/;

/** A time cell of a copied UI table: `11:31am`, `3:42:01 PM`, `Today`, `Yesterday 11:31am`, `12/2/2026 10:00`. */
const CELL = String.raw`(?:(?:Today|Yesterday|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? )?(\d{1,2}):(\d{2})(?::(\d{2}))? ?([ap]m|[AP]M)?|Today|Yesterday|\d{1,2}/\d{1,2}/\d{2,4}`;
const SEP = String.raw`(?:\t+| {2,})`;
/** Radarr/Sonarr v2-style rows: `[level<TAB>]Component<TAB>Message<TAB>11:31am`. Groups: component message h mi s ampm. */
const ROW_TIME_LAST = new RegExp(
  String.raw`^\s*(?:[A-Za-z]{3,11}\t\s*)?([A-Z][\w.]{2,60})${SEP}(\S.*?)${SEP}(?:${CELL})\s*$`,
);
/** v3+ rows: `[level<TAB>]Time<TAB>Component<TAB>Message`. Groups: h mi s ampm component message. */
const ROW_TIME_FIRST = new RegExp(
  String.raw`^\s*(?:[A-Za-z]{3,11}\t\s*)?(?:${CELL})${SEP}([A-Z][\w.]{2,60})${SEP}(\S.*)$`,
);

const LEAD = /^[\s\]>:|,;-]+/;

/** The header a line would have as the start of a record in a layout no format knows, or null. */
export function recordStart(line: string, ctx: ParseContext): Header | null {
  if (line.length === 0) return null;
  const c0 = line.charCodeAt(0);
  if (c0 === 32 || c0 === 9) return tableRow(line);
  if (c0 === 124 /* | */) return headlessNlog(line);
  const stamp = leadingStamp(line, ctx);
  if (stamp) return stamped(stamp, line);
  return levelFirst(line, ctx) ?? tableRow(line);
}

function header(stamp: Stamp | null, level: Level | undefined, message: string): Header {
  const h: Header = { time: stamp?.time ?? null, level: level ?? 'info', message };
  if (stamp?.timeOfDay !== undefined) h.timeOfDay = stamp.timeOfDay;
  if (level === undefined) h.unlevelled = true;
  return h;
}

/** A timestamped line: its level is the first level word among the next few fields, if any. */
function stamped(stamp: Stamp, line: string): Header | null {
  const rest = line.slice(stamp.end);
  if (stamp.level) return header(stamp, stamp.level, rest.replace(LEAD, '').trimEnd());
  const found = levelField(rest);
  if (!found) {
    const message = rest.replace(LEAD, '').trimEnd();
    // A date or time alone on its line is a cell of a copied table (`28-10-2023` / `16:43:54` under each row), not
    // an event.
    return message ? header(stamp, undefined, message) : null;
  }
  return header(stamp, found.level, rest.slice(found.end).replace(LEAD, '').trimEnd());
}

const TOKEN = /\S+/g;
const TITLE_CASE = /^[A-Z][a-z]+$/;

/**
 * The level among the first five whitespace-separated fields after a timestamp: upper case in any decoration
 * (`ERROR`, `[ERROR]`, `[ DEBUG ]`, `production.ERROR:`, `|ERROR|`, the kernel's `*ERROR*`), other cases only when
 * decorated as a field (`[info]`, `Warning:`, `|Info|`, `<error>`, `level=warn`) or first. Free text (`the error
 * was…`) is not a level.
 */
function levelField(rest: string): { level: Level; end: number } | null {
  TOKEN.lastIndex = 0;
  const text = rest.length > 120 ? rest.slice(0, 120) : rest;
  for (let i = 0; i < 5; i++) {
    const m = TOKEN.exec(text);
    if (!m) return null;
    const token = m[0];
    let core = token.replace(/^[[<(|*]+|[\]>)|:,*]+$/g, '');
    const decorated = core.length !== token.length;
    if (core.startsWith('level=') || core.startsWith('lvl='))
      core = core.slice(core.indexOf('=') + 1).replace(/"/g, '');
    const dot = core.lastIndexOf('.');
    if (dot > 0) core = core.slice(dot + 1);
    const level = WORDS[core.toLowerCase()];
    if (!level) continue;
    const upper = core === core.toUpperCase();
    if (
      upper ||
      decorated ||
      (i === 0 && TITLE_CASE.test(core)) ||
      token.startsWith('level=') ||
      token.startsWith('lvl=')
    ) {
      return { level, end: m.index + token.length };
    }
  }
  return null;
}

/** Console lines that open with a level (and perhaps then a timestamp): `[INF] x`, `WARN x`, `info: x`. */
function levelFirst(line: string, ctx: ParseContext): Header | null {
  let word: string | undefined;
  let end = 0;
  const c0 = line.charCodeAt(0);
  if (c0 === 91 /* [ */ || c0 === 60 /* < */) {
    const m = BRACKETED.exec(line);
    if (m) {
      word = m[1] ?? m[2];
      end = m[0].length;
    }
  } else if (c0 >= 65 && c0 <= 90) {
    const m = BARE_UPPER.exec(line) ?? EVENT_VIEWER.exec(line) ?? TITLE_LOGGER.exec(line);
    if (m) {
      word = m[1];
      end = m[0].length;
    }
  } else if (c0 >= 97 && c0 <= 122) {
    const m = LOWER_COLON.exec(line);
    if (m) {
      word = m[1];
      end = m[0].length;
    }
  }
  const level = word === undefined ? undefined : WORDS[word.toLowerCase()];
  if (!level) return null;
  let rest = line.slice(end).replace(/^\s+/, '');
  const stamp = leadingStamp(rest, ctx);
  if (stamp) rest = rest.slice(stamp.end);
  return header(stamp, level, rest.replace(LEAD, '').trimEnd());
}

function headlessNlog(line: string): Header | null {
  const m = HEADLESS_NLOG.exec(line);
  if (!m) return null;
  const h = header(null, WORDS[(m[1] as string).toLowerCase()], line.slice(m[0].length).trimEnd());
  h.logger = m[2] as string;
  return h;
}

/** A copied UI table row; its level was an icon, so it is unlevelled. */
function tableRow(line: string): Header | null {
  // Cheap gate first (this runs for every indented continuation line): columns need a tab or a run of spaces after
  // the first cell's text, which a stack frame (`   at X.Y() in …`) or a wrapped line does not have.
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  if (line.indexOf('\t', i) < 0 && line.indexOf('  ', i) < 0) return null;
  const last = line.charCodeAt(line.length - 1);
  if (last === 32 || last === 9) line = line.trimEnd();
  let m = ROW_TIME_FIRST.exec(line);
  let h: Header | null = null;
  if (m) {
    h = header(null, undefined, (m[6] as string).trim());
    h.logger = m[5] as string;
    const tod = cellTime(m[1], m[2], m[3], m[4]);
    if (tod !== undefined) h.timeOfDay = tod;
    return h;
  }
  m = ROW_TIME_LAST.exec(line);
  if (!m) return null;
  h = header(null, undefined, (m[2] as string).trim());
  h.logger = m[1] as string;
  const tod = cellTime(m[3], m[4], m[5], m[6]);
  if (tod !== undefined) h.timeOfDay = tod;
  return h;
}

function cellTime(h?: string, mi?: string, s?: string, ampm?: string): number | undefined {
  if (h === undefined) return undefined;
  let hour = Number(h);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (ampm[0] === 'p' || ampm[0] === 'P' ? 12 : 0);
  }
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return (hour * 3600 + minute * 60 + second) * 1000;
}
