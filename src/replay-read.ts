/**
 * One replayed stream (a file or stdin): bytes in, records out, through the same splitter, assembler and parsers as
 * live tailing. Built the same way on the main thread (small files, stdin) and on the replay's parse thread
 * (replay-pipeline.ts), so both paths read every line alike.
 */
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Level, LogRecord } from './core/types.ts';
import { appFromFileName } from './parsers/app-hint.ts';
import { Assembler, type AssemblerLimits } from './parsers/assembler.ts';
import { parsersFor } from './parsers/index.ts';
import { zoneByName } from './parsers/time.ts';
import type { FormatParser } from './parsers/types.ts';
import { LineSplitter } from './sources/line-splitter.ts';

/** Everything a stream's reading needs, as plain data (it crosses to the parse thread). */
export interface StreamSpec {
  /** The `--app` value (`auto` lets the content decide). */
  app: string;
  /** The path, or `-` for stdin. */
  file: string;
  tz?: string;
  limits: AssemblerLimits;
  maxLineBytes: number;
  detailsFrom?: Level;
}

/** Bytes read so far, split, assembled and parsed into records handed to `emit`, in order. */
export class RecordStream {
  /** Physical lines read so far. */
  lines = 0;
  private readonly splitter: LineSplitter;
  private readonly asm: Assembler;
  private readonly maxLineBytes: number;
  private readonly wholeChunks: boolean;

  /**
   * `wholeChunks`: an ASCII chunk is decoded once and its lines are slices of that string, not a decode each (the parse
   * thread: its records are copied to the main thread, so no record keeps a chunk's string alive for long; on one thread
   * an issue's sample would).
   */
  constructor(spec: StreamSpec, now: () => number, emit: (record: LogRecord) => void, wholeChunks = false) {
    this.maxLineBytes = spec.maxLineBytes;
    this.wholeChunks = wholeChunks;
    const { app, parsers } = formatsFor(spec.app, spec.file);
    const file = spec.file;
    const asm = new Assembler({
      parsers,
      app,
      source: sourceOf(file),
      ...(file === '-' ? {} : { file }),
      ...(spec.tz ? { zone: zoneByName(spec.tz) } : {}),
      limits: spec.limits,
      now,
      ...(spec.detailsFrom !== undefined ? { detailsFrom: spec.detailsFrom } : {}),
      emit,
    });
    this.asm = asm;
    this.splitter = new LineSplitter(
      (line, offset, end, truncated) => {
        this.lines++;
        asm.push(line, offset, end, truncated);
      },
      0,
      spec.maxLineBytes,
    );
  }

  push(chunk: Buffer): void {
    const splitter = this.splitter;
    if (!this.wholeChunks) {
      splitter.push(chunk);
      return;
    }
    let rest = chunk;
    if (splitter.pendingBytes > 0) {
      // The line the last chunk left unfinished ends here: the splitter joins its parts.
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        splitter.push(chunk);
        return;
      }
      splitter.push(chunk.subarray(0, nl + 1));
      rest = chunk.subarray(nl + 1);
    }
    const done = this.pushAscii(rest, splitter.offset);
    if (done > 0) splitter.reset(splitter.offset + done);
    if (done < rest.length) splitter.push(done > 0 ? rest.subarray(done) : rest);
  }

  /**
   * The complete lines of an ASCII chunk without NUL bytes, as slices of decoded strings (one per window of at most
   * WINDOW bytes), exactly as the splitter would hand them (CRLF, offsets); returns the bytes consumed. Stops before a
   * line over the cap and at the last newline: the splitter takes the rest.
   */
  private pushAscii(chunk: Buffer, base: number): number {
    if (chunk.indexOf(0) !== -1 || !isAscii(chunk)) return 0;
    const max = this.maxLineBytes;
    const asm = this.asm;
    let at = 0;
    while (at < chunk.length) {
      let last = chunk.lastIndexOf(10, Math.min(at + WINDOW, chunk.length) - 1);
      if (last < at) {
        last = chunk.indexOf(10, at);
        if (last < 0 || last - at > max) return at;
      }
      const text = chunk.toString('latin1', at, last + 1);
      let from = 0;
      const end = last + 1 - at;
      while (from < end) {
        const nl = text.indexOf('\n', from);
        if (nl - from > max) return at + from;
        const to = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        this.lines++;
        asm.push(text.slice(from, to), base + at + from, base + at + nl + 1, false);
        from = nl + 1;
      }
      at = last + 1;
    }
    return at;
  }

  /** The end of the stream: the last line without its newline and the pending record go out. */
  end(): void {
    this.splitter.end();
    this.asm.flush();
  }
}

/**
 * Bytes decoded at once on the parse thread's ASCII path: a record that stays alive (the pending one, those waiting in
 * a batch) keeps its window alive, so windows are small (a few lines each; larger ones filled the old generation).
 */
const WINDOW = 2048;

/**
 * Reads a stream on this thread (stdin, small files) into `emit`; `between` runs after each chunk (output
 * back-pressure). Resolves with the physical lines read.
 */
export async function readHere(
  spec: StreamSpec,
  now: () => number,
  emit: (record: LogRecord) => void,
  between: () => Promise<void>,
  stdin: AsyncIterable<Buffer> = process.stdin,
): Promise<number> {
  const stream = new RecordStream(spec, now, emit);
  if (spec.file === '-') {
    for await (const chunk of stdin) {
      stream.push(chunk);
      await between();
    }
  } else {
    for (const chunk of fileChunks(spec.file)) {
      stream.push(chunk);
      await between();
    }
  }
  stream.end();
  return stream.lines;
}

/** Bytes read at once from a file. */
export const READ_CHUNK = 1 << 20;

/**
 * A file's bytes in chunks of up to READ_CHUNK, read synchronously: a replay has nothing else to do meanwhile, and each
 * asynchronous read left the process idle while the thread pool was scheduled (5% of a replay's wall time on a busy
 * machine). Each chunk is a view of one reused buffer, valid until the next is asked for.
 */
export function* fileChunks(file: string): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, READ_CHUNK, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

/** The source name records of `file` carry. */
export function sourceOf(file: string): string {
  return file === '-' ? 'stdin' : (file.split(/[\\/]/).pop() ?? file);
}

/**
 * `auto`: the content decides the format (per file); the file name only breaks ties and names the app of a shared
 * format (`radarr.txt` read by NLog is radarr). A json-file log (`<id>-json.log`) is read as `docker`.
 */
function formatsFor(configured: string, file: string): { app: string; parsers: FormatParser[] } {
  if (configured !== 'auto') return { app: configured, parsers: parsersFor(configured) };
  const hint = file === '-' ? null : appFromFileName(file);
  if (hint === 'docker') return { app: 'docker', parsers: parsersFor('docker') };
  return { app: hint ?? 'auto', parsers: parsersFor('auto', hint) };
}
