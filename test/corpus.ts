/** Reads the checked-in real-log corpus (test/fixtures/corpus, copied from shared/corpus) and replays it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord } from '../src/core/types.ts';
import { Assembler } from '../src/parsers/assembler.ts';
import { parsersFor } from '../src/parsers/index.ts';
import { UTC } from '../src/parsers/time.ts';
import { LineSplitter } from '../src/sources/line-splitter.ts';

export const CORPUS_DIR = new URL('./fixtures/corpus/', import.meta.url).pathname;

export interface ExpectedRecord {
  line: number;
  level: string;
  time: string | null;
  orphan: boolean;
}

export interface ExpectedFile {
  file: string;
  app: string;
  lines: number;
  records: ExpectedRecord[];
}

export interface CorpusCase {
  app: string;
  path: string;
  expected: ExpectedFile;
}

export function corpusCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const app of readdirSync(CORPUS_DIR).sort()) {
    if (app.includes('.')) continue;
    for (const f of readdirSync(join(CORPUS_DIR, app)).sort()) {
      if (!f.endsWith('.log')) continue;
      const expected = JSON.parse(readFileSync(join(CORPUS_DIR, app, `${f}.expected.json`), 'utf8')) as ExpectedFile;
      out.push({ app, path: join(CORPUS_DIR, app, f), expected });
    }
  }
  return out;
}

/** Replays one file synchronously with `--tz UTC` semantics; returns records and the 1-based start line of each. */
export function replayFile(path: string, app: string): { records: LogRecord[]; startLines: number[]; lines: number } {
  const bytes = readFileSync(path);
  const records: LogRecord[] = [];
  const asm = new Assembler({
    parsers: parsersFor(app),
    app,
    source: app,
    file: path,
    zone: UTC,
    now: () => Date.UTC(2026, 0, 1),
    emit: (r) => records.push(r),
  });
  const lineAt = new Map<number, number>();
  let lines = 0;
  const splitter = new LineSplitter((line, offset, end, truncated) => {
    lines++;
    lineAt.set(offset, lines);
    asm.push(line, offset, end, truncated);
  });
  splitter.push(bytes);
  splitter.end();
  asm.flush();
  return { records, startLines: records.map((r) => lineAt.get(r.offset ?? -1) ?? -1), lines };
}

/** Expected times are local ISO strings read as UTC, or carry their own offset. */
export function expectedEpoch(time: string): number {
  return Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(time) ? time : `${time}Z`);
}
