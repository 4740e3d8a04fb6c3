import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from './defaults.ts';
import { validateConfig } from './load.ts';

test('the generated defaults are what the schema yields for an empty input (else: node scripts/config-defaults.ts)', () => {
  assert.deepEqual(defaultConfig(), validateConfig({}));
});

test('each call returns its own copy', () => {
  const a = defaultConfig();
  a.detect.samples = 99;
  assert.notEqual(defaultConfig().detect.samples, 99);
});
