/**
 * The record assembler: physical lines in, records out, the same for every app. A line whose text (after envelope
 * stripping) is a header starts a record; every other line belongs to the record before it; lines before the first
 * header form one orphan record. Every physical line ends up in exactly one record. Records are capped in lines and
 * bytes (lines beyond the cap are counted, not kept) so a pasted HTML page cannot grow memory without bound.
 */
import { LEVEL_RANK, type Level, type LogRecord } from '../core/types.ts';
import { createContainerParser } from './container.ts';
import { orphanLevel } from './dumps.ts';
import { envelopeOf, type Unwrapped, unwrap } from './envelope.ts';
import { BuiltRecord } from './record.ts';
import { recordStart } from './record-start.ts';
import { processZone, type Zone } from './time.ts';
import { dateTimeOfDay } from './time-of-day.ts';
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
  /** Records below this level may go without the details formats read from the message (see ParseContext). */
  detailsFrom?: Level;
  emit: (record: LogRecord) => void;
}

interface Pending {
  header: Header | null;
  parser: FormatParser | null;
  /** The line's envelope (its time wins), or null for a line that had none. */
  unwrapped: Unwrapped | null;
  first: string;
  /** Continuation lines; null until the first (most records are one line: no array for them). */
  parts: string[] | null;
  bytes: number;
  lines: number;
  dropped: number;
  offset: number;
  truncated: boolean;
  /** The byte or line cap was reached: later lines are counted, not kept. */
  full: boolean;
}

/** A json-file/CRI line the runtime split (over 16 KiB): its parts, joined per stream before the header test. */
interface Carry {
  stream: string;
  first: Unwrapped;
  text: string;
  offset: number;
  physical: number;
  truncated: boolean;
}

/** Formats that read a container's or an unknown app's lines: they never decide which app a stream is. */
const FALLBACK_IDS: ReadonlySet<string> = new Set(['container', 'generic']);
const WAYS_OF_READING: ReadonlySet<string> = new Set(['auto', 'docker']);

export class Assembler {
  private readonly opts: AssemblerOptions;
  private readonly limits: AssemblerLimits;
  private readonly ctx: ParseContext;
  private readonly single: FormatParser | null;
  /** auto/docker: the container format, tried beside the detected app's format. */
  private readonly container: FormatParser | null;
  /** Single-format streams: the container layouts, tried only on lines the format does not recognise. */
  private readonly containerFallback: FormatParser | null;
  /** auto/docker: the app format this stream turned out to be, once one of them recognised a header. */
  private detected: FormatParser | null = null;
  private readonly defaultApp: string;
  private pending: Pending | null = null;
  /** A finished record's holder, for the next one. */
  private spare: Pending | null = null;
  /** The format of the header `matchHeader` returned last (no object per line for the pair). */
  private matched: FormatParser | null = null;
  /** The app format `appOf` answered for last, and its answer. */
  private appParser: FormatParser | null = null;
  private appOfParser = '';
  /** Whether the time `resolveTime` returned last came from the log (else inferred). */
  private resolvedExact = false;
  private lastExactTime: number | null = null;
  private carries: Carry[] = [];
  private end = 0;

  constructor(opts: AssemblerOptions) {
    this.opts = opts;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.single = opts.parsers.length === 1 ? (opts.parsers[0] as FormatParser) : null;
    this.container = opts.parsers.find((p) => p.id === 'container') ?? null;
    this.containerFallback = this.single && this.single.id !== 'container' ? createContainerParser() : null;
    this.defaultApp = WAYS_OF_READING.has(opts.app) ? 'generic' : opts.app;
    const explicit = opts.zone;
    const ctx: ParseContext = {
      zone: explicit ?? processZone(),
      zoneExplicit: explicit !== undefined,
      announceZone: (zone) => {
        if (!ctx.zoneExplicit) ctx.zone = zone;
      },
    };
    if (opts.detailsFrom !== undefined) ctx.detailsFrom = LEVEL_RANK[opts.detailsFrom];
    this.ctx = ctx;
  }

  /** The parse context (zone in force); exposed for tests and the replay summary. */
  get context(): ParseContext {
    return this.ctx;
  }

  /** The app format detected in auto/docker mode (the configured one otherwise), or null while none matched yet. */
  get format(): FormatParser | null {
    return this.single ?? this.detected;
  }

  /**
   * Byte offset up to which every line is in an emitted record: a checkpoint taken here never loses the pending record
   * (nor a split line waiting for its end) and, lines being emitted in order, never re-reads an emitted one. The one
   * exception is a split json-file line interleaved with the other stream's lines: those may be read twice after a
   * restart (at-least-once rather than lost).
   */
  get committedOffset(): number {
    let min = this.pending ? this.pending.offset : this.end;
    for (const c of this.carries) if (c.offset < min) min = c.offset;
    return min;
  }

