/**
 * Emby Server logs (`embyserver.txt`, FORMATS.md §4), local time without a zone:
 * - 4.x `yyyy-MM-dd HH:mm:ss.fff Level Source: message` (3.x writes `.ffff`);
 * - legacy 3.0 `yyyy-MM-dd HH:mm:ss.ffff Level - Source: message`;
 * - Media Browser 3 `yyyy-MM-dd HH:mm:ss.ffff, Level, Source, message`.
 * Source may contain `-` and `:` (`ImageService-0HNHJ4GLL15RV:00000006`), so it ends at the first `": "`.
 * Continuations are TAB-indented (`\t*** Error Report ***`, `\tVersion:`, exception and frames), often turned into
 * spaces by pastes; none of them starts with a date, so they never look like a header.
 */
import { finishEmbyFamily } from './jellyfin.ts';
import { TITLE_CASE_LEVELS as LEVELS } from './levels.ts';
import { createSecondCache } from './second-cache.ts';
import { fractionMs, type Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

// Exactly 3 or 4 fraction digits then a space or `, `: NLog's `08:01:27.9|Error|` and log4net's
// `08:01:27,123 ERROR` stay out, and the level names are case-exact.
const HEADER =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3,4})(?: (Debug|Info|Warn|Error|Fatal)(?: -)? |, (Debug|Info|Warn|Error|Fatal), )/;

/** A source longer than this is not a logger name: the line has none and `": "` belongs to the message. */
const MAX_SOURCE = 80;

/** The date fields HEADER already split out, local. */
const dateOf = (_key: string, zone: Zone, m: RegExpExecArray): number =>
  zone.toEpoch(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 0);

export function createEmbyParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);
  return {
    id: 'emby',
    apps: ['emby'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      if (c0 < 48 || c0 > 57 || line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(19) !== 46 /* . */) return null;
      const m = HEADER.exec(line);
      if (!m) return null;
      const base = secondOf(line.slice(0, 19), ctx.zone, m);
      if (base === null) return null;
      const mb3 = m[9] !== undefined;
      const rest = line.slice(m[0].length);
      const h: Header = {
        time: base + fractionMs(m[7]),
        level: LEVELS[(mb3 ? m[9] : m[8]) as string] ?? 'info',
        message: rest,
      };
      const cut = rest.indexOf(mb3 ? ', ' : ': ');
      if (cut > 0 && cut <= MAX_SOURCE) {
        h.logger = rest.slice(0, cut);
        h.message = rest.slice(cut + 2);
      }
      return h;
    },
    finish: finishEmbyFamily,
  };
}
