import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSabnzbdParser } from './sabnzbd.ts';
import { assertNoForeignHeaders, ctxFor, parserHarness, testNotHeaders } from './testing.ts';
import { fixedZone, UTC } from './time.ts';

const { header, replay } = parserHarness(createSabnzbdParser);

describe('sabnzbd headers', () => {
  test('time with milliseconds, level, module as logger, message', () => {
    const h = header('2025-08-01 20:44:53,799::INFO::[downloader:949] Thread 20@news.newsdemon.com: Timed out');
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2025, 7, 1, 20, 44, 53, 799));
    assert.equal(h.level, 'info');
    assert.equal(h.logger, 'downloader');
    assert.equal(h.message, 'Thread 20@news.newsdemon.com: Timed out');
  });

  test('levels map; local time follows the zone; the cache keys on the zone', () => {
    const p = createSabnzbdParser();
    const lv = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'].map(
      (l) => p.header(`2023-03-22 15:50:57,335::${l}::[newsunpack:1081] x`, ctxFor())?.level,
    );
    assert.deepEqual(lv, ['debug', 'info', 'warn', 'error', 'fatal']);
    const line = '2023-03-22 15:50:57,335::INFO::[newsunpack:1081] 7za return code: 2';
    assert.equal(p.header(line, ctxFor(fixedZone(60)))?.time, Date.UTC(2023, 2, 22, 14, 50, 57, 335));
    assert.equal(p.header(line, ctxFor(UTC))?.time, Date.UTC(2023, 2, 22, 15, 50, 57, 335));
  });

  test('brackets inside the message stay message', () => {
    const h = header(
      "2023-03-22 15:50:53,539::INFO::[misc:1166] [N/A] Running external command: ['/usr/bin/7z', 'x', '-y']",
    );
    assert.equal(h?.logger, 'misc');
    assert.equal(h?.message, "[N/A] Running external command: ['/usr/bin/7z', 'x', '-y']");
  });
});

describe('sabnzbd records', () => {
  test('the traceback after an INFO Traceback: line is that record’s exception', () => {
    const recs = replay([
      '2023-03-22 15:50:57,400::ERROR::[newsunpack:1100] Error "No space left on device" while running file_join on job',
      '2023-03-22 15:50:57,401::INFO::[newsunpack:1101] Traceback: ',
      'Traceback (most recent call last):',
      '  File "/app/sabnzbd/sabnzbd/newsunpack.py", line 1096, in file_join',
      '    joined_file.write(data)',
      'OSError: [Errno 28] No space left on device',
    ]);
    assert.equal(recs.length, 2);
    assert.equal(recs[0]?.exception, undefined);
    assert.equal(recs[1]?.lines, 5);
    assert.equal(recs[1]?.exception?.type, 'OSError');
    assert.equal(recs[1]?.exception?.message, '[Errno 28] No space left on device');
  });
});

describe('sabnzbd near misses', () => {
  const misses = [
    'Traceback (most recent call last):',
    '2024-10-21 19:23:54.510::INFO::[downloader:616] dot instead of comma',
    '2024-10-21 19:23:54,510::info::[downloader:616] lowercase level',
    '2024-10-21 19:23:54,510::INFO:: [downloader:616] space before bracket',
    '2024-10-21 19:23:54,510 - INFO :: MainThread : tautulli-like',
    '2025-02-06 09:28:22,040 - waitress                         (7fd7ad6bcb28) :  INFO (wasyncore:485) - BAZARR',
    '2024-06-17 10:22:17|INFO    |socketio.server                 |emitting event|',
    '2017-09-17 13:12:45.286 Info App: Application path',
    '',
  ];
  testNotHeaders(header, misses);
});

test('no line of another app in the corpus is a SABnzbd header', () => {
  assertNoForeignHeaders(createSabnzbdParser());
});
