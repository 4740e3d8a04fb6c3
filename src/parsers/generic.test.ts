import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGenericParser } from './generic.ts';
import { ctxFor } from './testing.ts';
import { zoneByName } from './time.ts';

const ctx = ctxFor();
const p = createGenericParser();
const at = (line: string) => p.header(line, ctx);

describe('generic parser: headers', () => {
  const cases: Array<[string, string, number | null, string]> = [
    [
      '2018-03-09 04:17:10 INFO  StateStoreCoordinatorRef:54 - Registered',
      'info',
      Date.UTC(2018, 2, 9, 4, 17, 10),
      'StateStoreCoordinatorRef:54 - Registered',
    ],
    ['2023-01-01T12:00:00.123Z [ERROR] boom', 'error', Date.UTC(2023, 0, 1, 12, 0, 0, 123), 'boom'],
    ['2023-01-01T12:00:00.123+02:00 ERROR: boom', 'error', Date.UTC(2023, 0, 1, 10, 0, 0, 123), 'boom'],
    [
      '2023-01-01 12:00:00,456 - urllib3.connectionpool - WARNING - Retrying',
      'warn',
      Date.UTC(2023, 0, 1, 12, 0, 0, 456),
      'Retrying',
    ],
    ['2023-01-01 12:00:00.000 [main] ERROR c.e.App - failed', 'error', Date.UTC(2023, 0, 1, 12), 'c.e.App - failed'],
    [
      '2023-01-01 12:00:00.000  INFO 1234 --- [main] c.e.App : Started',
      'info',
      Date.UTC(2023, 0, 1, 12),
      '1234 --- [main] c.e.App : Started',
    ],
    [
      '2023/01/01 12:00:00 [error] 7#7: *1 connect() failed',
      'error',
      Date.UTC(2023, 0, 1, 12),
      '7#7: *1 connect() failed',
    ],
    ['[2023-01-01 12:00:00] production.ERROR: x', 'error', Date.UTC(2023, 0, 1, 12), 'x'],
    ['2023-01-01 12:00:00.000 E something broke', 'error', Date.UTC(2023, 0, 1, 12), 'something broke'],
    ['2023-01-01 12:00:00 Warning: disk almost full', 'warn', Date.UTC(2023, 0, 1, 12), 'disk almost full'],
    [
      '[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 35708] AH00124: x',
      'error',
      Date.UTC(2023, 9, 11, 14, 32, 52, 123),
      '[pid 35708] AH00124: x',
    ],
    ['10/Oct/2023:13:55:36 +0200 [WARN] slow', 'warn', Date.UTC(2023, 9, 10, 11, 55, 36), 'slow'],
    [
      'time="2023-01-01T12:00:00Z" level=error msg="dial tcp: refused" component=api',
      'error',
      Date.UTC(2023, 0, 1, 12),
      'dial tcp: refused',
    ],
    [
      'level=warn ts=2023-01-01T12:00:00.5Z caller=main.go:12 msg=slow',
      'warn',
      Date.UTC(2023, 0, 1, 12, 0, 0, 500),
      'slow',
    ],
    [
      '{"level":"error","ts":1672574400.5,"msg":"upstream failed","logger":"http"}',
      'error',
      Date.UTC(2023, 0, 1, 12, 0, 0, 500),
      'upstream failed',
    ],
    ['{"level":50,"time":1672574400000,"msg":"pino error"}', 'error', Date.UTC(2023, 0, 1, 12), 'pino error'],
    ['{"@timestamp":"2023-01-01T12:00:00Z","severity":"WARNING","message":"w"}', 'warn', Date.UTC(2023, 0, 1, 12), 'w'],
  ];
  for (const [line, level, time, message] of cases) {
    test(line.slice(0, 70), () => {
      const h = at(line);
      assert.ok(h, 'is a header');
      assert.equal(h.level, level);
      assert.equal(h.time, time);
      assert.equal(h.message, message);
    });
  }

  test('times without an offset are local to the zone in force', () => {
    const paris = ctxFor(zoneByName('Europe/Paris'));
    assert.equal(p.header('2023-07-01 12:00:00 ERROR x', paris)?.time, Date.UTC(2023, 6, 1, 10));
  });

  test('time-of-day-only layouts give a time of day, not a date', () => {
    const h = at('12:34:56.789 [main] WARN c.e.Foo - slow');
    assert.equal(h?.time, null);
    assert.equal(h?.timeOfDay, (12 * 3600 + 34 * 60 + 56) * 1000 + 789);
    const g = at('E0101 12:00:00.123456       1 reflector.go:138] failed to list');
    assert.equal(g?.level, 'error');
    assert.equal(g?.timeOfDay, 12 * 3600_000 + 123);
    assert.equal(at('Oct  1 18:36:18 ERROR boom')?.timeOfDay, (18 * 3600 + 36 * 60 + 18) * 1000);
  });
});

describe('generic parser: never a header', () => {
  for (const line of [
    '   at System.Net.Http.HttpConnectionPool.SendAsync(HttpRequestMessage request)',
    '\tat scala.collection.Iterator$$anon$21.next(Iterator.scala:838)',
    'Exception in thread "main" java.lang.OutOfMemoryError: GC overhead limit exceeded',
    'Traceback (most recent call last):',
    '  File "/app/bazarr/main.py", line 12, in <module>',
    'ERROR: something without a time',
    'warn  - You have enabled experimental feature (scrollRestoration) in next.config.js.',
    '[INFO] plugin/reload: Running configuration',
    '[cont-init.d] 10-adduser: exited 0.',
    '2023-01-01 12:00:00 the error was in the cable', // a timestamp, but no level in a level position
    '2023-01-01 12:00:00 Started the service',
    '2023-13-45 12:00:00 ERROR not a date',
    '{"level":"error","msg":"no time"}',
    '{"time":"2023-01-01T12:00:00Z","msg":"no level"}',
    '{',
    'level=error msg="no time"',
    '',
  ]) {
    test(JSON.stringify(line.slice(0, 60)), () => assert.equal(at(line), null));
  }
});
