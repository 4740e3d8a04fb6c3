import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEmbyParser } from './emby.ts';
import { assertNoForeignHeaders, corpusLines, ctxFor, parserHarness } from './testing.ts';
import { fixedZone, UTC } from './time.ts';

const { header, replay } = parserHarness(createEmbyParser);

describe('emby headers', () => {
  test('4.x: local time, level, source, message', () => {
    const h = header('2024-07-28 17:19:26.603 Error Server: Error processing request');
    assert.deepEqual(h, {
      time: Date.UTC(2024, 6, 28, 17, 19, 26, 603),
      level: 'error',
      logger: 'Server',
      message: 'Error processing request',
    });
  });

  test('local time follows the zone, and the per-second cache is keyed on it', () => {
    const p = createEmbyParser();
    const line = '2024-07-28 17:19:26.603 Info Server: x';
    assert.equal(p.header(line, ctxFor(UTC))?.time, Date.UTC(2024, 6, 28, 17, 19, 26, 603));
    assert.equal(p.header(line, ctxFor(fixedZone(120)))?.time, Date.UTC(2024, 6, 28, 15, 19, 26, 603));
    assert.equal(
      p.header('2024-07-28 17:19:27.001 Info Server: x', ctxFor(fixedZone(120)))?.time,
      Date.UTC(2024, 6, 28, 15, 19, 27, 1),
    );
  });

  test('3.x four fraction digits are truncated to milliseconds', () => {
    assert.equal(
      header('2017-06-13 09:30:32.5415 Info App: Application configuration:')?.time,
      Date.UTC(2017, 5, 13, 9, 30, 32, 541),
    );
  });

  test('the source may contain - and :, and ends at the first ": "', () => {
    const h = header('2025-12-04 19:02:09.189 Error ImageService-0HNHJ4GLL15RV:00000006: Error processing request');
    assert.equal(h?.logger, 'ImageService-0HNHJ4GLL15RV:00000006');
    assert.equal(h?.message, 'Error processing request');
    const app = header(
      '2018-03-04 23:28:09.370 Info App: Entry point completed: Emby.Server.Implementations.EntryPoints.ExternalPortForwarding. Duration: 0.024157 seconds',
    );
    assert.equal(app?.logger, 'App');
    assert.equal(
      app?.message,
      'Entry point completed: Emby.Server.Implementations.EntryPoints.ExternalPortForwarding. Duration: 0.024157 seconds',
    );
  });

  test('legacy 3.0 `Level - Source:` and Media Browser 3 comma layouts', () => {
    assert.deepEqual(header('2015-05-06 12:49:17.5837 Error - Main: UnhandledException'), {
      time: Date.UTC(2015, 4, 6, 12, 49, 17, 583),
      level: 'error',
      logger: 'Main',
      message: 'UnhandledException',
    });
    assert.deepEqual(
      header('2013-05-09 08:35:01.9447, Error, ProviderManager, FanArtAlbumProvider failed refreshing Some Album'),
      {
        time: Date.UTC(2013, 4, 9, 8, 35, 1, 944),
        level: 'error',
        logger: 'ProviderManager',
        message: 'FanArtAlbumProvider failed refreshing Some Album',
      },
    );
  });

  test('levels', () => {
    const want = { Debug: 'debug', Info: 'info', Warn: 'warn', Error: 'error', Fatal: 'fatal' };
    for (const [name, level] of Object.entries(want)) {
      assert.equal(header(`2024-01-01 00:00:00.000 ${name} App: x`)?.level, level);
    }
  });

  test('near misses are continuations, not headers', () => {
    for (const line of [
      '2024-01-10 08:01:27.9|Error|DownloadedEpisodesImportService|Import failed, path does not exist',
      '19-3-24 01:10:56.3|Warn|DownloadMonitoringService|Unable to retrieve queue',
      '2024-06-17 10:22:17|INFO    |socketio.server                 |emitting event "data" to all [/]|',
      '2018-01-08 16:05:43 - INFO    :: MainThread : Checking if the database upgrades are required...',
      '2025-08-01 20:44:51,074::INFO::[nzbqueue:893] Resetting bad trylist',
      '2022-11-22T22:47:49.097Z [error][Sonarr API]: Something went wrong',
      '(N) 2022-01-28T15:11:23 - restored.',
      '2024-01-10 08:01:27,123 ERROR Some.Logger - log4net layout',
      '2024-01-10 08:01:27.123 ERROR Some.Logger: upper-case level',
      '2024-01-10 08:01:27.12 Info App: two fraction digits',
      '2024-01-10 08:01:27.12345 Info App: five fraction digits',
      '2024-01-10 08:01:27.123 Information App: not an Emby level',
      '[2024-09-05 18:06:23.373 +03:00] [ERR] [118] Main: Jellyfin',
      '\t*** Error Report ***',
      '\tVersion: 4.4.3.0',
      '    System.IO.DirectoryNotFoundException: System.IO.DirectoryNotFoundException: Could not find a part',
      '\t   at Emby.Server.Implementations.Dto.DtoService.GetBaseItemDto(BaseItem item)',
      ' 2024-07-28 17:19:26.603 Error Server: indented',
      '',
    ]) {
      assert.equal(header(line), null, line);
    }
  });

  test('no line of another app in the corpus is taken for an Emby header', () => {
    assertNoForeignHeaders(createEmbyParser());
  });
});

