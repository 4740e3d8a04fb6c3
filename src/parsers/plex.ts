/**
 * Plex Media Server and Plex Media Scanner logs (FORMATS.md §2):
 * `MMM dd, yyyy HH:mm:ss.fff [<thread>] LEVEL - <message>`, thread decimal or `0x` hex, VERBOSE below DEBUG, and the
 * `Debug — ` variant copied from Plex's log viewer. Local time; the startup banner announces the zone (`GMT -05:00`).
 * This is the hot path of the benchmark: one anchored regex, and the date part is converted once per second.
 */
import type { Correlation, Level, LogRecord } from '../core/types.ts';
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
const COMPONENT_BRACKETS = /^(?:\[([^\]]+)\]\s*)+/;
const COMPONENT_WORD = /^([A-Za-z][\w .]{1,40}?):\s/;
const REQ = /\bReq#([0-9a-f]+)/;
const TRANSCODE_SESSION = /\/transcode\/session\/([\w-]+)\/([0-9a-f-]{36})/i;
const RATING_KEY = /\bratingKey[=:"\s]+(\d+)/i;
const METADATA = /\/library\/metadata\/(\d+)/;
const CLIENT_IP = /\[((?:\d{1,3}\.){3}\d{1,3}|[0-9a-f:]+:[0-9a-f:]*):\d+\]/i;

/** The date fields HEADER already split out, local; null for a month name Plex's locale wrote that is not known. */
function dateOf(_key: string, zone: Zone, m: RegExpExecArray): number | null {
  const month = monthNumber(m[1] as string);
  if (month === null) return null;
  return zone.toEpoch(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), 0);
}

export function createPlexParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);
  return {
    id: 'plex',
    apps: ['plex'],
    header(line: string, ctx: ParseContext): Header | null {
      // Cheap pre-check: `Mmm dd, yyyy` has a comma at 6 or 5.
      const c0 = line.charCodeAt(0);
      if (c0 < 65 || c0 > 90) return null;
      const m = HEADER.exec(line);
      if (!m) return null;
      const base = secondOf(line.slice(0, line.indexOf('.', 15)), ctx.zone, m);
      if (base === null) return null;
      const message = line.slice(m[0].length);
      const h: Header = {
        time: base + Number(m[7]),
        level: LEVELS[m[9] as string] ?? 'info',
        thread: m[8] as string,
        message,
      };
      return h;
    },
    finish(rec: LogRecord, ctx: ParseContext): void {
      if (rec.orphan) return;
      const msg = rec.message;
      const banner = msg.startsWith('Plex Media Server v') || msg.startsWith('Plex Media Scanner v');
      if (banner) {
        const tz = BANNER_TZ.exec(msg);
        if (tz) {
          const minutes = (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]));
          ctx.announceZone(fixedZone(minutes));
        }
      }
      // Cheap substring gates first: this runs for every record of the benchmark's hot path.
      if (msg.charCodeAt(0) === 91 /* [ */) {
        const comp = COMPONENT_BRACKETS.exec(msg);
        if (comp) rec.logger = (comp[1] as string).split('/')[0] as string;
      } else {
        const w = COMPONENT_WORD.exec(msg);
        if (w) rec.logger = w[1] as string;
      }
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
