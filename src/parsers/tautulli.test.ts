import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTautulliParser } from './tautulli.ts';
import { assertNoForeignHeaders, parserHarness, testNotHeaders } from './testing.ts';
import { fixedZone } from './time.ts';

const { header, replay } = parserHarness(createTautulliParser);

describe('tautulli headers', () => {
  test('padded level, thread name with spaces, message', () => {
    const h = header(
      '2019-05-22 08:52:40 - ERROR   :: WebSocket-Plex-Entertainment 2 : Uncaught exception: Traceback (most recent call last):',
    );
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2019, 4, 22, 8, 52, 40));
    assert.equal(h.level, 'error');
    assert.equal(h.thread, 'WebSocket-Plex-Entertainment 2');
    assert.equal(h.message, 'Uncaught exception: Traceback (most recent call last):');
  });

  test('unpadded levels of older builds; WARNING is warn', () => {
    const h = header('2017-12-19 14:50:59 - WARNING :: Thread-15 : Websocket :: Unable to open connection.');
    assert.equal(h?.level, 'warn');
    assert.equal(h?.thread, 'Thread-15');
    assert.equal(h?.message, 'Websocket :: Unable to open connection.');
  });

  test("a second '::' in the message is message text", () => {
    const h = header(
      '2017-03-19 12:07:50 - INFO    :: CP Server Thread-7 : PlexPy Config :: Writing configuration to file',
    );
    assert.equal(h?.thread, 'CP Server Thread-7');
    assert.equal(h?.message, 'PlexPy Config :: Writing configuration to file');
  });

  test('PlexPy DD-Mon-YYYY dates and the zone', () => {
    const h = header('19-Mar-2017 12:07:49 - DEBUG   :: MainThread : PlexPy is restarting...', fixedZone(-300));
    assert.equal(h?.time, Date.UTC(2017, 2, 19, 17, 7, 49));
    assert.equal(h?.level, 'debug');
  });

  test('CRITICAL is fatal', () => {
    assert.equal(header('2018-01-08 16:05:43 - CRITICAL :: MainThread : x')?.level, 'fatal');
  });
});

describe('tautulli records', () => {
  test('the traceback, source lines with :: and the blank line after it are one record with its exception', () => {
    const recs = replay([
      '2019-05-22 08:52:40 - ERROR   :: WebSocket-Plex-Entertainment 2 : Uncaught exception: Traceback (most recent call last):',
      '  File "/opt/Tautulli/plexpy/web_socket.py", line 161, in connect',
      '    logger.error(u"Tautulli WebSocket :: %s: %s." % (self.server.CONFIG.PMS_NAME, e))',
      "UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3 in position 27: ordinal not in range(128)",
      '',
      '2019-05-22 08:52:44 - INFO    :: MainThread : Tautulli WebSocket :: Reconnected.',
    ]);
    assert.equal(recs.length, 2);
    assert.equal(recs[0]?.lines, 5);
    assert.equal(recs[0]?.exception?.type, 'UnicodeDecodeError');
    assert.match(recs[0]?.exception?.message ?? '', /^'ascii' codec can't decode byte 0xc3/);
    assert.equal(recs[1]?.logger, 'Tautulli WebSocket');
  });

  test('the component prefix of the message is the logger', () => {
    const [a, b] = replay([
      '2017-12-19 14:50:59 - INFO :: Thread-15 : Tautulli Monitor :: Attempting to reconnect Plex server...',
      '2018-01-08 16:05:44 - DEBUG   :: MainThread : Generating UUID...',
    ]);
    assert.equal(a?.logger, 'Tautulli Monitor');
    assert.equal(b?.logger, undefined);
  });
});

describe('tautulli correlation', () => {
  test('activity lines name the session, the item and the user', () => {
    const [a, b, c] = replay([
      '2024-02-01 20:15:02 - DEBUG   :: Thread-22 : Tautulli ActivityHandler :: Session 41 started by user 3 (alice) with ratingKey 55123 (The Expanse - Leviathan Wakes).',
      '2024-02-01 20:45:10 - DEBUG   :: Thread-22 : Tautulli ActivityHandler :: Removing sessionKey 41 ratingKey 55123 from session queue',
      '2024-02-01 20:45:11 - DEBUG   :: Thread-22 : Tautulli Monitor :: Session 41 checked.',
    ]);
    assert.deepEqual(a?.correlation, { sessionId: '41', ratingKey: '55123', user: 'alice' });
    assert.deepEqual(b?.correlation, { sessionId: '41', ratingKey: '55123' });
    assert.equal(c?.correlation, undefined);
  });
});

describe('tautulli near misses', () => {
  const misses = [
    '  File "/opt/Tautulli/plexpy/logger.py", line 341, in new_run',
    "UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3",
    '2024-10-21 19:23:54,510::INFO::[downloader:616] 15@news.eweka.nl: Initiating connection',
    '2025-02-06 09:28:22,040 - waitress                         (7fd7ad6bcb28) :  INFO (wasyncore:485) - BAZARR',
    '2024-06-17 10:22:17|INFO    |socketio.server                 |emitting event|',
    '2018-03-09 04:17:10 INFO  StateStoreCoordinatorRef:54 - Registered StateStoreCoordinator endpoint',
    '2019-05-22 08:52:40 - Error   :: Thread : mixed case',
    '2019-05-22 08:52:40 - ERROR   :: : empty thread',
    '2019-05-22 08:52:40 - ERROR :: no thread separator',
    '19-mar-2017 12:07:49 - DEBUG   :: MainThread : lowercase month',
    '',
  ];
  testNotHeaders(header, misses);
});

test('no line of another app in the corpus is a Tautulli header', () => {
  assertNoForeignHeaders(createTautulliParser());
});
