import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { until } from '../../test/helpers/wait.ts';
import { memoryLogger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { openDatabase } from './db.ts';
import { RecordStore } from './records.ts';
import { StoreWriter } from './store-writer.ts';
import { NO_AUTOCHECKPOINT, WalCheckpointer } from './wal-checkpointer.ts';

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'arrgus.db');
}

const size = (f: string): number => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};

test('commits never checkpoint themselves; the thread copies the WAL into the database file', async () => {
  const file = tempFile();
  const db = openDatabase(file);
  db.exec(NO_AUTOCHECKPOINT);
  db.exec('CREATE TABLE t (x TEXT NOT NULL)');
  const before = size(file);
  const ins = db.prepare('INSERT INTO t (x) VALUES (?)');
  // Well past SQLite's automatic checkpoint (1,000 pages).
  for (let b = 0; b < 20; b++) {
    db.exec('BEGIN');
    for (let i = 0; i < 500; i++) ins.run(`${b}-${i}-${'x'.repeat(900)}`);
    db.exec('COMMIT');
  }
  assert.equal(size(file), before, 'no commit copied pages into the database file');
  assert.ok(size(`${file}-wal`) > 4_000_000);

  const failures: string[] = [];
  const checkpointer = new WalCheckpointer(file, (e) => failures.push(e));
  await checkpointer.start();
  checkpointer.wrote();
  await until('the pages in the database file', () => size(file) > 9_000_000);
  const stats = await checkpointer.stop();
  assert.ok(stats.checkpoints >= 1);
  assert.deepEqual(failures, []);
  // Everything was copied: the next commit starts the WAL over, cut back to journal_size_limit.
  assert.equal((db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as { busy: number }).busy, 0);
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 10_000);
  db.close();
});

test('the writer thread checkpoints off its commits and leaves an empty WAL when it stops', async () => {
  const file = tempFile();
  const db = openDatabase(file);
  const store = new RecordStore(db);
  store.migrate();
  const writer = new StoreWriter({ db, store, logger: memoryLogger() });
  await writer.start();
  const start = size(file);
  const rec = (n: number): LogRecord => ({
    time: Date.UTC(2026, 0, 1) + n,
    timeExact: true,
    level: 'info',
    app: 'sonarr',
    source: 'tv',
    message: `line ${n} ${'y'.repeat(400)}`,
    raw: `line ${n} ${'y'.repeat(400)}`,
    lines: 1,
  });
  for (let b = 0; b < 20; b++) {
    writer.submit({
      records: Array.from({ length: 500 }, (_, i) => rec(b * 500 + i)),
      checkpoints: [],
      forget: [],
      at: 0,
    });
  }
  await writer.drain();
  await until('a checkpoint by the thread', () => size(file) > start);
  await writer.stop();
  assert.equal(size(`${file}-wal`), 0);
  assert.equal(store.count(), 10_000);
  db.close();
});
