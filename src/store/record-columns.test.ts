import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord } from '../core/types.ts';
import { ColumnReader, F, FLAG, toColumns, transferables } from './record-columns.ts';

const rec = (over: Partial<LogRecord>): LogRecord => ({
  time: 1_700_000_000_123,
  timeExact: true,
  level: 'info',
  app: 'plex',
  source: 'plex',
  message: 'hello',
  raw: 'Jan 01 INFO - hello',
  lines: 1,
  ...over,
});

test('columns carry every stored field: messages inside raw by position, the others in order, names once', () => {
  const records = [
    rec({ file: '/logs/a.log', offset: 0, logger: 'Scanner', thread: '0x1', correlation: { user: 'bob' } }),
    rec({ message: 'rebuilt one', raw: 'unlike the message', level: 'error', timeExact: false, orphan: true }),
    rec({ message: 'rebuilt two', raw: 'also unlike', truncated: true, droppedLines: 7, lines: 9, source: 'plex2' }),
    rec({ message: '', raw: 'x', exception: { type: 'IOException', message: 'disk', stack: 'at A()' } }),
  ];
  const c = toColumns(records, ['issue-1', null, 'issue-1', undefined]);
  assert.equal(c.n, 4);
  assert.deepEqual(c.names.slice().sort(), ['/logs/a.log', 'IOException', 'Scanner', 'issue-1', 'plex', 'plex2']);
  assert.deepEqual(c.messages, ['rebuilt one', 'rebuilt two']);
  const r = new ColumnReader(c);
  assert.deepEqual(
    records.map((_, i) => r.messageOf(i)),
    records.map((x) => x.message),
  );
  assert.deepEqual(
    records.map((_, i) => [r.name(i, F.source), r.name(i, F.logger), r.name(i, F.file), r.name(i, F.issue)]),
    [
      ['plex', 'Scanner', '/logs/a.log', 'issue-1'],
      ['plex', undefined, undefined, undefined],
      ['plex2', undefined, undefined, 'issue-1'],
      ['plex', undefined, undefined, undefined],
    ],
  );
  assert.deepEqual(
    records.map((_, i) => r.level(i)),
    ['info', 'error', 'info', 'info'],
  );
  assert.deepEqual(
    [...c.offset].map((o) => (Number.isNaN(o) ? null : o)),
    [0, null, null, null],
  );
  assert.equal(r.int(1, F.flags), FLAG.orphan);
  assert.equal(r.int(2, F.flags), FLAG.timeExact | FLAG.truncated);
  assert.deepEqual([r.int(2, F.droppedLines), r.int(2, F.lines)], [7, 9]);
  assert.deepEqual([...c.exception], [-1, -1, -1, 0]);
  assert.deepEqual([c.names[c.excType[0] as number], c.excMessage[0]], ['IOException', 'disk']);
  // Nothing the store does not keep travels: no thread, correlation or stack anywhere in the columns.
  assert.doesNotMatch(JSON.stringify({ ...c, names: c.names, raw: c.raw }), /0x1|bob|at A\(\)/);
  assert.equal(transferables(c).length, 4);
});
