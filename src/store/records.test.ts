import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../core/types.ts';
import { openDatabase } from './db.ts';
import { type Checkpoint, RecordStore } from './records.ts';

const rec = (n: number, extra: Partial<LogRecord> = {}): LogRecord => ({
  time: n * 1000,
  timeExact: true,
  level: 'info',
  app: 'sonarr',
  source: 'tv',
  message: `line ${n}`,
  raw: `raw ${n}`,
  lines: 1,
  file: '/l/sonarr.txt',
  offset: n * 10,
  ...extra,
});
const ck = (offset: number, path = '/l/sonarr.txt'): Checkpoint => ({
  source: 'tv',
  path,
  dev: 1,
  ino: 2,
  fpLen: 3,
  fpHash: 'abc',
  offset,
});

test('records and checkpoints are stored together; extras keep the fields without a column', () => {
  const store = new RecordStore(openDatabase(':memory:'));
  store.migrate();
  store.migrate();
  store.commit({
    records: [rec(1), rec(2, { thread: '7', orphan: true, correlation: { user: 'bob' }, timeExact: false })],
    checkpoints: [ck(30), ck(5, '/l/other.txt')],
    forget: [],
    at: 99,
  });
  assert.equal(store.count('tv'), 2);
  const [newest, oldest] = store.recent({ source: 'tv' });
  assert.equal(newest?.message, 'line 2');
  assert.deepEqual(JSON.parse(newest?.extras ?? 'null'), {
    timeExact: false,
    thread: '7',
    orphan: true,
    correlation: { user: 'bob' },
  });
  assert.equal(oldest?.extras, null);
  assert.deepEqual(
    store.checkpoints('tv').map((c) => [c.path, c.offset, c.savedAt]),
    [
      ['/l/other.txt', 5, 99],
      ['/l/sonarr.txt', 30, 99],
    ],
  );
  store.commit({ records: [], checkpoints: [ck(40)], forget: [{ source: 'tv', path: '/l/other.txt' }], at: 100 });
  assert.deepEqual(
    store.checkpoints('tv').map((c) => [c.path, c.offset]),
    [['/l/sonarr.txt', 40]],
  );
});

test('a failing batch stores neither its records nor its checkpoints', () => {
  const db = openDatabase(':memory:');
  const store = new RecordStore(db);
  store.migrate();
  store.commit({ records: [rec(1)], checkpoints: [ck(10)], forget: [], at: 1 });
  const bad = rec(2, { message: null as unknown as string });
  assert.throws(() => store.commit({ records: [rec(3), bad], checkpoints: [ck(30)], forget: [], at: 2 }));
  assert.equal(store.count(), 1);
  assert.equal(store.checkpoints('tv')[0]?.offset, 10);
});

test('sources are remembered as seen with their first start time', () => {
  const store = new RecordStore(openDatabase(':memory:'));
  store.migrate();
  assert.equal(store.seenAt('tv'), null);
  store.markSeen('tv', 5);
  store.markSeen('tv', 9);
  assert.equal(store.seenAt('tv'), 5);
});
