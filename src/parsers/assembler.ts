/**
 * The record assembler: physical lines in, records out, the same for every app. A line whose text (after envelope
 * stripping) is a header starts a record; every other line belongs to the record before it; lines before the first
 * header form one orphan record. Every physical line ends up in exactly one record. Records are capped in lines and
 * bytes (lines beyond the cap are counted, not kept) so a pasted HTML page cannot grow memory without bound.
 */
import type { Level, LogRecord } from '../core/types.ts';
import { type Unwrapped, unwrap } from './envelope.ts';
import { processZone, type Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

export interface AssemblerLimits {
  maxRecordLines: number;
  maxRecordBytes: number;
}

export const DEFAULT_LIMITS: AssemblerLimits = { maxRecordLines: 500, maxRecordBytes: 65_536 };

export interface AssemblerOptions {
  /** Formats to recognise, most likely first. More than one: the assembler follows whichever matches (auto, docker). */
  parsers: readonly FormatParser[];
  /** The app records are attributed to when the format does not say (the configured app, or a detected one). */
  app: string;
  source: string;
  file?: string;
  /** A zone configured for the source (`--tz`, `timezone`): wins over any zone the log announces. */
  zone?: Zone;
  limits?: AssemblerLimits;
  /** Reference time for records whose header has no date (replay: file mtime or now; live: the clock). */
  now: () => number;
  emit: (record: LogRecord) => void;
}

interface Pending {
  header: Header | null;
  parser: FormatParser | null;
  unwrapped: Unwrapped;
  first: string;
  parts: string[];
  bytes: number;
  lines: number;
  dropped: number;
  offset: number;
  truncated: boolean;
}

export class Assembler {
  private readonly opts: AssemblerOptions;
  private readonly limits: AssemblerLimits;
  private readonly ctx: ParseContext;
  private current: FormatParser | null;
  private pending: Pending | null = null;
  private lastExactTime: number | null = null;
  /** Text of a json-file/CRI line the runtime split: joined with the next envelope before the header test. */
  private carry: { text: string; offset: number } | null = null;
  private end = 0;

  constructor(opts: AssemblerOptions) {
    this.opts = opts;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.current = opts.parsers.length === 1 ? (opts.parsers[0] as FormatParser) : null;
    const explicit = opts.zone;
    const ctx: ParseContext = {
      zone: explicit ?? processZone(),
      zoneExplicit: explicit !== undefined,
      announceZone: (zone) => {
        if (!ctx.zoneExplicit) ctx.zone = zone;
      },
    };
    this.ctx = ctx;
  }

  /** The parse context (zone in force); exposed for tests and the replay summary. */
  get context(): ParseContext {
    return this.ctx;
  }

  /**
   * Byte offset up to which every line is in an emitted record: a checkpoint taken here never loses the pending record
   * and never re-reads an emitted one.
   */
  get committedOffset(): number {
    if (this.carry) return this.carry.offset;
    return this.pending ? this.pending.offset : this.end;
  }

  /** Offset after the last line pushed. */
  get readOffset(): number {
    return this.end;
  }

  hasPending(): boolean {
    return this.pending !== null || this.carry !== null;
  }

  /**
   * One physical line, without its terminator (`\n` and a trailing `\r` removed), starting at byte `offset` and
   * ending (terminator included) at `end`. `truncated` marks a line cut at the line cap.
   */
  push(line: string, offset = this.end, end = offset + line.length + 1, truncated = false): void {
    this.end = end;
    let u = unwrap(line);
    if (this.carry) {
      u = { ...u, text: this.carry.text + u.text };
      offset = this.carry.offset;
      this.carry = null;
    }
    if (u.partial) {
      this.carry = { text: u.text, offset };
      return;
    }
    const header = this.matchHeader(u.text);
    if (header) {
      this.finishPending();
      this.pending = this.start(header.h, header.p, u, offset, truncated);
      return;
    }
    if (this.pending) {
      this.append(this.pending, u.text, truncated);
      return;
    }
    // Before the first header: one orphan record collects everything.
    this.pending = this.start(null, null, u, offset, truncated);
  }

  /** Emits the pending record (idle timeout, end of file, shutdown). */
  flush(): void {
    if (this.carry) {
      const { text, offset } = this.carry;
      this.carry = null;
      const header = this.matchHeader(text);
      if (header) {
        this.finishPending();
        this.pending = this.start(header.h, header.p, { text }, offset, false);
      } else if (this.pending) this.append(this.pending, text, false);
      else this.pending = this.start(null, null, { text }, offset, false);
    }
    this.finishPending();
  }

  private matchHeader(text: string): { h: Header; p: FormatParser } | null {
    const cur = this.current;
    if (cur) {
      const h = cur.header(text, this.ctx);
      if (h) return { h, p: cur };
      if (this.opts.parsers.length === 1) return null;
    }
    for (const p of this.opts.parsers) {
      if (p === cur) continue;
      const h = p.header(text, this.ctx);
      if (h) {
        this.current = p;
        return { h, p };
      }
    }
    return null;
  }

  private start(
    header: Header | null,
    parser: FormatParser | null,
    u: Unwrapped,
    offset: number,
    truncated: boolean,
  ): Pending {
    const text = u.text.length > this.limits.maxRecordBytes ? u.text.slice(0, this.limits.maxRecordBytes) : u.text;
    return {
      header,
      parser,
      unwrapped: u,
      first: text,
      parts: [],
      bytes: text.length,
      lines: 1,
      dropped: 0,
      offset,
      truncated: truncated || text.length < u.text.length,
    };
  }

  private append(p: Pending, text: string, truncated: boolean): void {
    p.lines++;
    if (p.lines > this.limits.maxRecordLines || p.bytes + text.length + 1 > this.limits.maxRecordBytes) {
      p.dropped++;
      return;
    }
    p.parts.push(text);
    p.bytes += text.length + 1;
    if (truncated) p.truncated = true;
  }

  private finishPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const record = this.build(p);
    this.opts.emit(record);
  }

  private build(p: Pending): LogRecord {
    const raw = p.parts.length ? `${p.first}\n${p.parts.join('\n')}` : p.first;
    const h = p.header;
    const { time, exact } = this.resolveTime(h, p.unwrapped);
    const rec: LogRecord = {
      time,
      timeExact: exact,
      level: h ? h.level : orphanLevel(raw),
      app: h?.app ?? (p.parser ? appOf(p.parser, this.opts.app) : this.opts.app),
      source: this.opts.source,
      message: h ? h.message : p.first.trim(),
      raw,
      lines: p.lines,
    };
    if (h?.logger !== undefined) rec.logger = h.logger;
    if (h?.thread !== undefined) rec.thread = h.thread;
    if (!h) rec.orphan = true;
    if (this.opts.file !== undefined) rec.file = this.opts.file;
    rec.offset = p.offset;
    if (p.dropped) rec.droppedLines = p.dropped;
    if (p.truncated) rec.truncated = true;
    const finisher = p.parser ?? this.current ?? this.opts.parsers[0];
    finisher?.finish?.(rec, this.ctx);
    return rec;
  }

  private resolveTime(h: Header | null, u: Unwrapped): { time: number; exact: boolean } {
    if (u.time !== undefined) {
      this.lastExactTime = u.time;
      return { time: u.time, exact: true };
    }
    if (h && h.time !== null) {
      this.lastExactTime = h.time;
      return { time: h.time, exact: true };
    }
    const tod = h?.timeOfDay ?? u.partialDate?.timeOfDay;
    const ref = this.lastExactTime ?? this.opts.now();
    if (tod !== undefined) return { time: onDayOf(ref, tod, this.ctx.zone), exact: false };
    return { time: ref, exact: false };
  }
}

