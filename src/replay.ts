/**
 * `arrgus replay`: the ingestion pipeline run offline over files or stdin, printing NDJSON. The same assembler and
 * parsers as live tailing; detection (issues, alerts, incidents) hangs off the `onRecord`/`finish` hooks.
 */
import { statSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import type { Writable } from 'node:stream';
import { redactRecord } from './core/redact.ts';
import type { Level, LogRecord } from './core/types.ts';
import { type AssemblerLimits, DEFAULT_LIMITS } from './parsers/assembler.ts';
import { ParseThread, THREAD_FROM_BYTES } from './replay-pipeline.ts';
import { readHere, type StreamSpec } from './replay-read.ts';

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
  /** Extra lines printed before the summary (`lines` as NDJSON, `text` in the summary format), and counts merged into it. */
  finish?: () => { lines: Record<string, unknown>[]; counts: Record<string, number>; text?: string[] };
  /** Reference time for records without a date (default: the file's mtime, or now for stdin). */
  now?: () => number;
  /**
   * The lowest level detection reads: unless records are printed, records below it are read without the details
   * formats take from the message (component, correlation ids), which nobody would look at.
   */
  detailsFrom?: Level;
  /**
   * Parse each file on a thread of its own while this one runs `onRecord` and the output (replay-pipeline.ts). Unset:
   * for files from a few megabytes when the machine has a core to spare (`threadPays`). Never for stdin or with `now`. Records below
   * `detailsFrom` then reach `onRecord` without their text (empty message and raw).
   */
  parseThread?: boolean;
  /** A parse thread started ahead (`parseThreadFor`): used for the files that are parsed on a thread, and stopped. */
  thread?: ParseThread;
}

export interface ReplaySummary {
  type: 'summary';
  lines: number;
  records: number;
  byLevel: Record<Level, number>;
  seconds: number;
  linesPerSecond: number;
  peakRssMB: number;
  [k: string]: unknown;
}

export async function replay(opts: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const byLevel: Record<Level, number> = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
  let lines = 0;
  let records = 0;
  const out = new BufferedOut(opts.out);

  const printsRecords = opts.events && opts.format === 'ndjson';
  const emit = (rec: LogRecord): void => {
    records++;
    byLevel[rec.level]++;
    const extra = opts.onRecord?.(rec);
    if (printsRecords) {
      redactRecord(rec);
      out.write(JSON.stringify({ type: 'record', ...rec, ...extra }));
    }
  };

  const files = opts.files.length ? opts.files : ['-'];
  const detailsFrom = opts.detailsFrom !== undefined && !printsRecords ? opts.detailsFrom : undefined;
  const thread = opts.thread ?? new ParseThread();
  try {
    // Fail before printing anything when a file is missing or unreadable (the caller reports the path).
    for (const file of files) if (file !== '-') await access(file);
    for (const file of files) {
      const spec: StreamSpec = {
        app: opts.app,
        file,
        ...(opts.tz ? { tz: opts.tz } : {}),
        limits: opts.limits ?? DEFAULT_LIMITS,
        maxLineBytes: opts.maxLineBytes ?? 65_536,
        ...(detailsFrom !== undefined ? { detailsFrom } : {}),
      };
      // A replayed file was last written at its mtime: times of day without a date belong to that day or before it.
      const st = file === '-' ? undefined : await stat(file);
      const mtime = st?.mtimeMs;
      const between = () => out.drain();
      if (mtime !== undefined && opts.now === undefined && (opts.parseThread ?? threadPays(st?.size ?? 0)))
        lines += await thread.replay(spec, mtime, emit, between);
      else {
        const now = opts.now ?? (mtime === undefined ? Date.now : () => mtime);
        lines += await readHere(spec, now, emit, between, opts.stdin);
      }
    }
  } finally {
    await thread.stop();
  }

  const extra = opts.finish?.();
  if (extra && opts.format === 'ndjson') for (const l of extra.lines) out.write(JSON.stringify(l));
  if (extra?.text && opts.format === 'summary') for (const t of extra.text) out.write(t);
  const seconds = (performance.now() - started) / 1000;
  const summary: ReplaySummary = {
    type: 'summary',
    lines,
    records,
    byLevel,
    ...extra?.counts,
    seconds: Math.round(seconds * 1000) / 1000,
    linesPerSecond: seconds > 0 ? Math.round(lines / seconds) : lines,
    // Peak resident memory of this process so far (replays stream: it must not grow with the file size).
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  };
  out.write(opts.format === 'summary' ? humanSummary(summary, topIssues(extra?.lines ?? [])) : JSON.stringify(summary));
  await out.end();
  return summary;
}

