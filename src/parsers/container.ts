/**
 * Lines the container around an app writes, in layouts of their own (FORMATS.md §11): hotio's init
 * (`[2023-01-01 12:00:00] [INF] ...`), s6-overlay v3 (`s6-rc: info: service legacy-cont-init: starting`), and the
 * level-only `[INFO] message` layout of Go workloads (CoreDNS, Caddy v1) whose time comes from the runtime's envelope.
 * linuxserver's s6-overlay v2 tags (`[s6-init] ...`, `[cont-init.d] 10-adduser: exited 0.`) carry neither a time nor a
 * level, so they are not headers (corpus docker/docker-logs-lsio-s6-radarr-2017: one orphan record).
 * Tried in `docker` and `auto` mode beside the app's own format; a match never decides which app a stream is.
 */
import type { Level } from '../core/types.ts';
import { leadingStamp } from './stamp.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

const HOTIO = /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\] \[(INF|WRN|ERR|DBG|FTL|VRB)\] ?/;
const S6 = /^(s6-[\w-]+|s6): (info|warning|error|fatal): ?/;
const LEVEL_ONLY = /^\[(DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|PANIC|CRITICAL)\] /;

const LEVELS: Readonly<Record<string, Level>> = {
  VRB: 'trace',
  DBG: 'debug',
  DEBUG: 'debug',
  INF: 'info',
  info: 'info',
  INFO: 'info',
  NOTICE: 'info',
  WRN: 'warn',
  warning: 'warn',
  WARN: 'warn',
  WARNING: 'warn',
  ERR: 'error',
  error: 'error',
  ERROR: 'error',
  FTL: 'fatal',
  fatal: 'fatal',
  FATAL: 'fatal',
  PANIC: 'fatal',
  CRITICAL: 'fatal',
};

export function createContainerParser(): FormatParser {
  return {
    id: 'container',
    apps: ['docker'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 === 91 /* [ */) {
        const c1 = line.charCodeAt(1);
        if (c1 >= 48 && c1 <= 57) {
          const m = HOTIO.exec(line);
          if (!m) return null;
          const time = ctx.zone.toEpoch(
            Number(m[1]),
            Number(m[2]),
            Number(m[3]),
            Number(m[4]),
            Number(m[5]),
            Number(m[6]),
            0,
          );
          return {
            time,
            level: LEVELS[m[7] as string] ?? 'info',
            logger: 'container',
            message: line.slice(m[0].length),
          };
        }
        if (c1 < 65 || c1 > 90) return null;
        const m = LEVEL_ONLY.exec(line);
        if (!m) return null;
        const level = LEVELS[m[1] as string] ?? 'info';
        const rest = line.slice(m[0].length);
        // Go's log package puts its own date after the level (`[INFO] 2024/01/09 02:15:00 ==> ...`).
        const c = rest.charCodeAt(0);
        const stamp = c >= 48 && c <= 57 ? leadingStamp(rest, ctx) : null;
        if (!stamp) return { time: null, level, message: rest };
        const h: Header = { time: stamp.time, level, message: rest.slice(stamp.end).trimStart() };
        if (stamp.timeOfDay !== undefined) h.timeOfDay = stamp.timeOfDay;
        return h;
      }
      if (c0 === 115 /* s */ && line.charCodeAt(1) === 54 /* 6 */) {
        const m = S6.exec(line);
        if (!m) return null;
        return {
          time: null,
          level: LEVELS[m[2] as string] ?? 'info',
          logger: m[1] as string,
          message: line.slice(m[0].length),
        };
      }
      return null;
    },
  };
}
