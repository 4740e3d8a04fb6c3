/**
 * `node bench/detect-quality.ts [RECORDS]`: detection quality on the generated Plex log with 27 kinds of problems
 * (bench/gen/plex-problems.ts), replayed as `arrgus replay` does. Prints how many issues each kind became, whether
 * their category is the operator's, and how many ERROR records stayed `uncategorized`. Targets (issue 9): at most 50
 * issues for the 27 kinds, at most 5% of ERROR records uncategorized.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEVEL_RANK } from '../src/core/types.ts';
import { attachDetection } from '../src/replay-detect.ts';
import { replayFile } from '../test/corpus.ts';
import { type ProblemKind, plexProblemsGenerator } from './gen/plex-problems.ts';

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

export function detectQuality(n: number, seed = 7): QualityReport {
  const gen = plexProblemsGenerator(seed);
  const kinds: Array<ProblemKind | null> = [];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(gen.next());
    kinds.push(gen.kind);
  }
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-quality-'));
  try {
    const file = join(dir, 'Plex Media Server.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { records } = replayFile(file, 'plex');
    if (records.length !== n) throw new Error(`expected ${n} records, the parser found ${records.length}`);
    const d = attachDetection({});
    const byKind = new Map<string, { kind: ProblemKind; fps: Set<string> }>();
    let errors = 0;
    let uncategorized = 0;
    let problems = 0;
    records.forEach((r, i) => {
      const fp = (d.onRecord?.(r) as { fingerprint?: string } | undefined)?.fingerprint;
      const k = kinds[i];
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
    });
    d.finish?.();
    const perKind = [...byKind.values()].map(({ kind, fps }) => ({
      id: kind.id,
      expected: kind.category,
      issues: fps.size,
      categories: [...new Set([...fps].map((fp) => d.detector.get(fp)?.category ?? '?'))],
    }));
    return {
      records: records.length,
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
  const n = Number(process.argv[2] ?? 200_000);
  const q = detectQuality(n);
  for (const k of q.perKind)
    console.log(
      `${k.id.padEnd(18)} ${String(k.issues).padStart(3)} issue(s)  ${k.categories.join(',').padEnd(24)} ${k.categories.every((c) => c === k.expected) ? 'ok' : `expected ${k.expected}`}`,
    );
  console.log(
    `records ${q.records}, problems ${q.problems}, issues ${q.issues} for ${q.kinds} kinds (target ≤ 50), categories right for ${q.kindsRight}/${q.kinds} kinds, uncategorized ERROR records ${q.uncategorizedErrors}/${q.errors} = ${((100 * q.uncategorizedErrors) / Math.max(1, q.errors)).toFixed(1)}% (target ≤ 5%)`,
  );
}
