/**
 * Jellyfin server logs (FORMATS.md §3), three layouts of the same Serilog template:
 * - file sink `[yyyy-MM-dd HH:mm:ss.fff zzz] [LVL] [thread] Source.Context: message`; installs from 10.2–10.8 kept an
 *   older template without `[thread]` and SourceContext (logging.json is user-owned, so it never got migrated);
 * - console `[HH:mm:ss] [LVL] [thread] Source.Context: message` (docker logs, journald): time of day only, the
 *   assembler supplies the date from the envelope or the previous record;
 * - a bare `[LVL] ...` where a custom console template dropped the time.
 * The file layout carries its own offset, which wins over any configured zone. FFmpeg.Transcode-*.log bodies (JSON/CLI
 * header, ffmpeg banner, `frame=` progress) are deliberately not headers: they stay orphan records.
 * Helpers for .NET exceptions and Emby-lineage correlation are shared with emby.ts (Jellyfin forked Emby 3.5, so
 * routes, query parameters and exception rendering are the same).
 */
import type { Correlation, Level, LogRecord } from '../core/types.ts';
import { extractDotNetException } from './exception.ts';
import { fractionMs, parseOffset } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

const FILE =
  /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:[.,](\d{1,7}))?(?: ([+-]\d{2}:?\d{2}|Z))?\] \[(VRB|DBG|INF|WRN|ERR|FTL)\](?: \[(\d+)\])?(?: |$)/;
const CONSOLE = /^\[(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,7}))?\] \[(VRB|DBG|INF|WRN|ERR|FTL)\](?: \[(\d+)\])?(?: |$)/;
const BARE = /^\[(VRB|DBG|INF|WRN|ERR|FTL)\](?: \[(\d+)\])?(?: |$)/;
/** SourceContext: a .NET type name (`Jellyfin.Api.Middleware.ExceptionMiddleware`) or a named logger (`Main`). */
const SOURCE = /^([A-Za-z_][\w`]*(?:\.[A-Za-z_][\w`]*)*): /;
/** Loggers Jellyfin creates by name rather than by type (`CreateLogger("Main")`). */
const NAMED_LOGGERS = new Set(['Main', 'App', 'Startup']);

const LEVELS: Readonly<Record<string, Level>> = {
  VRB: 'trace',
  DBG: 'debug',
  INF: 'info',
  WRN: 'warn',
  ERR: 'error',
  FTL: 'fatal',
};

interface TimeCache {
  /** `yyyy-MM-dd HH:mm:ss`: the part of the header that changes once a second. */
  sec: string;
  /** The line's offset text, or undefined when the template has none (then `zone` applies). */
  off: string | undefined;
  zone: ParseContext['zone'] | null;
  base: number;
  /** Last offset text parsed and its minutes: a log keeps one offset for months. */
  offText: string;
  offMinutes: number | null;
}

/** The decimal number of `len` digits at `at` (the regex has already checked they are digits). */
function digits(line: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) n = n * 10 + line.charCodeAt(i) - 48;
  return n;
}