/**
 * A second thread pays for a big file when a core is free for it: measured on 2 cores, 23-27% faster then, but equal
 * or slower (and 15-25% more CPU in all) while other work keeps both cores busy, and 25-45 MB more memory either way.
 * The last minute's load average tells whether a core is free.
 */
function threadPays(bytes: number): boolean {
  const cores = availableParallelism();
  return bytes >= THREAD_FROM_BYTES && cores > 1 && (loadavg()[0] ?? 0) < cores - 1;
}

/**
 * A parse thread, started now, when one of `files` will be parsed on it (see `parseThread`): its start-up then overlaps
 * the caller's (loading detection) instead of delaying the first records. Pass it to `replay` as `thread`.
 */
export function parseThreadFor(files: readonly string[]): ParseThread | undefined {
  const big = files.some((f) => {
    if (f === '-') return false;
    try {
      return threadPays(statSync(f).size);
    } catch {
      return false; // replay() reports the file
    }
  });
  if (!big) return undefined;
  const thread = new ParseThread();
  thread.warm();
  return thread;
}

const LEVEL_ORDER: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

interface IssueLine {
  title: string;
  severity: string;
  category: string;
  count: number;
  impact: number;
}

/** The issues a reader should look at first: highest impact, then most occurrences. */
function topIssues(lines: Record<string, unknown>[], max = 10): IssueLine[] {
  return lines
    .filter((l): l is Record<string, unknown> & IssueLine => l.type === 'issue' && typeof l.title === 'string')
    .sort((a, b) => (b.impact ?? 0) - (a.impact ?? 0) || b.count - a.count)
    .slice(0, max);
}

function humanSummary(s: ReplaySummary, top: IssueLine[] = []): string {
  const n = grouped;
  const extra = Object.entries(s)
    .filter(
      ([k, v]) => typeof v === 'number' && !['lines', 'records', 'seconds', 'linesPerSecond', 'peakRssMB'].includes(k),
    )
    .map(([k, v]) => `${k} ${n(v as number)}`);
  return [
    `Replayed ${n(s.lines)} lines into ${n(s.records)} records in ${s.seconds.toFixed(3)} s (${n(s.linesPerSecond)} lines/s, peak memory ${s.peakRssMB} MB).`,
    `By level: ${LEVEL_ORDER.map((l) => `${l} ${n(s.byLevel[l])}`).join(', ')}.`,
    ...(extra.length ? [`Detection: ${extra.join(', ')}.`] : []),
    ...(top.length
      ? [
          `Top issues:`,
          ...top.map(
            (i) =>
              `  ${i.severity.padEnd(8)} ${i.title} (${i.category}, ${i.count === 1 ? 'once' : `${n(i.count)} times`})`,
          ),
        ]
      : []),
  ].join('\n');
}

/**
 * `1234567` → `1,234,567`, as `toLocaleString('en-US')` writes integers, without loading ICU's locale data for it
 * (~8 MB of the process's memory when nothing else needs Intl: a replay with `--tz UTC`).
 */
export function grouped(v: number): string {
  if (!Number.isSafeInteger(v)) return v.toLocaleString('en-US');
  const digits = String(Math.abs(v));
  let out = '';
  for (let i = digits.length; i > 0; i -= 3)
    out = i > 3 ? `,${digits.slice(i - 3, i)}${out}` : `${digits.slice(0, i)}${out}`;
  return v < 0 ? `-${out}` : out;
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