  /** Offset after the last line pushed. */
  get readOffset(): number {
    return this.end;
  }

  hasPending(): boolean {
    return this.pending !== null || this.carries.length > 0;
  }

  /**
   * One physical line, without its terminator (`\n` and a trailing `\r` removed), starting at byte `offset` and
   * ending (terminator included) at `end`. `truncated` marks a line cut at the line cap.
   */
  push(line: string, offset = this.end, end = offset + line.length + 1, truncated = false): void {
    this.end = end;
    // The usual line has no envelope: no object for it.
    const env = envelopeOf(line);
    if (env === null && this.carries.length === 0) {
      this.line(line, null, offset, 1, truncated);
      return;
    }
    const u = env ?? unwrap(line);
    if (this.carries.length) {
      if (u.stream === undefined)
        this.flushCarries(); // not an envelope: the split line will never get its end
      else {
        const i = this.carries.findIndex((c) => c.stream === u.stream);
        const c = this.carries[i];
        if (c) {
          c.physical++;
          c.truncated = this.joinInto(c, u.text) || c.truncated || truncated;
          if (u.partial) return;
          this.carries.splice(i, 1);
          this.line(c.text, { ...c.first, text: c.text, partial: false }, c.offset, c.physical, c.truncated);
          return;
        }
      }
    }
    if (u.partial) {
      const text = u.text.length > this.limits.maxRecordBytes ? u.text.slice(0, this.limits.maxRecordBytes) : u.text;
      const cut = truncated || text.length < u.text.length;
      this.carries.push({ stream: u.stream ?? '', first: u, text, offset, physical: 1, truncated: cut });
      return;
    }
    this.line(u.text, u, offset, 1, truncated);
  }

  /** Emits the pending record (idle timeout, end of file, shutdown), and a split line whose end never came. */
  flush(): void {
    this.flushCarries();
    this.finishPending();
  }

  private flushCarries(): void {
    const carries = this.carries;
    this.carries = [];
    for (const c of carries)
      this.line(c.text, { ...c.first, text: c.text, partial: false }, c.offset, c.physical, c.truncated);
  }

  /** Appends a part to a split line, within the record byte cap; true when something had to be cut. */
  private joinInto(c: Carry, text: string): boolean {
    const room = this.limits.maxRecordBytes - c.text.length;
    if (text.length <= room) {
      c.text += text;
      return false;
    }
    if (room > 0) c.text += text.slice(0, room);
    return true;
  }

  /** One logical line (several physical ones when the runtime split it). */
  private line(text: string, u: Unwrapped | null, offset: number, physical: number, truncated: boolean): void {
    const header = this.matchHeader(text);
    if (header) {
      const parser = this.matched;
      this.finishPending();
      this.pending = this.start(header, parser, text, u, offset, physical, truncated);
    } else if (this.pending) this.append(this.pending, text, physical, truncated);
    // Before the first header (or after an idle flush): one orphan record collects everything.
    else this.pending = this.start(null, null, text, u, offset, physical, truncated);
  }

  /** The header `text` is, if any, with the format that read it in `matched` (null: record-start.ts). */
  private matchHeader(text: string): Header | null {
    const known = this.matchFormat(text);
    if (known) return known;
    if (this.continuesAppRecord(text)) return null;
    // A single app's stream still carries its container's own lines (hotio banners, s6-overlay) when it is a docker log.
    const extra = this.single ? this.containerFallback : null;
    if (extra) {
      const h = extra.header(text, this.ctx);
      if (h) return this.found(h, extra);
    }
    // No format knows the line: it may still open a record in a layout nobody wrote a format for (record-start.ts).
    return this.found(recordStart(text, this.ctx), null);
  }

  private found(h: Header | null, p: FormatParser | null): Header | null {
    this.matched = p;
    return h;
  }

  /**
   * Lines that can only continue a record in an app's own layout (blank, indented, a `[v4.0.1.929]` version tag before an
   * exception): the hot path of a stack trace skips the unknown-layout tests. An indented copied-table row right after
   * an app's record is the price: it joins that record.
   */
  private continuesAppRecord(text: string): boolean {
    const parser = this.pending?.parser;
    if (!parser || FALLBACK_IDS.has(parser.id)) return false;
    const c0 = text.charCodeAt(0);
    return text.length === 0 || c0 === 32 || c0 === 9 || (c0 === 91 && text.charCodeAt(1) === 118) /* [v */;
  }

  private matchFormat(text: string): Header | null {
    const single = this.single;
    if (single) return this.found(single.header(text, this.ctx), single);
    // Container layouts first: they are distinctive, and an app format must not claim (and lock onto) a hotio line.
    const container = this.container;
    if (container) {
      const h = container.header(text, this.ctx);
      if (h) return this.found(h, container);
    }
    const detected = this.detected;
    if (detected) return this.found(detected.header(text, this.ctx), detected);
    for (const p of this.opts.parsers) {
      if (p === container) continue;
      const h = p.header(text, this.ctx);
      if (!h) continue;
      if (!FALLBACK_IDS.has(p.id)) this.detected = p;
      return this.found(h, p);
    }
    return null;
  }

