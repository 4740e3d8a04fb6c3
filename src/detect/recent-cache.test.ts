import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentCache } from './recent-cache.ts';

test('keeps at most max entries, the recent ones, and a hit keeps an entry alive', () => {
  const c = new RecentCache<number>(4);
  for (let i = 0; i < 4; i++) c.set(`k${i}`, i);
  assert.equal(c.get('k0'), 0, 'k0 moves to the young generation');
  for (let i = 4; i < 7; i++) c.set(`k${i}`, i);
  assert.equal(c.get('k0'), 0);
  assert.equal(c.get('k1'), undefined, 'the oldest untouched entries are gone');
  assert.equal(c.get('k6'), 6);
  for (let i = 0; i < 1000; i++) c.set(`x${i}`, i);
  assert.ok(c.size <= 4, `bounded (${c.size})`);
  assert.equal(c.get('x999'), 999);
});

test('setting a known key updates it without turning generations over', () => {
  const c = new RecentCache<string>(2);
  c.set('a', '1');
  c.set('a', '2');
  c.set('b', '3');
  assert.equal(c.get('a'), '2');
  assert.equal(c.get('b'), '3');
});
