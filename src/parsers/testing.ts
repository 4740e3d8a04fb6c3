/**
 * What every format parser's tests need, in one place: a parse context, reading one header, replaying lines through
 * the real Assembler, and the sweep that no line of another app's corpus is taken for one of this format's headers
 * (the guard that keeps `auto`/`docker` detection honest as formats are added). Test-only: nothing in src imports it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS_DIR, type ExpectedFile } from '../../test/corpus.ts';
import type { LogRecord } from '../core/types.ts';
import { Assembler } from './assembler.ts';
import { unwrap } from './envelope.ts';
import { UTC, type Zone } from './time.ts';
import type { FormatParser, Header, ParseContext } from './types.ts';

/** A context with an explicitly configured zone (a log's own announcement does not move it). */
export function ctxFor(zone: Zone = UTC): ParseContext {
  return { zone, zoneExplicit: true, announceZone: () => {} };
}

/** The lines of a corpus file (`emby/x.log`, relative to the corpus), without the empty one after the last newline. */
export function corpusLines(rel: string): string[] {
  return readFileSync(join(CORPUS_DIR, rel), 'utf8').replace(/\n$/, '').split('\n');
}

export interface ReplayOptions {
  /** The source's app; the parser's first app when omitted. */
  app?: string;
  /** The configured zone; UTC when omitted. */
  zone?: Zone;
}

/** Records the Assembler makes of `lines` with only `parser`, flushed at the end, as a replay would. */
export function replayLines(parser: FormatParser, lines: Iterable<string>, opts: ReplayOptions = {}): LogRecord[] {
  const out: LogRecord[] = [];
  const asm = new Assembler({
    parsers: [parser],
    app: opts.app ?? (parser.apps[0] as string),
    source: 'test',
    zone: opts.zone ?? UTC,
    now: () => Date.UTC(2026, 0, 1),
    emit: (r) => out.push(r),
  });
  for (const l of lines) asm.push(l);
  asm.flush();
  return out;
}

/** Fewer lines than this from other apps would make the sweep prove little (a moved or emptied corpus). */
const MIN_FOREIGN_LINES = 500;

/**
 * Asserts that no line of another app's corpus files (envelope stripped, as the Assembler sees it) is a header of
 * `parser`; `skipFile` leaves out files that are this format's own despite their folder (a docker log of the app).
 * Returns how many lines were checked.
 */
export function assertNoForeignHeaders(
  parser: FormatParser,
  skipFile: (app: string, file: string) => boolean = () => false,
): number {
  const ctx = ctxFor();
  let checked = 0;
  for (const app of readdirSync(CORPUS_DIR)) {
    if (app.includes('.') || parser.apps.includes(app)) continue;
    for (const f of readdirSync(join(CORPUS_DIR, app))) {
      if (!f.endsWith('.log') || skipFile(app, f)) continue;
      for (const line of readFileSync(join(CORPUS_DIR, app, f), 'utf8').split('\n')) {
        const text = unwrap(line.replace(/\r$/, '')).text;
        assert.equal(parser.header(text, ctx), null, `${app}/${f}: ${text.slice(0, 80)}`);
        checked++;
      }
    }
  }
  assert.ok(checked > MIN_FOREIGN_LINES, `only ${checked} lines of other apps checked`);
  return checked;
}

/** One test per line that `header` must not take for a header (near misses from other formats and pastes). */
export function testNotHeaders(header: (line: string) => Header | null, lines: readonly string[]): void {
  for (const line of lines) {
    test(`not a header: ${JSON.stringify(line.slice(0, 60))}`, () => assert.equal(header(line), null));
  }
}

/**
 * `header` and `replay` bound to a fresh parser of `create` each call (so no per-second cache carries over between
 * calls); `defaults` are the replay options of every call, which a call's own options override.
 */
export function parserHarness(create: () => FormatParser, defaults: ReplayOptions = {}) {
  return {
    header: (line: string, zone?: Zone): Header | null => create().header(line, ctxFor(zone)),
    replay: (lines: Iterable<string>, opts: ReplayOptions = {}): LogRecord[] =>
      replayLines(create(), lines, { ...defaults, ...opts }),
  };
}

/** A file of hand-labelled records: `NAME.log` beside `NAME.log.expected.json` (the corpus's convention). */
export interface LabelledFile {
  path: string;
  expected: ExpectedFile;
}

/** Every labelled file directly in `dir` or one level below it, sorted by path. */
export function labelledFiles(dir: string): LabelledFile[] {
  const out: LabelledFile[] = [];
  const visit = (d: string, depth: number): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth === 0) visit(p, 1);
      else if (e.isFile() && e.name.endsWith('.log')) {
        out.push({ path: p, expected: JSON.parse(readFileSync(`${p}.expected.json`, 'utf8')) as ExpectedFile });
      }
    }
  };
  visit(dir, 0);
  return out;
}

export interface BoundaryScore {
  /** Record starts in the labels, found by the parser, and in both. */
  expected: number;
  found: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision/recall of record starts (1-based line numbers), summed over files. */
export function boundaryScore(
  files: ReadonlyArray<{ want: readonly number[]; got: readonly number[] }>,
): BoundaryScore {
  let expected = 0;
  let found = 0;
  let matched = 0;
  for (const { want, got } of files) {
    const w = new Set(want);
    expected += w.size;
    found += new Set(got).size;
    for (const g of new Set(got)) if (w.has(g)) matched++;
  }
  const precision = found ? matched / found : 1;
  const recall = expected ? matched / expected : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { expected, found, matched, precision, recall, f1 };
}
