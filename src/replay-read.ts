/**
 * One replayed stream (a file or stdin): bytes in, records out, through the same splitter, assembler and parsers as
 * live tailing. Built the same way on the main thread (small files, stdin) and on the replay's parse thread
 * (replay-pipeline.ts), so both paths read every line alike.
 */
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

  constructor(spec: StreamSpec, now: () => number, emit: (record: LogRecord) => void) {
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
    this.splitter.push(chunk);
  }

  /** The end of the stream: the last line without its newline and the pending record go out. */
  end(): void {
    this.splitter.end();
    this.asm.flush();
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
