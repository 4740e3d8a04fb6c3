/**
 * `auto` and `docker` detection against the whole real corpus: every file replayed without naming its app must give
 * the records its expected file lists (files without any header test that no format claims a line). A file whose own
 * app format is not written yet (it recognises no header in a file that has some) or does not match the file yet is a
 * `todo`, so this test tightens itself as the app parsers land.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { corpusCases, replayFile } from '../../test/corpus.ts';
import { unwrap } from './envelope.ts';
import { allParsers, parsersFor } from './index.ts';
import { ctxFor } from './testing.ts';

const ctx = ctxFor();

function ownFormatSeesAHeader(path: string, app: string): boolean {
  const own = parsersFor(app);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  return lines.some((l) => own.some((p) => p.header(unwrap(l).text, ctx) !== null));
}

describe('parsersFor', () => {
  test('a concrete app gets only its own format; the *arr apps share NLog', () => {
    assert.deepEqual(
      parsersFor('plex').map((p) => p.id),
      ['plex'],
    );
    assert.deepEqual(
      parsersFor('radarr').map((p) => p.id),
      ['nlog'],
    );
    assert.deepEqual(
      parsersFor('generic').map((p) => p.id),
      ['generic'],
    );
  });

  test('auto and docker get every format, generic last; a file-name hint moves its format first', () => {
    const ids = parsersFor('auto').map((p) => p.id);
    assert.equal(ids.length, allParsers().length);
    assert.equal(ids.at(-1), 'generic');
    assert.deepEqual(
      parsersFor('docker').map((p) => p.id),
      ids,
    );
    const hinted = parsersFor('auto', 'sonarr').map((p) => p.id);
    assert.equal(hinted[0], 'nlog');
    assert.equal(hinted.at(-1), 'generic');
    assert.equal(hinted.length, ids.length);
  });

  test('each call returns fresh instances (per-stream state)', () => {
    assert.notEqual(parsersFor('plex')[0], parsersFor('plex')[0]);
  });
});

describe('auto detection over the real corpus', () => {
  for (const c of corpusCases()) {
    const mode = c.expected.app === 'docker' ? 'docker' : 'auto';
    const name = `${c.app}/${c.expected.file} as ${mode}`;
    const boundaries = c.expected.records.map((r) => r.line);
    const own = replayFile(c.path, c.expected.app);
    let todo: string | undefined;
    const hasHeaders = c.expected.records.some((r) => !r.orphan);
    if (hasHeaders && !ownFormatSeesAHeader(c.path, c.expected.app))
      todo = `no ${c.expected.app} format recognises this file yet`;
    else if (own.startLines.join() !== boundaries.join()) todo = `the ${c.expected.app} format does not match it yet`;
    test(name, todo ? { todo } : {}, () => {
      const got = replayFile(c.path, mode);
      assert.equal(
        got.records.reduce((n, r) => n + r.lines, 0),
        got.lines,
        'every line in one record',
      );
      assert.deepEqual(got.startLines, boundaries, 'record boundaries');
      if (mode === 'auto') {
        // The detected format is the app's own: records carry an app of that format's family.
        const family = new Set(parsersFor(c.expected.app).flatMap((p) => p.apps));
        for (const r of got.records) if (!r.orphan) assert.ok(family.has(r.app), `${r.app} read as ${c.expected.app}`);
      }
    });
  }
});
