import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globMatch, mergeIfSimilar, TemplateClusters } from './clusters.ts';

describe('template clusters', () => {
  test('titles of different lengths before a path join one cluster', () => {
    const c = new TemplateClusters();
    const a = c.assign('k', 'Playback of <str> failed for user <user> on Living Room TV');
    const b = c.assign('k', 'Playback of <str> failed for user <user> on iPhone');
    const d = c.assign('k', 'Playback of <str> failed for user <user> on SHIELD Android TV');
    assert.equal(a.fp, b.fp);
    assert.equal(a.fp, d.fp);
    assert.equal(a.text, 'Playback of <str> failed for user <user> on <*>');
  });

  test('different wordings and different keys stay apart', () => {
    const c = new TemplateClusters();
    const a = c.assign('k', 'Unable to connect to <host>');
    assert.notEqual(a.fp, c.assign('k', 'Failed to connect to <host>').fp, 'the first word anchors');
    assert.notEqual(a.fp, c.assign('other', 'Unable to connect to <host>').fp);
    assert.notEqual(
      c.assign('k', 'Database is locked while saving').fp,
      c.assign('k', 'Database backup finished with warnings about <n> items in <path>').fp,
    );
  });

  test('fingerprints survive a restart through snapshot and restore', () => {
    const c = new TemplateClusters();
    const a = c.assign('k', 'We got an error scanning in <path> Blade Runner');
    c.assign('k', 'We got an error scanning in <path> Up');
    const saved = c.snapshot(() => true);
    const d = new TemplateClusters();
    d.restore(saved);
    assert.equal(d.assign('k', 'We got an error scanning in <path> Spirited Away').fp, a.fp);
  });

  test('glob and merge', () => {
    assert.ok(globMatch(['a', '<*>', 'c'], ['a', 'x', 'y', 'c']));
    assert.ok(!globMatch(['a', '<*>', 'c'], ['a', 'c']));
    assert.ok(globMatch(['a', '<path>'], ['a', '<str>']), 'placeholders match placeholders');
    assert.deepEqual(mergeIfSimilar(['a', 'b', 'c', 'd', 'e'], ['a', 'b', 'x', 'y', 'd', 'e']), [
      'a',
      'b',
      '<*>',
      'd',
      'e',
    ]);
    assert.equal(mergeIfSimilar(['a', 'b'], ['c', 'b']), undefined);
  });
});
