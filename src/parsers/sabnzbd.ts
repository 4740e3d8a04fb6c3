/**
 * SABnzbd (FORMATS.md §9): Python logging with `%(asctime)s::%(levelname)s::[%(module)s:%(lineno)d] %(message)s`
 * → `2024-10-21 19:23:54,510::INFO::[downloader:616] 15@news.eweka.nl: Initiating connection`. Local time, comma
 * milliseconds. Tracebacks follow an `INFO::[...] Traceback: ` line as continuation lines. The `::LEVEL::[` right after
 * the milliseconds is what no other format writes.
 */
import type { LogRecord } from '../core/types.ts';
import { extractPythonException } from './exception.ts';
import { PYTHON_LEVELS as LEVELS } from './levels.ts';
import { createSecondCache } from './second-cache.ts';
import type { Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

/** Very old builds logged `[module]` without the line number. */
const HEADER =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3})::(DEBUG|INFO|WARNING|ERROR|CRITICAL)::\[([\w.-]+)(?::(\d+))?\] ?/;

/** The date fields HEADER already split out, local. */
const dateOf = (_key: string, zone: Zone, m: RegExpExecArray): number =>
  zone.toEpoch(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, 0);

export function createSabnzbdParser(): FormatParser {
  const secondOf = createSecondCache(dateOf);
  return {
    id: 'sabnzbd',
    apps: ['sabnzbd'],
    header(line: string, ctx: ParseContext): Header | null {
      const c0 = line.charCodeAt(0);
      // `,mmm::` : a comma at 19 and a colon at 23.
      if (c0 < 48 || c0 > 57 || line.charCodeAt(19) !== 44 || line.charCodeAt(23) !== 58) return null;
      const m = HEADER.exec(line);
      if (!m) return null;
      const base = secondOf(line.slice(0, 19), ctx.zone, m);
      if (base === null) return null;
      return {
        time: base + Number(m[7]),
        level: LEVELS[m[8] as string] ?? 'info',
        logger: m[9] as string,
        message: line.slice(m[0].length).trimEnd(),
      };
    },
    finish(rec: LogRecord): void {
      if (rec.orphan || rec.lines === 1) return;
      const ex = extractPythonException(rec);
      if (ex) rec.exception = ex;
    },
  };
}
