import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogRecord } from '../core/types.ts';
import { createNlogParser } from './nlog.ts';
import { assertNoForeignHeaders, ctxFor, parserHarness, testNotHeaders } from './testing.ts';
import { fixedZone, UTC } from './time.ts';

const { header, replay } = parserHarness(createNlogParser);

describe('nlog file layout', () => {
  test('reads time, level, logger and message', () => {
    const h = header(
      '2024-01-10 08:01:27.9|Error|DownloadedEpisodesImportService|Import failed, path does not exist or is not accessible by Sonarr: /downloads/Series/',
    );
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2024, 0, 10, 8, 1, 27, 900));
    assert.equal(h.level, 'error');
    assert.equal(h.logger, 'DownloadedEpisodesImportService');
    assert.equal(h.message, 'Import failed, path does not exist or is not accessible by Sonarr: /downloads/Series/');
    assert.equal(h.thread, undefined);
  });

  test('legacy yy-M-d dates are 20yy and unpadded', () => {
    const h = header('16-1-21 17:28:03.9|Error|TaskExtensions|Task Error');
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2016, 0, 21, 17, 28, 3, 900));
    const r = header('19-10-8 23:16:31.8|Debug|Parser|Parsing string');
    assert.equal(r?.time, Date.UTC(2019, 9, 8, 23, 16, 31, 800));
  });

  test('fractions of 0 to 7 digits are truncated to milliseconds', () => {
    assert.equal(header('2024-01-10 08:01:27|Info|A|x')?.time, Date.UTC(2024, 0, 10, 8, 1, 27, 0));
    assert.equal(header('2024-01-10 08:01:27.0|Info|A|x')?.time, Date.UTC(2024, 0, 10, 8, 1, 27, 0));
    assert.equal(header('2024-01-10 08:01:27.9447|Info|A|x')?.time, Date.UTC(2024, 0, 10, 8, 1, 27, 944));
    assert.equal(header('2024-01-10 08:01:27.1234567|Info|A|x')?.time, Date.UTC(2024, 0, 10, 8, 1, 27, 123));
    assert.equal(header('2024-01-10 08:01:27.12345678|Info|A|x'), null);
  });

  test('every NLog level maps', () => {
    const got = ['Trace', 'Debug', 'Info', 'Warn', 'Error', 'Fatal'].map(
      (l) => header(`2023-03-27 14:25:13.7|${l}|X|m`)?.level,
    );
    assert.deepEqual(got, ['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
  });

  test('only the first three pipes split: messages keep theirs', () => {
    const h = header('2022-01-09 13:47:22.7|Info|Cardigann|a|b||c|');
    assert.equal(h?.message, 'a|b||c|');
  });

  test('fully qualified loggers and leading spaces in messages survive', () => {
    const h = header(
      '2024-01-04 21:38:20.4|Debug|Prowlarr.Http.Authentication.ApiKeyAuthenticationHandler|AuthenticationScheme: API was successfully authenticated.',
    );
    assert.equal(h?.logger, 'Prowlarr.Http.Authentication.ApiKeyAuthenticationHandler');
    assert.equal(header('17-6-22 15:52:52.2|Info|OwinHostController|  http://*:7878/')?.message, '  http://*:7878/');
  });

  test('local time follows the zone, and the per-second cache keys on the zone', () => {
    const p = createNlogParser();
    const line = '2020-12-11 15:31:40.3|Warn|FreeSpaceSpecification|Not enough free space';
    const utc = p.header(line, ctxFor(UTC));
    const plus2 = p.header(line, ctxFor(fixedZone(120)));
    assert.equal(utc?.time, Date.UTC(2020, 11, 11, 15, 31, 40, 300));
    assert.equal(plus2?.time, Date.UTC(2020, 11, 11, 13, 31, 40, 300));
    // Same second, other fraction: served from the cache, still exact.
    assert.equal(
      p.header('2020-12-11 15:31:40.4|Warn|FreeSpaceSpecification|x', ctxFor(UTC))?.time,
      Date.UTC(2020, 11, 11, 15, 31, 40, 400),
    );
  });
});

