/**
 * `node bench/detect-quality.bench.ts [RECORDS]` (default 1,000,000; part of `npm run bench`): detection quality on the generated Plex log with 27 kinds of problems
 * (bench/gen/plex-problems.ts), replayed as `arrgus replay` does. Prints how many issues each kind became, whether
 * their category is the operator's, and how many ERROR records stayed `uncategorized`. Targets (issue 9): at most 50
 * issues for the 27 kinds, at most 5% of ERROR records uncategorized.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEVEL_RANK } from '../src/core/types.ts';
import { Assembler } from '../src/parsers/assembler.ts';
import { parsersFor } from '../src/parsers/index.ts';
import { UTC } from '../src/parsers/time.ts';
import { attachDetection } from '../src/replay-detect.ts';
import { LineSplitter } from '../src/sources/line-splitter.ts';
import { PLEX_PROBLEMS, type ProblemKind, plexProblemsGenerator } from './gen/plex-problems.ts';

export interface QualityReport {
  records: number;
  problems: number;
  issues: number;
  kinds: number;
  kindsRight: number;
  errors: number;
  uncategorizedErrors: number;
  perKind: Array<{ id: string; expected: string; issues: number; categories: string[] }>;
}

export async function detectQuality(n: number, seed = 7): Promise<QualityReport> {
  const gen = plexProblemsGenerator(seed);
  // Kinds are kept one byte per record (index into PLEX_PROBLEMS, 255 for everyday traffic): a million records fit.
  const kinds = new Uint8Array(n);
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-quality-'));
  try {
    const file = join(dir, 'Plex Media Server.log');
    const out = createWriteStream(file);
    for (let i = 0; i < n; i++) {
      if (!out.write(`${gen.next()}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      kinds[i] = gen.kind ? PLEX_PROBLEMS.indexOf(gen.kind) : 255;
    }
    await new Promise<void>((r) => out.end(() => r()));
    const d = attachDetection({});
    const byKind = new Map<string, { kind: ProblemKind; fps: Set<string> }>();
    let errors = 0;
    let uncategorized = 0;
    let problems = 0;
    let i = 0;
    const asm = new Assembler({
      parsers: parsersFor('plex'),
      app: 'plex',
      source: 'plex',
      file,
      zone: UTC,
      now: () => Date.UTC(2026, 0, 1),
      emit: (r) => {
        const fp = (d.onRecord?.(r) as { fingerprint?: string } | undefined)?.fingerprint;
        const k = PLEX_PROBLEMS[kinds[i++] as number];
        if (LEVEL_RANK[r.level] >= LEVEL_RANK.error) {
          errors++;
          if (!fp || d.detector.get(fp)?.category === 'uncategorized') uncategorized++;
        }
        if (!k) return;
        problems++;
        let e = byKind.get(k.id);
        if (!e) {
          e = { kind: k, fps: new Set() };
          byKind.set(k.id, e);
        }
        if (fp) e.fps.add(fp);
      },
    });
    const splitter = new LineSplitter((line, offset, end, truncated) => asm.push(line, offset, end, truncated));
    splitter.push(readFileSync(file));
    splitter.end();
    asm.flush();
    if (i !== n) throw new Error(`expected ${n} records, the parser found ${i}`);
    d.finish?.();
    const perKind = [...byKind.values()].map(({ kind, fps }) => ({
      id: kind.id,
      expected: kind.category,
      issues: fps.size,
      categories: [...new Set([...fps].map((fp) => d.detector.get(fp)?.category ?? '?'))],
    }));
    return {
      records: i,
      problems,
      issues: d.detector.list().length,
      kinds: perKind.length,
      kindsRight: perKind.filter((k) => k.categories.length > 0 && k.categories.every((c) => c === k.expected)).length,
      errors,
      uncategorizedErrors: uncategorized,
      perKind,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const q = await detectQuality(n);
  for (const k of q.perKind)
    console.log(
      `${k.id.padEnd(18)} ${String(k.issues).padStart(3)} issue(s)  ${k.categories.join(',').padEnd(24)} ${k.categories.every((c) => c === k.expected) ? 'ok' : `expected ${k.expected}`}`,
    );
  console.log(
    `records ${q.records}, problems ${q.problems}, issues ${q.issues} for ${q.kinds} kinds (target ≤ 50), categories right for ${q.kindsRight}/${q.kinds} kinds, uncategorized ERROR records ${q.uncategorizedErrors}/${q.errors} = ${((100 * q.uncategorizedErrors) / Math.max(1, q.errors)).toFixed(1)}% (target ≤ 5%)`,
  );
}
