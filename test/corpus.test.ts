/**
 * Every file of the real corpus is replayed and compared with its hand-made expected records: the same record
 * boundaries (no line lost, none counted twice), levels, times and orphan flags.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusCases, expectedEpoch, replayFile } from './corpus.ts';

const cases = corpusCases();

describe('real corpus', () => {
  test('the corpus is present', () => {
    assert.ok(cases.length >= 90, `expected the whole corpus, found ${cases.length} files`);
  });
  for (const c of cases) {
    test(`${c.app}/${c.expected.file}`, () => {
      const { records, startLines, lines } = replayFile(c.path, c.expected.app);
      assert.equal(lines, c.expected.lines, 'physical lines read');
      assert.equal(
        records.reduce((n, r) => n + r.lines, 0),
        lines,
        'every physical line belongs to exactly one record',
      );
      const got = records.map((r, i) => ({
        line: startLines[i],
        level: r.level,
        orphan: r.orphan === true,
        time: r.timeExact ? new Date(r.time).toISOString() : null,
      }));
      const want = c.expected.records.map((r) => ({
        line: r.line,
        level: r.level,
        orphan: r.orphan,
        time: r.time === null ? null : new Date(expectedEpoch(r.time)).toISOString(),
      }));
      assert.deepEqual(
        got.map((g) => g.line),
        want.map((w) => w.line),
        'record boundaries',
      );
      for (let i = 0; i < want.length; i++) {
        const g = got[i];
        const w = want[i];
        assert.ok(g && w);
        assert.equal(g.orphan, w.orphan, `orphan flag of the record at line ${w.line}`);
        assert.equal(g.level, w.level, `level of the record at line ${w.line}`);
        if (w.time !== null) assert.equal(g.time, w.time, `time of the record at line ${w.line}`);
      }
    });
  }
});