describe('nlog console layout', () => {
  test('[Level] Logger: message has no time; the layout trailing space is dropped', () => {
    const h = header('[Warn] BookInfoProxy: Unexpected error getting author info ');
    assert.ok(h);
    assert.equal(h.time, null);
    assert.equal(h.level, 'warn');
    assert.equal(h.logger, 'BookInfoProxy');
    assert.equal(h.message, 'Unexpected error getting author info');
  });

  test('a version tag is never a header', () => {
    assert.equal(
      header('[v0.3.10.2287] NzbDrone.Core.MetadataSource.BookInfo.BookInfoException: Failed to get works for X'),
      null,
    );
  });
});

describe('nlog near misses', () => {
  const misses = [
    // Bazarr, Tautulli, SABnzbd, Emby, Jellyfin, Plex, Overseerr, qBittorrent
    '2024-06-17 10:22:17|INFO    |socketio.server                 |emitting event "data" to all [/]|',
    '2019-05-22 08:52:40 - ERROR   :: WebSocket-Plex-Entertainment 2 : Uncaught exception',
    '2024-10-21 19:23:54,510::INFO::[downloader:616] 15@news.eweka.nl: Initiating connection',
    '2017-09-17 13:12:45.286 Info App: Application path: C:\\Emby\\system\\EmbyServer.exe',
    '[2020-08-05 10:13:58.123 +02:00] [INF] [1] Main: Jellyfin version: 10.6.3',
    '[INF] Main: Jellyfin version: 10.6.3',
    '[22:42:16] [INF] Main: Jellyfin version: 10.6.3',
    'Jan 07, 2020 19:24:20.131 [0x7f05a8ffb700] DEBUG - Request: [127.0.0.1:53010 (Loopback)] GET /',
    '2022-05-25T05:30:06.553Z [info]: Commit Tag: 046ae932ec048cd3c2fc0451c3cdd746b369478f',
    '(N) 2022-01-28T15:11:23 - restored.',
    // Continuations of NLog records
    '[v3.0.1.411] NzbDrone.Core.Download.Clients.DownloadClientUnavailableException: Unable to connect',
    'System.Net.WebException: Unable to connect to the remote server',
    '   at System.Net.HttpWebRequest.GetResponse()',
    ' ---> System.Net.Sockets.SocketException (10061): No connection could be made',
    '  at System.IO.File.Move (System.String sourceFileName) <0x7f3e47dfc090 + 0x0028e> in <7b0d8>:0 ',
    '<!DOCTYPE html>',
    '{"error":"Internal server error"}',
    ' -- GoodreadsId: A book with this ID was not found',
    '28-10-2023',
    '16:43:54',
    // Broken headers
    '2024-01-10 08:01:27.9|INFO|X|lowercase levels are not NLog',
    '2024-01-10 08:01:27.9|Info||empty logger',
    '2024-01-10 08:01:27.9|Info|Two words|logger with a space',
    '2024-01-10T08:01:27.9|Info|X|ISO T separator',
    '[Info]BookInfoProxy: no space',
    '[Information] X: Serilog level name',
    '[s6-init] making user provided files available at /var/run/s6/etc...exited 0.',
    '',
  ];
  testNotHeaders(header, misses);
});

