import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBazarrParser } from './bazarr.ts';
import { assertNoForeignHeaders, parserHarness, testNotHeaders } from './testing.ts';
import { fixedZone } from './time.ts';

const { header, replay } = parserHarness(createBazarrParser);

/** The file layout with a traceback flattened by OneLineExceptionFormatter (repr: escaped newlines, doubled `\`). */
const ONE_LINE_TB =
  '2022-01-16 10:12:01|ERROR   |root                            |BAZARR Error trying to get tags from Radarr.|\'Traceback (most recent call last):\\n  File "c:\\\\bazarr\\\\bazarr\\\\get_movies.py", line 385, in get_tags\\n    return tagsDict.json()\\n  File "c:\\\\bazarr\\\\libs\\\\requests\\\\models.py", line 897, in json\\n    return complexjson.loads(self.text, **kwargs)\\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\'|';

describe('bazarr file layout', () => {
  test('padded level and logger, trailing pipe removed', () => {
    const h = header(
      '2024-06-17 10:22:17|DEBUG   |root                            |BAZARR No Subtitles were found for this file: /media/Movies/x.mkv|',
    );
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2024, 5, 17, 10, 22, 17));
    assert.equal(h.level, 'debug');
    assert.equal(h.logger, 'root');
    assert.equal(h.message, 'BAZARR No Subtitles were found for this file: /media/Movies/x.mkv');
  });

  test('a logger filling its 32 columns and pipes inside the message', () => {
    const h = header('2024-06-17 10:22:17|INFO    |subliminal_patch.core_persistent|a | b|');
    assert.equal(h?.logger, 'subliminal_patch.core_persistent');
    assert.equal(h?.message, 'a | b');
  });

  test('old DD/MM/YYYY dates', () => {
    const h = header('21/02/2021 18:40:12|WARNING |root                            |BAZARR Throttling|');
    assert.equal(h?.time, Date.UTC(2021, 1, 21, 18, 40, 12));
    assert.equal(h?.level, 'warn');
  });

  test('levels map, CRITICAL is fatal', () => {
    const lv = ['DEBUG   ', 'INFO    ', 'WARNING ', 'ERROR   ', 'CRITICAL'].map(
      (l) => header(`2024-06-17 10:22:17|${l}|root|m|`)?.level,
    );
    assert.deepEqual(lv, ['debug', 'info', 'warn', 'error', 'fatal']);
  });

  test('a flattened traceback is cut from the message and read as the exception', () => {
    const [r] = replay([ONE_LINE_TB]);
    assert.ok(r);
    assert.equal(r.message, 'BAZARR Error trying to get tags from Radarr.');
    assert.equal(r.level, 'error');
    assert.equal(r.exception?.type, 'json.decoder.JSONDecodeError');
    assert.equal(r.exception?.message, 'Expecting value: line 1 column 1 (char 0)');
    assert.match(r.exception?.stack ?? '', /^ {2}File "c:\\bazarr\\bazarr\\get_movies\.py", line 385, in get_tags\n/);
  });
});

describe('bazarr docker console layout', () => {
  test('time with ms, logger, thread, module is part of the header', () => {
    const h = header(
      '2026-05-19 18:34:41,004 - root                             (766e0ff90b28) :  DEBUG (logger:179) - Bazarr version: 1.5.7-beta.42',
    );
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2026, 4, 19, 18, 34, 41, 4));
    assert.equal(h.level, 'debug');
    assert.equal(h.logger, 'root');
    assert.equal(h.thread, '766e0ff90b28');
    assert.equal(h.message, 'Bazarr version: 1.5.7-beta.42');
  });

  test('local time follows the zone', () => {
    const h = header(
      '2025-02-06 09:28:22,040 - waitress                         (7fd7ad6bcb28) :  INFO (wasyncore:485) - BAZARR is started',
      fixedZone(60),
    );
    assert.equal(h?.time, Date.UTC(2025, 1, 6, 8, 28, 22, 40));
  });

  test('a multi-line traceback under a console header is its exception', () => {
    const [r] = replay([
      '2024-11-01 10:00:00,001 - root                             (7f00aa) :  ERROR (get_series:90) - BAZARR Error trying to get series from Sonarr.',
      'Traceback (most recent call last):',
      '  File "/app/bazarr/bin/bazarr/sonarr/sync/series.py", line 40, in update_series',
      'requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: http://127.0.0.1:8989/api/v3/series',
    ]);
    assert.equal(r?.lines, 4);
    assert.equal(r?.exception?.type, 'requests.exceptions.HTTPError');
  });
});

describe('bazarr near misses', () => {
  const misses = [
    "Throttling subtitulamostv for 10 minutes, until 20/10/03 19:29, because of: KeyError. Exception info: 'episodes'",
    'Traceback (most recent call last):',
    '  File "/app/bazarr/bin/bazarr.py", line 10, in <module>',
    '2024-01-10 08:01:27.9|Info|DownloadedEpisodesImportService|Import failed',
    '2024-06-17 10:22:17|Info    |root|mixed case level|',
    '2024-06-17 10:22:17|TRACE   |root|not a Python level|',
    '2019-05-22 08:52:40 - ERROR   :: WebSocket-Plex-Entertainment 2 : Uncaught exception',
    '2024-10-21 19:23:54,510::INFO::[downloader:616] 15@news.eweka.nl: Initiating connection',
    '2024-10-21 19:23:54,510 - root :  INFO (x:1) - no thread',
    '2017-09-17 13:12:45.286 Info App: Application path',
    '2018-03-09 04:17:10 INFO  StateStoreCoordinatorRef:54 - Registered StateStoreCoordinator endpoint',
    '',
  ];
  testNotHeaders(header, misses);
});

test('no line of another app in the corpus is a Bazarr header', () => {
  assertNoForeignHeaders(createBazarrParser());
});
