import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.ts';

test('parseDuration reads units, combinations and bare milliseconds', () => {
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('24h'), 86_400_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1500'), 1500);
  assert.equal(parseDuration(42), 42);
});

test('parseDuration refuses what is not a duration', () => {
  assert.equal(parseDuration('5 minutes'), null);
  assert.equal(parseDuration(''), null);
  assert.equal(parseDuration('m5'), null);
  assert.equal(parseDuration(-1), null);
});

test('formatDuration picks the largest whole unit', () => {
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(86_400_000), '1d');
  assert.equal(formatDuration(1500), '1500ms');
});
