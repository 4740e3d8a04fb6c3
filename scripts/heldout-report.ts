/**
 * `node scripts/heldout-report.ts DIR [--split dev|test|all] [--list]`: detection and record boundaries scored against
 * hand-labelled real logs (`NAME.log` + `NAME.log.labels.json`: record starts and the operator's category of each
 * problem; see the set's README). Each file is replayed as `arrgus replay --app APP` does, with default settings.
 * Prints category accuracy over problems, the share of ERROR records left `uncategorized`, record-start
 * precision/recall/F1, issues made from DEBUG/INFO records, and issues raised on problem-free files. `--split`
 * scores half of the files (by a hash of the name) so rules can be written looking at one half and judged on the other;
 * `--list` names each miss.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEVEL_RANK, type Level } from '../src/core/types.ts';
import { attachDetection } from '../src/replay-detect.ts';
import { replayFile } from '../test/corpus.ts';

interface Labels {
  file: string;
  app: string;
  records: Array<{ line: number; level: string }>;
  problems: Array<{ line: number; category: string }>;
}

export interface HeldoutScore {
  files: number;
  problems: number;
  right: number;
  uncategorizedProblems: number;
  errors: number;
  uncategorizedErrors: number;
  tp: number;
  fp: number;
  fn: number;
  lowLevelIssues: number;
  cleanFiles: number;
  cleanFilesWithIssues: number;
  misses: string[];
}

export function splitOf(name: string): 'dev' | 'test' {
  return (createHash('sha1').update(name).digest()[0] as number) % 2 === 0 ? 'dev' : 'test';
}

export function scoreHeldout(dir: string, split: 'dev' | 'test' | 'all' = 'all'): HeldoutScore {
  const s: HeldoutScore = {
    files: 0,
    problems: 0,
    right: 0,
    uncategorizedProblems: 0,
    errors: 0,
    uncategorizedErrors: 0,
    tp: 0,
    fp: 0,
    fn: 0,
    lowLevelIssues: 0,
    cleanFiles: 0,
    cleanFilesWithIssues: 0,
    misses: [],
  };
  for (const app of readdirSync(dir).sort()) {
    if (app.includes('.')) continue;
    for (const f of readdirSync(join(dir, app)).sort()) {
      if (!f.endsWith('.log')) continue;
      if (split !== 'all' && splitOf(f) !== split) continue;
      const labels = JSON.parse(readFileSync(join(dir, app, `${f}.labels.json`), 'utf8')) as Labels;
      const { records, startLines } = replayFile(join(dir, app, f), labels.app);
      s.files++;
      const d = attachDetection({});
      const fps = records.map((r) => (d.onRecord?.(r) as { fingerprint?: string } | undefined)?.fingerprint);
      d.finish?.();
      const category = (i: number) => {
        const fp = fps[i];
        return fp ? (d.detector.get(fp)?.category ?? 'none') : 'none';
      };
      const expected = new Set(labels.records.map((r) => r.line));
      const got = new Set(startLines);
      for (const l of got)
        if (expected.has(l)) s.tp++;
        else s.fp++;
      for (const l of expected) if (!got.has(l)) s.fn++;
      records.forEach((r, i) => {
        const rank = LEVEL_RANK[r.level as Level];
        if (rank < LEVEL_RANK.warn && fps[i]) s.lowLevelIssues++;
        if (rank >= LEVEL_RANK.error) {
          s.errors++;
          if (!fps[i] || category(i) === 'uncategorized') s.uncategorizedErrors++;
        }
      });
      if (labels.problems.length === 0) {
        s.cleanFiles++;
        if (d.detector.list().length > 0) {
          s.cleanFilesWithIssues++;
          s.misses.push(
            `${app}/${f}: problem-free, raised ${d.detector
              .list()
              .map((i) => i.title)
              .join(' | ')}`,
          );
        }
      }
      for (const p of labels.problems) {
        s.problems++;
        // The record that holds the labelled line: the last start at or before it.
        let idx = -1;
        startLines.forEach((l, i) => {
          if (l <= p.line) idx = i;
        });
        const c = idx >= 0 ? category(idx) : 'none';
        if (c === p.category) s.right++;
        else {
          if (c === 'uncategorized' || c === 'none') s.uncategorizedProblems++;
          const rec = records[idx];
          s.misses.push(
            `${app}/${f}:${p.line} expected ${p.category}, got ${c}${rec ? ` [${rec.level}] ${rec.message.slice(0, 140)}` : ''}${
              rec && fps[idx] ? ` {${d.detector.get(fps[idx] as string)?.evidence?.detail ?? ''}}` : ''
            }`,
          );
        }
      }
    }
  }
  return s;
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node scripts/heldout-report.ts DIR [--split dev|test|all] [--list]');
  const i = process.argv.indexOf('--split');
  const split = (i > 0 ? process.argv[i + 1] : 'all') as 'dev' | 'test' | 'all';
  const s = scoreHeldout(dir, split);
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  const p = s.tp / Math.max(1, s.tp + s.fp);
  const r = s.tp / Math.max(1, s.tp + s.fn);
  if (process.argv.includes('--list')) for (const m of s.misses) console.log(m);
  console.log(
    [
      `split ${split}: ${s.files} files`,
      `category right for ${s.right}/${s.problems} problems (${pct(s.right, s.problems)}); ${s.uncategorizedProblems} got no category`,
      `ERROR records uncategorized or without issue: ${s.uncategorizedErrors}/${s.errors} (${pct(s.uncategorizedErrors, s.errors)})`,
      `record starts: precision ${(100 * p).toFixed(1)}%, recall ${(100 * r).toFixed(1)}%, F1 ${((200 * p * r) / Math.max(1e-9, p + r)).toFixed(1)}%`,
      `issues from DEBUG/INFO records: ${s.lowLevelIssues}`,
      `problem-free files with an issue: ${s.cleanFilesWithIssues}/${s.cleanFiles}`,
    ].join('\n'),
  );
}