describe('emby records', () => {
  test('the Error Report block is one record; its exception is extracted with the frames as stack', () => {
    const [, rec] = replay(corpusLines('emby/emby-3.2-httpserver-error-report-windows.log'));
    assert.equal(rec?.lines, 17);
    assert.equal(rec?.exception?.type, 'System.AggregateException');
    assert.equal(
      rec?.exception?.message,
      'One or more errors occurred. ---> System.ArgumentNullException: Value cannot be null.',
    );
    assert.equal(rec?.exception?.stack?.split('\n')[0], '\tParameter name: item');
  });

  test("Emby's doubled `Type: Type: message` is read once, from space-indented pastes too", () => {
    const [, rec] = replay(corpusLines('emby/emby-4.8-server-404-directorynotfound.log'));
    assert.equal(rec?.exception?.type, 'System.IO.DirectoryNotFoundException');
    assert.equal(
      rec?.exception?.message,
      "Could not find a part of the path '/system/dashboard-ui/assets/img/devices/android.svg'.",
    );
  });

  test('an Error Report without an exception line, and the startup banner, carry no exception', () => {
    const [, rec] = replay(corpusLines('emby/emby-4.4-hls-error-report.log'));
    assert.equal(rec?.exception, undefined);
    const banner = replay(corpusLines('emby/emby-4.9-error-report-imageservice.log'))[3];
    assert.equal(banner?.message, 'Emby Server 4.9.1.90');
    assert.equal(banner?.lines, 10);
    assert.equal(banner?.exception, undefined);
  });

  test('correlation: numeric item id, play session and remote IP of an HLS response', () => {
    const [rec] = replay(corpusLines('emby/emby-4.4-hls-error-report.log'));
    assert.deepEqual(rec?.correlation, {
      itemId: '908419',
      playSessionId: '7d15fd3c42ec4229a01b54e624895989',
      clientIp: '192.168.70.12',
    });
  });

  test('correlation: 3.x hex item and user ids, IPv6 loopback client', () => {
    const [resp] = replay(corpusLines('emby/emby-2016-windows-ffmpeg-cmdline.log'));
    assert.deepEqual(resp?.correlation, {
      itemId: 'd67ff9078e6c4f36d1091cc7b9709437',
      user: '1714c12e5fb94e6a87cc86bf18cdbcc9',
      clientIp: '::1',
    });
    const [get] = replay(corpusLines('emby/emby-3.2-httpserver-error-report-windows.log'));
    assert.deepEqual(get?.correlation, {
      itemId: '2849f6248d3d387a2bafca754857f010',
      user: 'f7fa0486ef474424b511875eb3326297',
    });
  });

  test('a scheduled-task id in a URL is not an item', () => {
    const recs = replay(corpusLines('emby/emby-4.8-server-requests-strm-plugin.log'));
    assert.equal(recs[1]?.correlation, undefined);
    assert.deepEqual(recs[2]?.correlation, { clientIp: '127.0.0.1' });
  });
});
