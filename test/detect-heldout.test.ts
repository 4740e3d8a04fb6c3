/**
 * Detection on real logs the rules were not written from (test/fixtures/heldout: 200 excerpts of public bug reports,
 * labelled by hand before any run; see its README). Half of the files (scripts/heldout-report.ts `--split test`) were
 * never looked at while writing rules. These floors keep what was reached; the numbers themselves are in
 * `node scripts/heldout-report.ts test/fixtures/heldout`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreHeldout } from '../scripts/heldout-report.ts';

const DIR = new URL('./fixtures/heldout/', import.meta.url).pathname;

test('held-out real logs: categories, uncategorized errors, no issue from DEBUG/INFO or from problem-free logs', () => {
  const s = scoreHeldout(DIR, 'all');
  assert.ok(s.files >= 200, `files: ${s.files}`);
  const accuracy = s.right / s.problems;
  assert.ok(accuracy >= 0.85, `category right for ${s.right}/${s.problems}`);
  assert.ok(
    s.uncategorizedErrors / s.errors <= 0.1,
    `uncategorized ERROR records ${s.uncategorizedErrors}/${s.errors}`,
  );
  assert.equal(s.lowLevelIssues, 0, 'issues from DEBUG/INFO records');
  assert.equal(s.cleanFilesWithIssues, 0, s.misses.filter((m) => m.includes('problem-free')).join('\n'));
  const held = scoreHeldout(DIR, 'test');
  assert.ok(held.right / held.problems >= 0.78, `never-read half: ${held.right}/${held.problems}`);
});
