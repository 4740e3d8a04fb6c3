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

test('records and checkpoints are stored together; lines read back as they were written', () => {
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
  assert.equal(newest?.raw, 'raw 2');
  assert.equal(oldest?.message, 'line 1');
  assert.equal(oldest?.file, '/l/sonarr.txt');
  assert.equal(oldest?.offset, 10);
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

test('every kind of line reads back byte for byte: templates, time prefixes, tails, raw text unlike the message', () => {
  const db = openDatabase(':memory:');
  const store = new RecordStore(db);
  store.migrate();
  const t = Date.UTC(2024, 4, 1, 18, 0, 0, 123);
  const lines: LogRecord[] = [
    rec(1, {
      time: t,
      level: 'debug',
      app: 'plex',
      message: 'Request: [192.168.1.23:45231 (Subnet)] GET /library/metadata/8812 #a3f1',
      raw: 'May 01, 2024 18:00:00.123 [0x7f70a5bfe700] DEBUG - Request: [192.168.1.23:45231 (Subnet)] GET /library/metadata/8812 #a3f1',
    }),
    rec(2, {
      time: t + 1,
      level: 'error',
      logger: 'ImportApprovedEpisodes',
      message: 'Couldn\u2019t import episode 42',
      raw: '2024-05-01 18:00:00.1|Error|ImportApprovedEpisodes|Couldn\u2019t import episode 42\n   at X.Y() in /src/a.cs:line 12',
      exception: { type: 'System.IO.IOException', message: 'Disk full (17)', stack: 'at X.Y()' },
      lines: 2,
    }),
    rec(3, { message: 'Validation failed: title', raw: 'totally different text', timeExact: false, orphan: true }),
    rec(4, { message: '', raw: '' }),
    rec(5, { message: 'x\u0002y', raw: 'pre x\u0002y post' }),
  ];
  lines[1] = { ...(lines[1] as LogRecord), time: Date.UTC(2024, 4, 1, 18, 0, 0, 100) };
  store.commit({ records: lines, checkpoints: [], forget: [], at: 1, issues: [null, 'fp1', null, null, null] });
  const back = store.recent({ limit: 10 }).reverse();
  assert.deepEqual(
    back.map((l) => [l.message, l.raw, l.level, l.time]),
    lines.map((l) => [l.message, l.raw, l.level, l.time]),
  );
  assert.equal(back[1]?.logger, 'ImportApprovedEpisodes');
  assert.deepEqual(back[1]?.exception, { type: 'System.IO.IOException', message: 'Disk full (17)' });
  assert.equal(back[1]?.issue, 'fp1');
  // The `records` view reads like the table it replaced.
  const view = db.prepare('SELECT message, level, source FROM records ORDER BY id').all() as Array<{ message: string }>;
  assert.deepEqual(
    view.map((v) => v.message),
    lines.map((l) => l.message),
  );
});

test('rows of the first store (a records table) move into the log store once, then a view takes its name', () => {
  const db = openDatabase(':memory:');
  db.exec(`CREATE TABLE records (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, level TEXT NOT NULL, app TEXT NOT NULL,
     source TEXT NOT NULL, logger TEXT, message TEXT NOT NULL, raw TEXT NOT NULL, file TEXT, offset INTEGER,
     lines INTEGER NOT NULL, extras TEXT);
   CREATE TABLE checkpoints (source TEXT NOT NULL, path TEXT NOT NULL, dev INTEGER NOT NULL, ino INTEGER NOT NULL,
     fp_len INTEGER NOT NULL, fp_hash TEXT NOT NULL, offset INTEGER NOT NULL, saved_at INTEGER NOT NULL,
     PRIMARY KEY (source, path));
   CREATE TABLE sources_seen (source TEXT PRIMARY KEY, first_seen INTEGER NOT NULL);
   INSERT INTO _migrations (module, version) VALUES ('records', 1);`);
  const old = db.prepare(
    'INSERT INTO records (time, level, app, source, logger, message, raw, lines, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < 7000; i++) old.run(i, 'info', 'sonarr', 'tv', 'L', `old line ${i}`, `raw ${i}`, 1, null);
  old.run(
    9000,
    'error',
    'sonarr',
    'tv',
    null,
    'boom',
    'boom',
    1,
    JSON.stringify({ exception: { type: 'IOException', message: 'disk' } }),
  );
  const store = new RecordStore(db);
  store.migrate();
  assert.equal(store.count('tv'), 7001);
  const [last] = store.recent({ limit: 1 });
  assert.deepEqual(last?.exception, { type: 'IOException', message: 'disk' });
  assert.equal(store.logs.search({ text: '"old line 6999"', limit: 5 }).length, 1);
  const kind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'records'").get() as { type: string };
  assert.equal(kind.type, 'view');
  store.migrate();
  assert.equal(store.count('tv'), 7001);
});
