/**
 * Tautulli (and PlexPy before it), FORMATS.md §7: Python logging with
 * `%(asctime)s - %(levelname)-7s :: %(threadName)s : %(message)s` → `2019-05-22 08:52:40 - ERROR   :: Thread-15 : msg`
 * (levels padded in v2, unpadded in older builds), PlexPy `19-Mar-2017 12:07:49` dates. Messages conventionally start
 * with the component (`Tautulli Monitor :: ...`), which becomes the record's logger. Tracebacks are continuation lines.
 * The ` - LEVEL ::` right after the seconds keeps SABnzbd (`,mmm::`) and Bazarr (`|`, `,mmm - logger (`) lines out.
 */
import type { Correlation, Level, LogRecord } from '../core/types.ts';
import { extractPythonException } from './exception.ts';
import { PYTHON_LEVELS } from './levels.ts';
import { createSecondCache } from './second-cache.ts';
import { monthNumber, type Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

/** Thread names hold spaces (`CP Server Thread-7`, `WebSocket-Plex-Entertainment 2`): the first ` : ` ends them. */
const HEADER =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}) - (DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) *:: (\S.*?) :(?: |$)/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const PLEXPY_DATE = /^(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
/** `Tautulli Monitor :: ...`, `PlexPy PlexTV :: ...`, `Websocket :: ...`: the module names itself. */
const COMPONENT = /^([A-Za-z][\w.]*(?: [A-Za-z][\w.]*){0,3}) :: /;

/** ActivityHandler/ActivityPinger: `Session 12 started by user 3 (alice) with ratingKey 4567 (Title).` and friends. */
const SESSION = /\b(?:Session|sessionKey) (\d+)\b/;
const RATING_KEY = /\bratingKey (\d+)\b/;
const STARTED_BY = / started by user \d+ \(([^)]+)\)/;

/** Tautulli's logger also writes Python's `WARN` alias. */
const LEVELS: Readonly<Record<string, Level>> = { ...PYTHON_LEVELS, WARN: 'warn' };

/** `YYYY-MM-DD HH:MM:SS` or PlexPy's `DD-Mon-YYYY HH:MM:SS`, local. */
function dateOf(key: string, zone: Zone): number | null {
  const iso = ISO_DATE.exec(key);
  if (iso) return zone.toEpoch(+iso[1]!, +iso[2]!, +iso[3]!, +iso[4]!, +iso[5]!, +iso[6]!, 0);
  const old = PLEXPY_DATE.exec(key);
  const month = old ? monthNumber(old[2] as string) : null;
  if (!old || month === null) return null;
  return zone.toEpoch(+old[3]!, month, +old[1]!, +old[4]!, +old[5]!, +old[6]!, 0);
}

export function createTautulliParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);

  return {
    id: 'tautulli',
    apps: ['tautulli'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      // ` - ` follows the 19-character ISO date-time (`2019-05-22 08:52:40 - `) or PlexPy's 20 (`19-Mar-2017 12:07:49 - `).
      if (c0 < 48 || c0 > 57 || (line.charCodeAt(20) !== 45 /* - */ && line.charCodeAt(21) !== 45)) return null;
      const m = HEADER.exec(line);
      if (!m) return null;
      const base = secondOf(m[1] as string, ctx.zone);
      if (base === null) return null;
      return {
        time: base,
        level: LEVELS[m[2] as string] ?? 'info',
        thread: m[3] as string,
        message: line.slice(m[0].length).trimEnd(),
      };
    },
    finish(rec: LogRecord): void {
      if (rec.orphan) return;
      const comp = COMPONENT.exec(rec.message);
      if (comp) {
        rec.logger = comp[1] as string;
        if (rec.logger.includes('Activity')) {
          const corr = activityCorrelation(rec.message);
          if (corr) rec.correlation = corr;
        }
      }
      if (rec.lines > 1) {
        const ex = extractPythonException(rec);
        if (ex) rec.exception = ex;
      }
    },
  };
}

/** Tautulli's activity monitor names the Plex session, the item and the user of a stream. */
function activityCorrelation(msg: string): Correlation | null {
  const corr: Correlation = {};
  const session = SESSION.exec(msg);
  if (session) corr.sessionId = session[1] as string;
  const rk = RATING_KEY.exec(msg);
  if (rk) corr.ratingKey = rk[1] as string;
  const user = STARTED_BY.exec(msg);
  if (user) corr.user = user[1] as string;
  return Object.keys(corr).length ? corr : null;
}
