import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from './db.ts';
import { Outbox } from './outbox.ts';

function outbox() {
  const o = new Outbox(openDatabase(':memory:'));
  o.init();
  return o;
}

const req = (target: string, severity: number, payload = `{"n":${severity}}`) => ({ target, severity, payload });

test('items come out per target in enqueue order; sent and failed rows leave the queue', () => {
  const o = outbox();
  const { ids } = o.enqueue([req('a', 1), req('b', 2), req('a', 3)], 100, () => 10);
  assert.equal(o.next('a')?.id, ids[0]);
  o.markSent(ids[0] as number, 110);
  assert.equal(o.next('a')?.id, ids[2]);
  o.markRetry(ids[2] as number, 500, 'HTTP 500');
  assert.deepEqual([o.next('a')?.attempts, o.next('a')?.nextAt, o.next('a')?.lastError], [1, 500, 'HTTP 500']);
  o.markFailed(ids[2] as number, 600, 'HTTP 400');
  assert.equal(o.next('a'), undefined);
  assert.equal(o.pendingCount('b'), 1);
  assert.equal(o.get(ids[0] as number)?.status, 'sent');
});

test('a full queue drops the least severe, oldest first, never the one in flight, and counts them', () => {
  const o = outbox();
  const { ids } = o.enqueue([req('a', 1), req('a', 4), req('a', 1), req('a', 2)], 0, () => 10);
  const { dropped } = o.enqueue(
    [req('a', 3), req('a', 3)],
    1,
    () => 4,
    () => ids[0],
  );
  assert.deepEqual(
    dropped.map((d) => d.id),
    [ids[2], ids[3]],
    'the in-flight low item survives; the next low one and then the medium one go',
  );
  assert.equal(o.pendingCount('a'), 4);
  assert.equal(o.count('a', 'dropped'), 2);
});

test('held rows are folded into one summary per target in one step', () => {
  const o = outbox();
  o.enqueue(
    [
      { ...req('a', 1), heldScope: 'mute:plex' },
      { ...req('a', 3), heldScope: 'mute:plex' },
      { ...req('b', 2), heldScope: 'mute:plex' },
      { ...req('a', 2), heldScope: 'quiet' },
    ],
    0,
    () => 10,
  );
  assert.equal(o.next('a'), undefined, 'held rows are not sent');
  assert.deepEqual(o.heldScopes().sort(), ['mute:plex', 'quiet']);
  const seen: Array<[string, number]> = [];
  const ids = o.releaseHeld('mute:plex', 50, (target, held) => {
    seen.push([target, held.length]);
    return { severity: Math.max(...held.map((h) => h.severity)), payload: `{"summary":${held.length}}` };
  });
  assert.deepEqual(seen, [
    ['a', 2],
    ['b', 1],
  ]);
  assert.equal(ids.length, 2);
  assert.equal(o.next('a')?.payload, '{"summary":2}');
  assert.deepEqual(o.heldScopes(), ['quiet']);
  assert.equal(o.heldCount('a', 'quiet'), 1);
});

test('held rows are bounded per target and scope: the least severe, oldest go, and the summary counts them', () => {
  const o = outbox();
  const held = (target: string, severity: number, scope = 'mute:*') => ({ ...req(target, severity), heldScope: scope });
  o.enqueue([held('a', 1), held('a', 3), held('a', 1), held('a', 2)], 10, () => 2);
  o.enqueue([held('a', 1), held('b', 1), held('a', 1, 'quiet')], 20, () => 2);
  assert.equal(o.heldCount('a', 'mute:*'), 2, 'two kept of five');
  assert.equal(o.heldCount('a', 'quiet'), 1, 'another scope has a bound of its own');
  assert.equal(o.heldCount('b', 'mute:*'), 1);
  assert.equal(o.pendingCount('a'), 0, 'nothing held is queued');
  const seen: Array<[string, number[], number, number]> = [];
  o.releaseHeld('mute:*', 50, (target, rows, overflow) => {
    seen.push([target, rows.map((r) => r.severity), overflow.count, overflow.firstAt]);
    return { severity: 3, payload: '{}' };
  });
  assert.deepEqual(seen, [
    ['a', [3, 2], 3, 10],
    ['b', [1], 0, Number.POSITIVE_INFINITY],
  ]);
  assert.equal(o.count('a', 'dropped'), 0, 'the dropped held rows were folded into the summary');
  assert.equal(o.heldCount('a', 'quiet'), 1);
  // A second release finds nothing left to count.
  assert.deepEqual(
    o.releaseHeld('mute:*', 60, () => ({ severity: 1, payload: '{}' })),
    [],
  );
});

test('prune removes only finished rows older than the cut', () => {
  const o = outbox();
  const { ids } = o.enqueue([req('a', 1), req('a', 1)], 0, () => 10);
  o.markSent(ids[0] as number, 10);
  assert.equal(o.prune(5), 0);
  assert.equal(o.prune(20), 1);
  assert.equal(o.pendingCount('a'), 1);
});

test('a (target, key) is stored once whatever became of it; other targets and rows without a key are not affected', () => {
  const o = outbox();
  const first = o.enqueue(
    [
      { ...req('a', 1), key: 'alert:x:alert:1' },
      { ...req('b', 1), key: 'alert:x:alert:1' },
    ],
    0,
    () => 10,
  );
  assert.equal(first.ids.length, 2);
  assert.equal(first.known, 0);
  // Pending: the same announcement again (lines read again after a crash) adds nothing.
  assert.deepEqual(
    o.enqueue([{ ...req('a', 1), key: 'alert:x:alert:1' }], 1, () => 10),
    { ids: [], dropped: [], known: 1 },
  );
  o.markSent(first.ids[0] as number, 2);
  // Sent: still known, so never sent a second time.
  const again = o.enqueue(
    [{ ...req('a', 1), key: 'alert:x:alert:1' }, { ...req('a', 1), key: 'alert:x:resolved' }, req('a', 1), req('a', 1)],
    3,
    () => 10,
  );
  assert.equal(again.known, 1);
  assert.equal(again.ids.length, 3, 'a new key and two rows without one are stored');
  assert.equal(o.get(first.ids[0] as number)?.key, 'alert:x:alert:1');
  assert.equal(o.get(again.ids[1] as number)?.key, null);
  assert.equal(o.count('a', 'sent'), 1);
  assert.equal(o.pendingCount('a'), 3);
  assert.equal(o.pendingCount('b'), 1);
});

test('an outbox written before keys existed is migrated in place, its rows kept', () => {
  const db = openDatabase(':memory:');
  db.exec(`CREATE TABLE notify_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, status TEXT NOT NULL, severity INTEGER NOT NULL,
     scope TEXT, created_at INTEGER NOT NULL, next_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT, done_at INTEGER, payload TEXT NOT NULL);
   INSERT INTO _migrations (module, version) VALUES ('notify_outbox', 1);
   INSERT INTO notify_outbox (target, status, severity, created_at, next_at, payload) VALUES ('a', 'pending', 1, 0, 0, '{}');`);
  const o = new Outbox(db);
  o.init();
  assert.equal(o.next('a')?.key, null);
  const { ids, known } = o.enqueue(
    [
      { ...req('a', 1), key: 'k' },
      { ...req('a', 1), key: 'k' },
    ],
    1,
    () => 10,
  );
  assert.deepEqual([ids.length, known], [1, 1]);
});
