/**
 * The Servarr family (Sonarr, Radarr, Prowlarr, Lidarr, Readarr, Whisparr) logs through NLog (FORMATS.md §5).
 * File layout `yyyy-MM-dd HH:mm:ss.f|Level|Logger|message` (legacy `yy-M-d`, 20yy), console layout
 * `[Level] Logger: message`. Exceptions follow the header after a blank line as `[vX.Y.Z.W] Type: message` (v2 had no
 * version tag) with .NET or mono frames; HTTP bodies and `Validation failed:` details are continuations too.
 * Both layouts are tried on every line of every app in auto/docker mode, so they are anchored and exact: Title-case
 * levels only, so Bazarr's `INFO    |` never matches, and a `[v3.0.1.411]` version tag is never a console header.
 */
import type { Correlation, LogRecord } from '../core/types.ts';
import { extractDotNetException } from './exception.ts';
import { TITLE_CASE_LEVELS as LEVELS } from './levels.ts';
import { createSecondCache } from './second-cache.ts';
import { fractionMs, type Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

/** Date-time without its fraction (the per-second cache key), fraction, level, logger. Split on the first 3 pipes. */
const FILE_HEADER =
  /^((?:\d{4}-\d{2}-\d{2}|\d{2}-\d{1,2}-\d{1,2}) \d{1,2}:\d{2}:\d{2})(?:\.(\d{1,7}))?\|(Trace|Debug|Info|Warn|Error|Fatal)\|([^|\s]+)\|/;
const DATE_TIME = /^(\d{2}|\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})$/;
/** `[Info] BookInfoProxy: message`: the logger is a .NET type name, so a `[v0.3.10.2287]` tag cannot match. */
const CONSOLE_HEADER = /^\[(Trace|Debug|Info|Warn|Error|Fatal)\] ([A-Za-z_][\w.`]*):(?: |$)/;

/** `Req: 151 [GET] /api/v3/command (from 172.17.0.1 Mozilla/5.0 ...)`; users mask addresses (`185.*.*.41`). */
const HTTP_REQ = /^Re[qs]: (\d+) \[[A-Z]+\] /;
const FROM = / \(from ([0-9A-Fa-f.:*]+)[ )]/;
/** AuthenticationService: `Auth-Success ip 172.18.0.1 username 'admin'`, `Auth-Unauthorized ip 1.2.3.4 url '/x'`. */
const AUTH = /^Auth-\w+ ip (\S+)(?: username '([^']*)')?/;
/** FluentValidation detail: ` -- GoodreadsId: A book with this ID was not found`; the field may be empty (` -- : x`). */
const VALIDATION_DETAIL = /^ -- (?:([^:]*): )?(.*)$/;

/** Epoch ms of a `yyyy-MM-dd HH:mm:ss` / `yy-M-d H:mm:ss` local wall clock. */
function dateOf(key: string, zone: Zone): number | null {
  const d = DATE_TIME.exec(key);
  if (!d) return null;
  const y = (d[1] as string).length === 2 ? 2000 + Number(d[1]) : Number(d[1]);
  return zone.toEpoch(y, Number(d[2]), Number(d[3]), Number(d[4]), Number(d[5]), Number(d[6]), 0);
}

export function createNlogParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);

  return {
    id: 'nlog',
    apps: ['sonarr', 'radarr', 'prowlarr', 'lidarr', 'readarr', 'whisparr'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 >= 48 && c0 <= 57) {
        // Both date forms have a `-` at 2 (`19-8-26`) or 4 (`2019-08-26`): rejects other digit-led lines cheaply.
        if (line.charCodeAt(2) !== 45 && line.charCodeAt(4) !== 45) return null;
        const m = FILE_HEADER.exec(line);
        if (!m) return null;
        const base = secondOf(m[1] as string, ctx.zone);
        if (base === null) return null;
        return {
          time: base + fractionMs(m[2]),
          level: LEVELS[m[3] as string] ?? 'info',
          logger: m[4] as string,
          message: line.slice(m[0].length).trimEnd(),
        };
      }
      if (c0 === 91 /* [ */) {
        const m = CONSOLE_HEADER.exec(line);
        if (!m) return null;
        return {
          time: null,
          level: LEVELS[m[1] as string] ?? 'info',
          logger: m[2] as string,
          // The console layout puts a space between the message and the (optional) exception: trailing space is noise.
          message: line.slice(m[0].length).trimEnd(),
        };
      }
      return null;
    },
    finish(rec: LogRecord): void {
      if (rec.orphan) {
        // A pasted exception block without its header: still worth naming the exception.
        const ex = extractDotNetException(rec, true);
        if (ex) rec.exception = ex;
        return;
      }
      const corr = correlationOf(rec.message);
      if (corr) rec.correlation = corr;
      if (rec.lines > 1) {
        const ex = extractDotNetException(rec);
        if (ex) {
          if (ex.message.endsWith('Validation failed:')) ex.message = withValidationDetails(ex.message, ex.stack);
          rec.exception = ex;
        }
      }
      // `Invalid request Validation failed: ` + ` -- Field: message` lines, no exception: the details are the message.
      if (rec.lines > 1 && rec.message.endsWith('Validation failed:')) {
        rec.message = withValidationDetails(rec.message, rec.raw.slice(rec.raw.indexOf('\n') + 1));
      }
    },
  };
}

function correlationOf(msg: string): Correlation | null {
  const c0 = msg.charCodeAt(0);
  if (c0 === 82 /* R */ && (msg.startsWith('Req: ') || msg.startsWith('Res: '))) {
    const m = HTTP_REQ.exec(msg);
    if (!m) return null;
    const corr: Correlation = { requestId: m[1] as string };
    const from = msg.charCodeAt(2) === 113 /* q */ ? FROM.exec(msg) : null;
    if (from) corr.clientIp = from[1] as string;
    return corr;
  }
  if (c0 === 65 /* A */ && msg.startsWith('Auth-')) {
    const m = AUTH.exec(msg);
    if (!m) return null;
    const corr: Correlation = { clientIp: m[1] as string };
    if (m[2]) corr.user = m[2];
    return corr;
  }
  return null;
}

/** Appends FluentValidation's ` -- Field: message` lines (the actual reasons) to a `Validation failed:` text. */
function withValidationDetails(message: string, following: string | undefined): string {
  if (!following) return message;
  const details: string[] = [];
  for (const line of following.split('\n')) {
    const m = VALIDATION_DETAIL.exec(line);
    if (!m) break;
    details.push(m[1] ? `${m[1]}: ${(m[2] as string).trim()}` : (m[2] as string).trim());
  }
  return details.length ? `${message} ${details.join('; ')}` : message;
}
