import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from './bus.ts';
import { LogSummary } from './log-summary.ts';
import { memoryLogger } from './logger.ts';

test('a flood of one kind: the first line at once, then one line per interval with the count since', () => {
  const logger = memoryLogger();
  let now = 0;
  const s = new LogSummary(logger, { intervalMs: 60_000, now: () => now });
  // 10,000 a minute for three minutes.
  for (let i = 0; i < 30_000; i++) {
    now = i * 6;
    s.warn('queue', (n) => `dropped ${n}`);
  }
  assert.deepEqual(
    logger.lines.map((l) => l.replace(/^.*WARN\s+\S+\s+/, '').replace(/\s*\{.*$/, '')),
    ['dropped 1', 'dropped 10000', 'dropped 10000'],
  );
  assert.match(logger.lines[1] ?? '', /occurrences/);
});

test('kinds are counted apart, and their number is bounded', () => {
  const logger = memoryLogger();
  const now = 0;
  const s = new LogSummary(logger, { maxKinds: 3, now: () => now });
  for (let i = 0; i < 1000; i++) s.warn(`kind-${i}`, () => `kind ${i}`);
  // Each new kind logs once; only the last three are remembered, so an old one logs again when it returns.
  assert.equal(logger.lines.length, 1000);
  assert.equal(
    s.warn('kind-999', () => 'again'),
    false,
  );
  assert.equal(
    s.warn('kind-0', () => 'returned'),
    true,
  );
});

test('a bus listener failing on every event writes one line, not one per event', () => {
  const logger = memoryLogger();
  const bus = new EventBus<{ record: number }>(logger);
  let others = 0;
  bus.on('record', 'broken', () => {
    throw new Error('boom');
  });
  bus.on('record', 'fine', () => {
    others++;
  });
  for (let i = 0; i < 5000; i++) bus.emit('record', i);
  assert.equal(others, 5000, 'the other listener saw every event');
  assert.equal(logger.lines.filter((l) => l.includes('Listener broken failed')).length, 1);
});
