/**
 * Bazarr (FORMATS.md §6), Python logging in two layouts:
 * - file `bazarr.log`: `YYYY-MM-DD HH:MM:SS|LEVEL   |logger (padded to 32)|message|`, old versions `DD/MM/YYYY`.
 *   Bazarr's OneLineExceptionFormatter flattens a traceback onto the same line: `message|'Traceback (most recent call
 *   last):\n  File ...\nKeyError: 'x''|` with the newlines escaped (it is the `repr()` of the traceback text).
 * - docker console: `YYYY-MM-DD HH:MM:SS,mmm - logger (thread hex) :  LEVEL (module:line) - message`, tracebacks on
 *   following lines.
 * Both start with a digit and a date; the character after the seconds (`|` or `,`) tells them apart cheaply.
 */
import type { LogRecord, RecordException } from '../core/types.ts';
import { extractPythonException } from './exception.ts';
import { PYTHON_LEVELS as LEVELS } from './levels.ts';
import { createSecondCache } from './second-cache.ts';
import type { Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

const FILE_HEADER =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2})\|(DEBUG|INFO|WARNING|ERROR|CRITICAL) *\|([^|]*)\|/;
const CONSOLE_HEADER =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),(\d{3}) - (\S+) +\(([0-9a-fA-F]+)\) : +(DEBUG|INFO|WARNING|ERROR|CRITICAL) \(([^)\s]*)\) - /;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DMY_DATE = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
/** Where the flattened traceback begins inside a file-layout message. */
const ONE_LINE_TRACEBACK = /\|(['"])Traceback \(most recent call last\):\\n/;

/** `YYYY-MM-DD HH:MM:SS` or the old `DD/MM/YYYY HH:MM:SS`, local. */
function dateOf(key: string, zone: Zone): number | null {
  const iso = ISO_DATE.exec(key);
  if (iso) return zone.toEpoch(+iso[1]!, +iso[2]!, +iso[3]!, +iso[4]!, +iso[5]!, +iso[6]!, 0);
  const dmy = DMY_DATE.exec(key);
  return dmy ? zone.toEpoch(+dmy[3]!, +dmy[2]!, +dmy[1]!, +dmy[4]!, +dmy[5]!, +dmy[6]!, 0) : null;
}

export function createBazarrParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);

  return {
    id: 'bazarr',
    apps: ['bazarr'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 < 48 || c0 > 57 || line.length < 21) return null;
      const sep = line.charCodeAt(19);
      if (sep === 124 /* | */) {
        const m = FILE_HEADER.exec(line);
        if (!m) return null;
        const base = secondOf(m[1] as string, ctx.zone);
        if (base === null) return null;
        let message = line.slice(m[0].length).trimEnd();
        // The layout ends every record with `|`; a line cut by the paste or the line cap may have lost it.
        if (message.endsWith('|')) message = message.slice(0, -1);
        const tb = ONE_LINE_TRACEBACK.exec(message);
        if (tb) message = message.slice(0, tb.index);
        return { time: base, level: LEVELS[m[2] as string] ?? 'info', logger: (m[3] as string).trim(), message };
      }
      if (sep === 44 /* , */) {
        const m = CONSOLE_HEADER.exec(line);
        if (!m) return null;
        const base = secondOf(m[1] as string, ctx.zone);
        if (base === null) return null;
        return {
          time: base + Number(m[2]),
          level: LEVELS[m[5] as string] ?? 'info',
          logger: m[3] as string,
          thread: m[4] as string,
          message: line.slice(m[0].length).trimEnd(),
        };
      }
      return null;
    },
    finish(rec: LogRecord): void {
      if (rec.orphan) return;
      const ex = rec.lines > 1 ? extractPythonException(rec) : oneLineException(rec);
      if (ex) rec.exception = ex;
    },
  };
}

/** Reads the traceback Bazarr's file formatter flattened into the header line (escaped newlines and quotes). */
function oneLineException(rec: LogRecord): RecordException | undefined {
  const first = rec.raw;
  const m = ONE_LINE_TRACEBACK.exec(first);
  if (!m) return undefined;
  const quote = m[1] as string;
  let body = first.slice(m.index + 2).trimEnd();
  if (body.endsWith('|')) body = body.slice(0, -1);
  if (body.endsWith(quote)) body = body.slice(0, -1);
  // One pass, so an escaped backslash before an `n` (`C:\\new`) stays a backslash.
  const text = body.replace(/\\([nt'"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  return extractPythonException({ ...rec, raw: text });
}