/** A time of day placed on the local day of `ref`; if that lands more than 12 h after `ref`, the day before. */
function onDayOf(ref: number, timeOfDay: number, zone: Zone): number {
  const d = new Date(ref);
  // Local date of ref in the zone: find it through the zone's offset at ref.
  const offset =
    ref -
    zone.toEpoch(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    );
  const local = new Date(ref + offset);
  let t = zone.toEpoch(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), 0, 0, 0, 0) + timeOfDay;
  if (t - ref > 12 * 3_600_000) t -= 86_400_000;
  return t;
}

function appOf(parser: FormatParser, configured: string): string {
  if (parser.apps.includes(configured)) return configured;
  return parser.apps[0] ?? configured;
}

const ERRORISH =
  /(?:^|\n)\s*(?:Traceback \(most recent call last\)|(?:\[v\d+(?:\.\d+)+\]\s*)?[\w.`]+(?:Exception|Error)(?::|\s*$)|at [\w.`<>$]+\(|at [\w.`<>$]+ \(|---> |panic:|Unhandled exception|\*\*\*\*\*\* PLEX MEDIA SERVER CRASHED)/;

/** The level of an orphan record: error when its text is clearly an error (a traceback, an exception), else info. */
export function orphanLevel(text: string): Level {
  return ERRORISH.test(text) ? 'error' : 'info';
}