describe('nlog records', () => {
  test('an exception block after a blank line belongs to the record and is extracted', () => {
    const recs = replay([
      '19-3-24 01:10:56.3|Warn|DownloadMonitoringService|Unable to retrieve queue and history items from transmission',
      '',
      '[v3.0.1.411] NzbDrone.Core.Download.Clients.DownloadClientUnavailableException: Unable to connect to Transmission, please check your settings ---> System.Net.WebException: The request was aborted: The operation has timed out.',
      '   at System.Net.HttpWebRequest.GetResponse()',
      '   at NzbDrone.Common.Http.HttpClient.Execute(HttpRequest request) in M:\\BuildAgent\\src\\NzbDrone.Common\\Http\\HttpClient.cs:line 57',
      '',
      '19-3-24 01:11:00.0|Info|RssSyncService|Starting RSS Sync',
    ]);
    assert.equal(recs.length, 2);
    const r = recs[0] as LogRecord;
    assert.equal(r.lines, 6);
    assert.equal(r.level, 'warn');
    assert.equal(r.exception?.type, 'NzbDrone.Core.Download.Clients.DownloadClientUnavailableException');
    assert.match(r.exception?.message ?? '', /^Unable to connect to Transmission/);
    assert.match(r.exception?.stack ?? '', /^ {3}at System\.Net\.HttpWebRequest\.GetResponse\(\)/);
  });

  test('v2 exceptions have no version tag; mono frames are stack', () => {
    const recs = replay([
      "17-5-29 10:26:15.3|Warn|ImportApprovedMovie|Couldn't import movie /volume1/x.avi",
      '',
      'System.UnauthorizedAccessException: Access to the path "/Nice Movie (2016)" is denied.',
      '  at System.IO.Directory.CreateDirectoriesInternal (System.String path) [0x00071] in /spksrc/Directory.cs:114',
    ]);
    assert.equal(recs.length, 1);
    assert.equal(recs[0]?.exception?.type, 'System.UnauthorizedAccessException');
    assert.equal(recs[0]?.exception?.message, 'Access to the path "/Nice Movie (2016)" is denied.');
  });

  test('FluentValidation details join the message', () => {
    const recs = replay(
      [
        '2023-06-11 17:20:36.2|Warn|ReadarrErrorPipeline|Invalid request Validation failed: ',
        ' -- GoodreadsId: A book with this ID was not found',
      ],
      { app: 'readarr' },
    );
    assert.equal(recs.length, 1);
    assert.equal(recs[0]?.app, 'readarr');
    assert.equal(recs[0]?.message, 'Invalid request Validation failed: GoodreadsId: A book with this ID was not found');
  });

  test('a ValidationException keeps its field reasons in the exception message', () => {
    const recs = replay([
      '[Error] AddAuthorService: Failed to import id: Richard Wake - Richard Wake ',
      '[v0.3.10.2287] FluentValidation.ValidationException: Validation failed: ',
      ' -- MusicbrainzId: An author with this ID was not found',
      '   at NzbDrone.Core.Books.AddAuthorService.AddSkyhookData(Author newAuthor) in ./AddAuthorService.cs:line 104',
    ]);
    assert.equal(recs.length, 1);
    assert.equal(recs[0]?.timeExact, false);
    assert.equal(recs[0]?.exception?.type, 'FluentValidation.ValidationException');
    assert.equal(recs[0]?.exception?.message, 'Validation failed: MusicbrainzId: An author with this ID was not found');
  });

  test('HTTP request lines carry the request id and client address; auth lines the user', () => {
    const [req, res, auth] = replay([
      '2023-03-27 14:25:13.9|Trace|Http|Req: 151 [GET] /api/v3/command (from 172.17.0.1 Mozilla/5.0 (Windows NT 10.0; Win64; x64))',
      '2023-03-27 14:25:13.9|Trace|Http|Res: 151 [GET] /api/v3/command: 200.OK (2 ms)',
      "2024-09-16 21:10:08.1|Info|Auth|Auth-Success ip 172.18.0.1 username 'admin'",
    ]);
    assert.deepEqual(req?.correlation, { requestId: '151', clientIp: '172.17.0.1' });
    assert.deepEqual(res?.correlation, { requestId: '151' });
    assert.deepEqual(auth?.correlation, { clientIp: '172.18.0.1', user: 'admin' });
  });

  test('a pasted exception without its header is an orphan whose exception is still named', () => {
    const [r] = replay([
      '[v5.0.1.7993] System.Net.Http.HttpRequestException: Connection refused (api.radarr.video:443)',
      ' ---> System.Net.Sockets.SocketException (111): Connection refused',
    ]);
    assert.equal(r?.orphan, true);
    assert.equal(r?.level, 'error');
    assert.equal(r?.exception?.type, 'System.Net.Http.HttpRequestException');
  });
});

test('no line of another app in the corpus is an NLog header', () => {
  assertNoForeignHeaders(createNlogParser());
});
