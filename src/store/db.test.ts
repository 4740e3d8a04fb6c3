import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, openDatabase, transaction } from './db.ts';

test('migrations run once per module and in order', () => {
  const db = openDatabase(':memory:');
  migrate(db, 'a', ['CREATE TABLE t (x INTEGER)', 'ALTER TABLE t ADD COLUMN y INTEGER']);
  migrate(db, 'a', ['CREATE TABLE t (x INTEGER)', 'ALTER TABLE t ADD COLUMN y INTEGER']);
  db.prepare('INSERT INTO t (x, y) VALUES (1, 2)').run();
  assert.deepEqual({ ...(db.prepare('SELECT x, y FROM t').get() as object) }, { x: 1, y: 2 });
});

test('a failing transaction leaves nothing behind', () => {
  const db = openDatabase(':memory:');
  db.exec('CREATE TABLE t (x INTEGER)');
  assert.throws(() =>
    transaction(db, () => {
      db.prepare('INSERT INTO t (x) VALUES (1)').run();
      throw new Error('boom');
    }),
  );
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 0);
});
