/**
 * `arrgus replay`: the ingestion pipeline run offline over files or stdin, printing NDJSON. The same assembler and
 * parsers as live tailing; detection (issues, alerts, incidents) hangs off the `onRecord`/`finish` hooks.
 */
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Level, LogRecord } from './core/types.ts';
import { appFromFileName } from './parsers/app-hint.ts';
import { Assembler, type AssemblerLimits, DEFAULT_LIMITS } from './parsers/assembler.ts';
import { parsersFor } from './parsers/index.ts';
import { type Zone, zoneByName } from './parsers/time.ts';
import { LineSplitter } from './sources/line-splitter.ts';

export interface ReplayOptions {
  app: string;
  /** IANA zone or offset for logs without one; wins over zones the logs announce. */
  tz?: string;
  events: boolean;
  format: 'ndjson' | 'summary';
  files: string[];
  out: Writable;
  stdin?: AsyncIterable<Buffer>;
  maxLineBytes?: number;
  limits?: AssemblerLimits;
  /** Extra per-record work (detection); returns extra fields to print on the record line. */
  onRecord?: (record: LogRecord) => Record<string, unknown> | undefined;
  /** Extra lines printed before the summary, and counts merged into it. */
  finish?: () => { lines: Record<string, unknown>[]; counts: Record<string, number> };
  /** Reference time for records without a date (default: now). */
  now?: () => number;
}

export interface ReplaySummary {
  type: 'summary';
  lines: number;
  records: number;
  byLevel: Record<Level, number>;
  seconds: number;
  linesPerSecond: number;
  [k: string]: unknown;
}

const CHUNK = 1 << 20;

export async function replay(opts: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const zone: Zone | undefined = opts.tz ? zoneByName(opts.tz) : undefined;
  const byLevel: Record<Level, number> = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
  let lines = 0;
  let records = 0;
  const out = new BufferedOut(opts.out);

  const emit = (rec: LogRecord): void => {
    records++;
    byLevel[rec.level]++;
    const extra = opts.onRecord?.(rec);
    if (opts.events && opts.format === 'ndjson') out.write(JSON.stringify({ type: 'record', ...rec, ...extra }));
  };

  for (const file of opts.files.length ? opts.files : ['-']) {
    const app = opts.app === 'auto' ? (appFromFileName(file) ?? 'auto') : opts.app;
    const asm = new Assembler({
      parsers: parsersFor(app),
      app: app === 'auto' ? 'generic' : app,
      source: file === '-' ? 'stdin' : (file.split(/[\\/]/).pop() ?? file),
      ...(file === '-' ? {} : { file }),
      ...(zone ? { zone } : {}),
      limits: opts.limits ?? DEFAULT_LIMITS,
      now: opts.now ?? Date.now,
      emit,
    });
    const splitter = new LineSplitter(
      (line, offset, end, truncated) => {
        lines++;
        asm.push(line, offset, end, truncated);
      },
      0,
      opts.maxLineBytes ?? 65_536,
    );
    if (file === '-') {
      for await (const chunk of opts.stdin ?? (process.stdin as AsyncIterable<Buffer>)) {
        splitter.push(chunk);
        await out.drain();
      }
    } else {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.allocUnsafe(CHUNK);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
          if (bytesRead === 0) break;
          splitter.push(buf.subarray(0, bytesRead));
          await out.drain();
        }
      } finally {
        await fh.close();
      }
    }
    splitter.end();
    asm.flush();
  }

  const extra = opts.finish?.();
  if (extra && opts.format === 'ndjson') for (const l of extra.lines) out.write(JSON.stringify(l));
  const seconds = (performance.now() - started) / 1000;
  const summary: ReplaySummary = {
    type: 'summary',
    lines,
    records,
    byLevel,
    ...extra?.counts,
    seconds: Math.round(seconds * 1000) / 1000,
    linesPerSecond: seconds > 0 ? Math.round(lines / seconds) : lines,
  };
  out.write(JSON.stringify(summary));
  await out.end();
  return summary;
}

/** Joins output lines into large writes and waits for the stream when it asks to. */
class BufferedOut {
  private parts: string[] = [];
  private size = 0;
  private readonly stream: Writable;
  constructor(stream: Writable) {
    this.stream = stream;
  }
  write(line: string): void {
    this.parts.push(line);
    this.size += line.length;
  }
  async drain(): Promise<void> {
    if (this.size < 1 << 16) return;
    await this.flushNow();
  }
  async end(): Promise<void> {
    await this.flushNow();
  }
  private async flushNow(): Promise<void> {
    if (!this.parts.length) return;
    const text = `${this.parts.join('\n')}\n`;
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(text)) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }
}
