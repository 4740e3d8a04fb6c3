/**
 * qBittorrent's own log file (FORMATS.md §8): `(N) 2025-06-27T10:31:52 - message`, local time without fraction or
 * zone. The type letter is qBittorrent's Log::MsgType: (N)ormal → info, (I)nfo → debug (it is the verbose tier),
 * (W)arning → warn, (C)ritical → fatal. One line per message: there are no continuation lines of its own.
 */
import type { Level } from '../core/types.ts';
import { createSecondCache } from './second-cache.ts';
import type { Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

const HEADER = /^\(([NIWC])\) (\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}) - /;

const LEVELS: Record<string, Level> = { N: 'info', I: 'debug', W: 'warn', C: 'fatal' };

/** The date fields HEADER already split out, local. */
const dateOf = (_key: string, zone: Zone, m: RegExpExecArray): number =>
  zone.toEpoch(+m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!, 0);

export function createQbittorrentParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);
  return {
    id: 'qbittorrent',
    apps: ['qbittorrent'],
    header(line: string, ctx: ParseContext): Header | null {
      if (line.charCodeAt(0) !== 40 /* ( */ || line.charCodeAt(2) !== 41 /* ) */) return null;
      const m = HEADER.exec(line);
      if (!m) return null;
      const base = secondOf(line.slice(4, 23), ctx.zone, m);
      if (base === null) return null;
      return { time: base, level: LEVELS[m[1] as string] ?? 'info', message: line.slice(m[0].length).trimEnd() };
    },
  };
}