  private start(
    header: Header | null,
    parser: FormatParser | null,
    line: string,
    u: Unwrapped | null,
    offset: number,
    physical: number,
    truncated: boolean,
  ): Pending {
    const max = this.limits.maxRecordBytes;
    const text = line.length > max ? line.slice(0, max) : line;
    const spare = this.spare;
    if (spare !== null) {
      // The last finished record's holder, reused: one object less per line.
      this.spare = null;
      spare.header = header;
      spare.parser = parser;
      spare.unwrapped = u;
      spare.first = text;
      spare.parts = null;
      spare.bytes = text.length;
      spare.lines = physical;
      spare.dropped = 0;
      spare.offset = offset;
      spare.truncated = truncated || text.length < line.length;
      spare.full = text.length >= max;
      return spare;
    }
    return {
      header,
      parser,
      unwrapped: u,
      first: text,
      parts: null,
      bytes: text.length,
      lines: physical,
      dropped: 0,
      offset,
      truncated: truncated || text.length < line.length,
      full: text.length >= max,
    };
  }

  private append(p: Pending, text: string, physical: number, truncated: boolean): void {
    p.lines += physical;
    if (p.full || (p.parts === null ? 0 : p.parts.length) + 1 >= this.limits.maxRecordLines) {
      p.full = true;
      p.dropped += physical;
      return;
    }
    const room = this.limits.maxRecordBytes - p.bytes - 1;
    if (text.length > room) {
      // Keep what fits of the line that crosses the byte cap, then stop keeping.
      p.full = true;
      p.truncated = true;
      if (room <= 0) {
        p.dropped += physical;
        return;
      }
      text = text.slice(0, room);
    }
    if (p.parts === null) p.parts = [text];
    else p.parts.push(text);
    p.bytes += text.length + 1;
    if (truncated) p.truncated = true;
  }

  private finishPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const rec = this.build(p);
    // Nothing keeps `p` past `build`: the next record's `start` refills it (references dropped meanwhile).
    p.header = null;
    p.unwrapped = null;
    p.parts = null;
    p.first = '';
    this.spare = p;
    this.opts.emit(rec);
  }

  private appOf(parser: FormatParser | null): string {
    if (parser !== null && parser === this.appParser) return this.appOfParser;
    if (!parser || FALLBACK_IDS.has(parser.id)) return this.detected ? this.appOf(this.detected) : this.defaultApp;
    const app = parser.apps.includes(this.opts.app) ? this.opts.app : (parser.apps[0] ?? this.defaultApp);
    // An app format's answer never changes: remembered for the next record (nearly all come from one format).
    this.appParser = parser;
    this.appOfParser = app;
    return app;
  }

  private build(p: Pending): LogRecord {
    const raw = p.parts !== null ? `${p.first}\n${p.parts.join('\n')}` : p.first;
    const h = p.header;
    const time = this.resolveTime(h, p.unwrapped);
    const exact = this.resolvedExact;
    const rec: LogRecord = new BuiltRecord(
      time,
      exact,
      h && !h.unlevelled ? h.level : orphanLevel(raw),
      h?.app ?? this.appOf(p.parser),
      this.opts.source,
      h ? h.message : p.first.trim(),
      raw,
      p.lines,
    );
    if (h?.logger !== undefined) rec.logger = h.logger;
    if (h?.thread !== undefined) rec.thread = h.thread;
    if (!h) rec.orphan = true;
    if (this.opts.file !== undefined) rec.file = this.opts.file;
    rec.offset = p.offset;
    if (p.dropped) rec.droppedLines = p.dropped;
    if (p.truncated) rec.truncated = true;
    const finisher = p.parser ?? this.single ?? this.detected;
    finisher?.finish?.(rec, this.ctx);
    return rec;
  }

  /** The record's time; `resolvedExact` says whether the log gave it. */
  private resolveTime(h: Header | null, u: Unwrapped | null): number {
    this.resolvedExact = true;
    if (u !== null && u.time !== undefined) {
      this.lastExactTime = u.time;
      return u.time;
    }
    if (h && h.time !== null) {
      this.lastExactTime = h.time;
      return h.time;
    }
    this.resolvedExact = false;
    const tod = h?.timeOfDay ?? u?.partialDate?.timeOfDay;
    const now = this.opts.now();
    if (tod === undefined) return this.lastExactTime ?? now;
    return dateTimeOfDay(tod, this.lastExactTime, now, this.ctx.zone);
  }
}