export function createJellyfinParser(): FormatParser {
  const cache: TimeCache = { sec: '\u0000', off: undefined, zone: null, base: 0, offText: '', offMinutes: null };

  function fileHeader(line: string, ctx: ParseContext): Header | null {
    const m = FILE.exec(line);
    if (!m) return null;
    const frac = m[1];
    const off = m[2];
    // `[yyyy-MM-dd HH:mm:ss] [INF]` with neither fraction nor offset is the hotio container banner, not Jellyfin.
    if (frac === undefined && off === undefined) return null;
    let base: number;
    if (off === cache.off && line.startsWith(cache.sec, 1) && (off !== undefined || cache.zone === ctx.zone)) {
      base = cache.base;
    } else {
      const y = digits(line, 1, 4);
      const mo = digits(line, 6, 2);
      const d = digits(line, 9, 2);
      const h = digits(line, 12, 2);
      const mi = digits(line, 15, 2);
      const s = digits(line, 18, 2);
      let minutes: number | null = null;
      if (off !== undefined) {
        if (off !== cache.offText) {
          cache.offText = off;
          cache.offMinutes = parseOffset(off);
        }
        minutes = cache.offMinutes;
      }
      base =
        minutes === null
          ? ctx.zone.toEpoch(y, mo, d, h, mi, s, 0)
          : Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60_000;
      if (Number.isNaN(base)) return null;
      cache.sec = line.slice(1, 20);
      cache.off = off;
      cache.zone = ctx.zone;
      cache.base = base;
    }
    const ms = frac === undefined ? 0 : frac.length >= 3 ? digits(line, 21, 3) : fractionMs(frac);
    return build(base + ms, undefined, m[3] as string, m[4], line.slice(m[0].length));
  }

  return {
    id: 'jellyfin',
    apps: ['jellyfin'],
    header(line: string, ctx: ParseContext): Header | null {
      let c = line.charCodeAt(0);
      // One leading space is a common paste artifact (`docker logs` copied from a terminal).
      if (c === 32) {
        if (line.charCodeAt(1) !== 91) return null;
        line = line.slice(1);
        c = 91;
      }
      if (c !== 91 /* [ */) return null;
      const c1 = line.charCodeAt(1);
      if (c1 >= 48 && c1 <= 57) {
        if (line.charCodeAt(3) === 58 /* : */) {
          const m = CONSOLE.exec(line);
          if (!m) return null;
          const tod = (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 + fractionMs(m[4]);
          if (tod >= 86_400_000) return null;
          return build(null, tod, m[5] as string, m[6], line.slice(m[0].length));
        }
        return fileHeader(line, ctx);
      }
      const m = BARE.exec(line);
      if (!m) return null;
      return build(null, undefined, m[1] as string, m[2], line.slice(m[0].length));
    },
    finish: finishEmbyFamily,
  };
}

function build(time: number | null, tod: number | undefined, lvl: string, thread: string | undefined, rest: string) {
  const h: Header = { time, level: LEVELS[lvl] ?? 'info', message: rest };
  if (tod !== undefined) h.timeOfDay = tod;
  if (thread !== undefined) h.thread = thread;
  const s = SOURCE.exec(rest);
  if (s) {
    const name = s[1] as string;
    // With `[thread]` the template always carries SourceContext. Without it (the old template) the line may have no
    // source at all, so only a dotted type name or a known named logger counts: `Error processing request. URL ...`
    // and an exception type opening the message stay message text.
    if (thread !== undefined || NAMED_LOGGERS.has(name) || (name.includes('.') && !/(?:Exception|Error)$/.test(name))) {
      h.logger = name;
      h.message = rest.slice(s[0].length);
    }
  }
  return h;
}

/* ---------------------------------------------------------------- shared with emby.ts (Emby lineage) --- */

const GUID = '[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const IP = '\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*[0-9a-fA-F]';
/** Item routes: `/videos/<id>/hls1/...`, `/Items/<id>/Images`, `/Audio/<id>/universal`; Emby 4 ids are numeric. */
const ITEM_PATH = new RegExp(`/(?:videos|items|audio)/(${GUID}|\\d{1,12})(?=[/?."\\s]|$)`, 'i');
const ITEM_QUERY = new RegExp(`[?&](?:ItemId|MediaSourceId)=(${GUID})\\b`, 'i');
const PLAY_SESSION = /[?&]PlaySessionId=([0-9a-zA-Z-]+)/i;
const USER_PATH = new RegExp(`/users/(${GUID})(?=[/?."\\s]|$)`, 'i');
const USER_QUERY = new RegExp(`[?&]UserId=(${GUID})\\b`, 'i');
/** `Authentication request for "bob" has been granted.` / `... has been denied (IP: "10.0.0.2").` (quoted in files). */
const AUTH_USER = /Authentication request for "?([^"]+?)"? (?:has|is|forbidden)\b/;
/** `"USERSYNC" User "<id>"("name") posted ...`, `User "bob" from "10.0.0.2" with ...` */
const USER_NAME_AFTER_ID = /\bUser "[0-9a-fA-F-]{32,36}"\("([^"]+)"\)/;
const USER_FROM = new RegExp(`\\bUser "?([^"\\s]+)"? from "?(${IP})"?`);
const IP_FIELD = new RegExp(`\\(IP: "?(${IP})"?\\)`);
/** `HTTP Response 200 to "172.17.0.1".`, Emby `http/1.1 Response 404 to 192.168.1.194.`, `WS "10.0.0.5" closed` */
const RESPONSE_TO = new RegExp(`\\bResponse \\d{3} to "?(${IP})"?`);
const WS_PEER = new RegExp(`^WS "?(${IP})"? `);

/** Lower-case, dashes removed: Jellyfin writes the same item id both ways (`b4fd4788-7b9e-...` and `b4fd47887b9e...`). */
function normalizeId(id: string): string {
  return id.length > 12 ? id.replaceAll('-', '').toLowerCase() : id;
}

/** Completes an Emby or Jellyfin record: the correlation its message names and the exception under it. */
export function finishEmbyFamily(rec: LogRecord): void {
  if (rec.orphan) return;
  const corr = embyFamilyCorrelation(rec.message);
  if (corr) rec.correlation = corr;
  if (rec.lines > 1) {
    const ex = extractDotNetException(rec);
    if (ex) rec.exception = ex;
  }
}

/** Correlation values an Emby or Jellyfin message names: item, play session, user, client IP. */
export function embyFamilyCorrelation(msg: string): Correlation | undefined {
  const corr: Correlation = {};
  if (msg.includes('/') || msg.includes('=')) {
    const item = ITEM_PATH.exec(msg) ?? ITEM_QUERY.exec(msg);
    if (item) corr.itemId = normalizeId(item[1] as string);
    const ps = msg.includes('laySessionId=') ? PLAY_SESSION.exec(msg) : null;
    if (ps) corr.playSessionId = ps[1] as string;
    const user = USER_PATH.exec(msg) ?? USER_QUERY.exec(msg);
    if (user) corr.user = normalizeId(user[1] as string);
  }
  if (msg.includes('User') || msg.includes('Authentication')) {
    const named = AUTH_USER.exec(msg) ?? USER_NAME_AFTER_ID.exec(msg);
    if (named) corr.user = named[1] as string;
    const from = USER_FROM.exec(msg);
    if (from) {
      corr.user = from[1] as string;
      corr.clientIp = from[2] as string;
    }
  }
  if (corr.clientIp === undefined) {
    const ip =
      (msg.includes('(IP: ') ? IP_FIELD.exec(msg) : null) ??
      (msg.includes('Response ') ? RESPONSE_TO.exec(msg) : null) ??
      (msg.startsWith('WS ') ? WS_PEER.exec(msg) : null);
    if (ip) corr.clientIp = ip[1] as string;
  }
  for (const _ in corr) return corr;
  return undefined;
}
