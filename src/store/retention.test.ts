import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { memoryLogger } from '../core/logger.ts';
import { testContext } from '../core/testing.ts';
import type { Level, LogRecord } from '../core/types.ts';
import { openDatabase } from './db.ts';
import { RecordStore } from './records.ts';
import { Retention } from './retention.ts';
import { StoreWriter } from './store-writer.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

const rec = (ageDays: number, level: Level, message: string, source = 'tv'): LogRecord => ({
  time: NOW - ageDays * DAY,
  timeExact: true,
  level,
  app: 'sonarr',
  source,
  message,
  raw: message,
  lines: 1,
});

function setup(config = {}) {
  const { ctx, clock } = testContext(config, NOW);
  const db = openDatabase(':memory:');
  const store = new RecordStore(db);
  store.migrate();
  const writer = new StoreWriter({ db, store, logger: memoryLogger() });
  const retention = new Retention(ctx, { db, writer });
  return { ctx, clock, db, store, writer, retention };
}

test('retention deletes by level and source age, oldest first; FTS entries and stored counts follow, hourly stats stay', async () => {
  const { store, retention } = setup({
    sources: [{ name: 'noisy', app: 'sonarr', path: '/x', retention: { debug: '2d' } }],
  });
  store.commit({
    records: [
      rec(100, 'error', 'ancient error zebra'),
      rec(60, 'info', 'old info zebra'),
      rec(60, 'warn', 'old warning zebra'),
      rec(10, 'info', 'recent info zebra'),
      rec(5, 'debug', 'noisy debug zebra', 'noisy'),
      rec(1, 'debug', 'fresh noisy debug zebra', 'noisy'),
    ],
    checkpoints: [],
    forget: [],
    at: NOW,
  });
  const hourlyBefore = store.counts.hourly({ from: 0, to: NOW + DAY });
  retention.start();
  const result = await retention.run();
  await retention.stop();
  assert.ok(result);
  assert.equal(result.deleted, 3);
  assert.deepEqual(
    store.logs.search({ text: 'zebra', limit: 10 }).map((l) => l.message),
    ['fresh noisy debug zebra', 'recent info zebra', 'old warning zebra'],
  );
  assert.deepEqual(Object.fromEntries(store.counts.storedCounts()), { tv: 2, noisy: 1 });
  assert.deepEqual(store.counts.hourly({ from: 0, to: NOW + DAY }), hourlyBefore);
  assert.equal(retention.lastRunAt(), NOW);
});

test('past maxBytes the oldest lines go first, whatever their level', async () => {
  const { store, retention, db } = setup({ store: { maxBytes: 16 * 1024 * 1024 } });
  const big = 'y'.repeat(2000);
  for (let b = 0; b < 12; b++) {
    const records: LogRecord[] = [];
    for (let i = 0; i < 1000; i++) records.push(rec(1 - (b * 1000 + i) / 1e6, 'error', `line ${b * 1000 + i} ${big}`));
    store.commit({ records, checkpoints: [], forget: [], at: NOW });
  }
  const before = store.count();
  const result = await retention.run();
  assert.ok(result && result.deletedForSize > 0);
  const left = store.logs.search({ limit: 500 });
  assert.equal(store.count(), before - result.deleted);
  // The newest survive.
  assert.match(left[0]?.message ?? '', /^line 11999 /);
  const pages = db.prepare('PRAGMA page_count').get() as { page_count: number };
  const free = db.prepare('PRAGMA freelist_count').get() as { freelist_count: number };
  assert.ok((pages.page_count - free.freelist_count) * 4096 < 17 * 1024 * 1024);
});

test('in the writer thread, retention runs in short steps while batches keep arriving', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-retention-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'arrgus.db'));
  const store = new RecordStore(db);
  store.migrate();
  const writer = new StoreWriter({ db, store, logger: memoryLogger() });
  await writer.start();
  for (let b = 0; b < 5; b++) {
    const records = Array.from({ length: 1000 }, (_, i) => rec(40, 'info', `old ${b} ${i}`));
    writer.submit({ records, checkpoints: [], forget: [], at: NOW });
  }
  await writer.drain();
  const { ctx } = testContext({}, NOW);
  const retention = new Retention(ctx, { db, writer });
  retention.start();
  const running = retention.run();
  for (let b = 0; b < 5; b++) {
    writer.submit({ records: [rec(0, 'info', `new ${b}`)], checkpoints: [], forget: [], at: NOW });
  }
  const result = await running;
  await writer.drain();
  assert.ok(result);
  assert.equal(result.deleted, 5000);
  assert.ok(result.steps > 5, `${result.steps} steps`);
  assert.equal(store.count(), 5);
  await retention.stop();
  await writer.stop();
  db.close();
});
