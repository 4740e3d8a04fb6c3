/**
 * Bytes in, physical lines out, with the byte offset of each. Handles CRLF, a partial last line (kept until its newline
 * arrives), invalid UTF-8 (replacement characters), NUL bytes (dropped: preallocated or crash-zeroed regions) and lines
 * far over the cap (the first `maxLineBytes` are kept with a marker, the rest is skipped without buffering).
 */

export const TRUNCATION_MARKER = ' …[line truncated]';

export type LineHandler = (line: string, offset: number, end: number, truncated: boolean) => void;

export class LineSplitter {
  private readonly maxLineBytes: number;
  private readonly onLine: LineHandler;
  /** Bytes of the current unfinished line (at most maxLineBytes). */
  private rest: Buffer | null = null;
  /** Offset in the file of the first byte of the unfinished line. */
  private lineStart: number;
  /** Offset of the next byte to arrive. */
  private pos: number;
  /** The unfinished line passed the cap: drop bytes until its newline. */
  private overflow = false;
  /** The chunk being split holds a NUL byte somewhere (lines are only searched for NULs then). */
  private nulInChunk = false;

  constructor(onLine: LineHandler, startOffset = 0, maxLineBytes = 65_536) {
    this.onLine = onLine;
    this.lineStart = startOffset;
    this.pos = startOffset;
    this.maxLineBytes = maxLineBytes;
  }

  /** Offset of the first byte not yet part of an emitted line (where a reader should resume). */
  get offset(): number {
    return this.lineStart;
  }

  /** Bytes waiting for their newline. */
  get pendingBytes(): number {
    return this.pos - this.lineStart;
  }

  push(chunk: Buffer): void {
    let from = 0;
    const base = this.pos;
    this.pos += chunk.length;
    // One scan per chunk instead of one per line: most chunks have no NUL byte at all.
    this.nulInChunk = chunk.indexOf(0) !== -1;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl === -1) {
        this.keep(chunk, from, chunk.length);
        return;
      }
      const end = base + nl + 1;
      if (this.rest === null && !this.overflow) {
        if (nl - from > this.maxLineBytes)
          this.emit(chunk, from, from + utf8Cut(chunk, from, this.maxLineBytes), end, true);
        else this.emit(chunk, from, nl, end, false);
      } else {
        this.keep(chunk, from, nl);
        const rest = this.rest ?? Buffer.alloc(0);
        this.rest = null;
        const cut = this.overflow;
        this.overflow = false;
        this.nulInChunk = true; // the kept part came from earlier chunks: check this line itself
        this.emit(rest, 0, rest.length, end, cut);
        this.nulInChunk = chunk.indexOf(0, nl) !== -1;
      }
      from = nl + 1;
    }
  }

  /** Emits the unfinished line as if its newline had arrived (end of a replayed file). */
  end(): void {
    if (this.pos === this.lineStart) return;
    const rest = this.rest ?? Buffer.alloc(0);
    const cut = this.overflow;
    this.rest = null;
    this.overflow = false;
    this.nulInChunk = true;
    this.emit(rest, 0, rest.length, this.pos, cut);
  }

  /** Forgets the unfinished line and restarts at `offset` (a truncated or replaced file). */
  reset(offset: number): void {
    this.rest = null;
    this.overflow = false;
    this.lineStart = offset;
    this.pos = offset;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.overflow) return;
    const have = this.rest ? this.rest.length : 0;
    const room = this.maxLineBytes - have;
    const take = to - from > room ? utf8Cut(chunk, from, room) : to - from;
    if (take > 0) {
      const part = chunk.subarray(from, from + take);
      // Copy: the caller may reuse its read buffer.
      this.rest = this.rest ? Buffer.concat([this.rest, part]) : Buffer.from(part);
    }
    if (to - from > take) this.overflow = true;
  }

  /** Decodes bytes [from, to) of `buf` (no subarray: one allocation less per line) and hands the line on. */
  private emit(buf: Buffer, from: number, to: number, end: number, truncated: boolean): void {
    if (to > from && buf[to - 1] === 13) to--; // CRLF
    let line = buf.toString('utf8', from, to);
    if (this.nulInChunk && line.includes('\0')) line = line.replaceAll('\0', '');
    if (truncated) line += TRUNCATION_MARKER;
    const start = this.lineStart;
    this.lineStart = end;
    this.onLine(line, start, end, truncated);
  }
}

/** The longest length <= `max` from `from` that does not end inside a UTF-8 sequence (a cut line stays valid text). */
function utf8Cut(buf: Buffer, from: number, max: number): number {
  let n = max;
  // Step back over continuation bytes (10xxxxxx), then over the lead byte they belong to.
  while (n > 0 && n > max - 4 && ((buf[from + n] ?? 0) & 0xc0) === 0x80) n--;
  return n;
}
