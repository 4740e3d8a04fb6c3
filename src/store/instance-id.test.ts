import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadInstanceId } from './instance-id.ts';

test('the instance id is generated once and kept', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'arrgus-id-')), 'data');
  const first = loadInstanceId(dir);
  assert.match(first, /^[0-9a-f]{8}$/);
  assert.equal(loadInstanceId(dir), first);
  assert.equal(loadInstanceId(dir, 'mine'), 'mine');
});

test('two data dirs get different ids', () => {
  const a = loadInstanceId(mkdtempSync(join(tmpdir(), 'arrgus-id-')));
  const b = loadInstanceId(mkdtempSync(join(tmpdir(), 'arrgus-id-')));
  assert.notEqual(a, b);
});
