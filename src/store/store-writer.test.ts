import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { memoryLogger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { openDatabase } from './db.ts';
import { RecordStore } from './records.ts';
import { StoreWriter } from './store-writer.ts';

const rec = (n: number, source = 'tv'): LogRecord => ({
  time: Date.UTC(2026, 0, 1) + n,
  timeExact: true,
  level: 'info',
  app: 'sonarr',
  source,
  message: `line ${n}`,
  raw: `line ${n}`,
  lines: 1,
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-writer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'arrgus.db'));
  const store = new RecordStore(db);
  store.migrate();
  return { db, store };
}

test('batches are committed in order by the writer thread with their checkpoints; drain waits for them', async () => {
  const { db, store } = open();
  const logs = memoryLogger();
  const writer = new StoreWriter({ db, store, logger: logs });
  await writer.start();
  for (let b = 0; b < 10; b++) {
    writer.submit({
      records: Array.from({ length: 100 }, (_, i) => rec(b * 100 + i)),
      checkpoints: [{ source: 'tv', path: '/l/x', dev: 1, ino: 2, fpLen: 3, fpHash: 'h', offset: (b + 1) * 1000 }],
      forget: [],
      at: b,
    });
  }
  await writer.drain();
  assert.equal(writer.backlog, 0);
  assert.equal(store.count('tv'), 1000);
  assert.equal(store.checkpoints('tv')[0]?.offset, 10_000);
  const view = db.prepare('SELECT message FROM records ORDER BY id').all() as Array<{ message: string }>;
  assert.deepEqual(
    view.map((r) => r.message),
    Array.from({ length: 1000 }, (_, i) => `line ${i}`),
  );
  await writer.stop();
  db.close();
});

test('past maxQueued, records are dropped and counted (never silently) while checkpoints still advance', async () => {
  const { db, store } = open();
  const logs = memoryLogger();
  const writer = new StoreWriter({ db, store, logger: logs, maxQueued: 1000 });
  await writer.start();
  // Submitted without yielding: the thread cannot acknowledge anything meanwhile, as with a disk that stalls.
  for (let b = 0; b < 20; b++) {
    writer.submit({
      records: Array.from({ length: 500 }, (_, i) => rec(b * 500 + i, b % 2 ? 'a' : 'b')),
      checkpoints: [{ source: 'tv', path: '/l/x', dev: 1, ino: 2, fpLen: 3, fpHash: 'h', offset: b + 1 }],
      forget: [],
      at: b,
    });
  }
  assert.ok(writer.backlog <= 1000);
  await writer.drain();
  const dropped = writer.droppedTotal;
  assert.equal(dropped, 9000);
  assert.equal(store.count(), 10_000 - dropped);
  assert.equal(
    [...writer.dropped().values()].reduce((a, b) => a + b, 0),
    dropped,
  );
  assert.equal(store.checkpoints('tv')[0]?.offset, 20);
  assert.ok(
    logs.lines.some((l) => /not keeping up: \d+ records were not stored/.test(l)),
    logs.lines.join('\n'),
  );
  await writer.stop();
  db.close();
});

test('statements of other rooms run in the writer thread in order with the batches', async () => {
  const { db, store } = open();
  const { History } = await import('./history.ts');
  const writer = new StoreWriter({ db, store, logger: memoryLogger() });
  await writer.start();
  const history = new History(db, (sql, args) => writer.exec(sql, args));
  history.migrate();
  writer.submit({ records: [rec(1)], checkpoints: [], forget: [], at: 1 });
  for (let i = 0; i < 205; i++) history.addIssueEvent('fp1', i, i % 2 ? 'resolved' : 'regressed', 'auto');
  await writer.drain();
  const timeline = history.timeline('fp1');
  assert.equal(timeline.length, 200);
  assert.equal(timeline[0]?.at, 5);
  assert.equal(store.count(), 1);
  await writer.stop();
  db.close();
});

test('readers that can wait are told to, from half of maxQueued until the backlog is under a quarter', async () => {
  const { db, store } = open();
  const writer = new StoreWriter({ db, store, logger: memoryLogger(), maxQueued: 1000 });
  await writer.start();
  assert.equal(writer.room(), undefined);
  writer.submit({ records: Array.from({ length: 600 }, (_, i) => rec(i)), checkpoints: [], forget: [], at: 1 });
  const wait = writer.room();
  assert.ok(wait, 'asked to wait past half');
  assert.equal(writer.room(), wait, 'every reader waits on the same promise');
  await wait;
  assert.ok(writer.backlog < 250);
  assert.equal(writer.room(), undefined);
  assert.equal(writer.droppedTotal, 0);
  await writer.stop();
  db.close();
});
