import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unwrap } from './envelope.ts';

describe('unwrap', () => {
  test('Docker json-file: the log text without its newline, the stream and the envelope time', () => {
    const u = unwrap('{"log":"[INFO] plugin/reload: ok\\n","stream":"stdout","time":"2020-01-10T17:22:50.838559221Z"}');
    assert.deepEqual(u, {
      text: '[INFO] plugin/reload: ok',
      partial: false,
      stream: 'stdout',
      time: Date.UTC(2020, 0, 10, 17, 22, 50, 838),
    });
  });

  test('json-file: a record without a trailing newline is partial (the runtime split a line over 16 KiB)', () => {
    const u = unwrap('{"log":"aaaa","stream":"stderr","time":"2020-01-10T17:22:50Z"}');
    assert.equal(u.partial, true);
    assert.equal(u.text, 'aaaa');
    assert.equal(u.stream, 'stderr');
  });

  test('json-file: CRLF inside the log and ANSI colours inside the log are removed', () => {
    const u = unwrap(
      '{"log":"\\u001b[32m[Info]\\u001b[0m Bootstrap: ok\\r\\n","stream":"stdout","time":"2020-01-10T17:22:50Z"}',
    );
    assert.equal(u.text, '[Info] Bootstrap: ok');
  });

  test('corrupted json-file records fall back to the raw text', () => {
    const line = '{"log":"2018-03-09 04:17:10 INFO  half a rec';
    assert.deepEqual(unwrap(line), { text: line });
    assert.deepEqual(unwrap('{"log":42}'), { text: '{"log":42}' });
  });

  test('CRI/containerd: time, stream and the partial flag', () => {
    const f = unwrap('2020-01-10T18:10:40.01576219Z stdout F [INFO] plugin/reload: ok');
    assert.deepEqual(f, {
      text: '[INFO] plugin/reload: ok',
      stream: 'stdout',
      partial: false,
      time: Date.UTC(2020, 0, 10, 18, 10, 40, 15),
    });
    const p = unwrap('2020-01-10T18:10:40.01576219+02:00 stderr P first half');
    assert.equal(p.partial, true);
    assert.equal(p.text, 'first half');
    assert.equal(p.time, Date.UTC(2020, 0, 10, 16, 10, 40, 15));
  });

  test('Portainer export and `docker logs -t`', () => {
    assert.deepEqual(unwrap('2023-04-01T10:00:00.123456789Z | stdout | hello'), {
      text: 'hello',
      stream: 'stdout',
      time: Date.UTC(2023, 3, 1, 10, 0, 0, 123),
    });
    assert.deepEqual(unwrap('2023-04-01T10:00:00.500000000Z [22:42:16] [INF] [5] Main: x'), {
      text: '[22:42:16] [INF] [5] Main: x',
      time: Date.UTC(2023, 3, 1, 10, 0, 0, 500),
    });
  });

  test('rsyslog high-precision layout: the ISO time and the host/process tag are stripped', () => {
    const u = unwrap('2023-10-01T18:36:18.123456+02:00 nas jellyfin[640]: [18:36:18] [ERR] boom');
    assert.equal(u.text, '[18:36:18] [ERR] boom');
    assert.equal(u.time, Date.UTC(2023, 9, 1, 16, 36, 18, 123));
  });

  test('docker compose prefixes, with padding, replica numbers and `logs -t` timestamps', () => {
    assert.equal(
      unwrap('jellyseerr    | 2022-05-25T05:30:06.553Z [info]: Commit Tag').text,
      '2022-05-25T05:30:06.553Z [info]: Commit Tag',
    );
    assert.equal(unwrap('sonarr-1  | [Info] Bootstrap: Starting').text, '[Info] Bootstrap: Starting');
    assert.equal(unwrap('media_radarr_1 | [Warn] x').text, '[Warn] x');
    assert.equal(unwrap('bazarr  |').text, '');
    const t = unwrap('plex  | 2023-04-01T10:00:00.000000000Z Starting Plex Media Server.');
    assert.equal(t.text, 'Starting Plex Media Server.');
    assert.equal(t.time, Date.UTC(2023, 3, 1, 10));
    assert.equal(unwrap('Attaching to jellyseerr').text, 'Attaching to jellyseerr');
  });

  test('journald/syslog prefixes, with English and localized months; every continuation line carries one', () => {
    const u = unwrap('Oct 01 18:36:18 cozyserver jellyfin[640]:    at System.Net.Http.X()');
    assert.deepEqual(u, {
      text: '   at System.Net.Http.X()',
      partialDate: { month: 10, day: 1, timeOfDay: (18 * 3600 + 36 * 60 + 18) * 1000 },
    });
    assert.equal(unwrap('lis 05 10:00:00 nas jellyfin[1]: [10:00:00] [INF] x').partialDate?.month, 11);
    assert.equal(unwrap('Okt  5 10:00:00 nas jellyfin[1]: x').partialDate?.month, 10);
    assert.equal(unwrap('déc. 05 10:00:00 nas jellyfin[1]: x').partialDate?.month, 12);
    assert.equal(unwrap('juil. 05 10:00:00 nas jellyfin[1]: x').partialDate?.month, 7);
    assert.equal(unwrap('paź 05 10:00:00 nas jellyfin[1]: x').partialDate?.month, 10);
    assert.equal(unwrap('Oct 01 18:36:18 cozyserver systemd[1]: Started Jellyfin.').text, 'Started Jellyfin.');
  });

  test('ANSI colours are stripped from plain lines (NLog ColoredConsole, winston)', () => {
    assert.equal(unwrap('\x1b[1;31m[Error]\x1b[0m Sonarr: boom').text, '[Error] Sonarr: boom');
    assert.equal(unwrap('\x1b[2K\x1b[1Gprogress').text, 'progress');
  });

  describe('never misfires on real app lines', () => {
    const untouched = [
      // Plex
      'Jan 05, 2023 12:00:00.123 [0x7f1b2c3d4e5f] ERROR - Sqlite3: Sleeping for 200ms to retry busy DB.',
      'Oct 01, 2023 18:36:18.123 [140234] DEBUG - Request: [127.0.0.1:5432 (Loopback)] GET /identity',
      'May 12, 2024 01:02:03.004 [12] INFO - Plex Media Server v1.40.2 - ubuntu docker x86_64 - build: linux-x86_64 - GMT -05:00',
      // Jellyfin
      '[2023-10-01 18:36:18.123 +02:00] [ERR] [45] Emby.Server.Implementations.HttpServer: Error processing request',
      '[18:36:18] [INF] [5] Main: Jellyfin version: 10.8.0',
      '   at System.Net.Http.HttpConnectionPool.SendAsync(HttpRequestMessage request)',
      // NLog (*arr) file and console layouts
      '2019-06-10 20:50:53.4|Error|DownloadedEpisodesImportService|Import failed | path=/tv',
      '2023-01-01 12:00:00.0|Info|Bootstrap|Starting Sonarr - /app/sonarr/bin/Sonarr - Version 4.0.0',
      '[v3.0.1.411] NzbDrone.Core.Download.Clients.DownloadClientException: Unable to connect',
      '[Info] BookInfoProxy: BookInfo returned 429, backing off for 10s',
      // Bazarr pipe layout and its console layout
      '2024-06-17 10:22:17|INFO    |socketio.server                 |emitting event "data" to all [/]|',
      '2025-02-06 09:28:22,040 - waitress                         (7fd7ad6bcb28) :  INFO (wasyncore:485) - BAZARR started',
      // Emby, Tautulli, SABnzbd, qBittorrent, Overseerr
      '2023-04-01 10:00:00.123 Error HttpServer: Error processing request',
      'Tautulli WebSocket :: 2019-05-01 10:00:00 - ERROR :: Thread-12 : Error in websocket',
      '2024-01-01 10:00:00,123::ERROR::[downloader:123] Server news.example.com | failed',
      '(N) 2022-01-01T10:00:00 - qBittorrent v4.4.0 started',
      '2022-05-25T05:30:06.553Z [info]: Commit Tag: 046ae932 ',
      // Tables and pipes inside continuation lines keep their text when they are not a compose prefix.
      '|  Name | Value |',
      '',
    ];
    for (const line of untouched) {
      test(JSON.stringify(line.slice(0, 60)), () => {
        const u = unwrap(line);
        assert.equal(u.text, line);
        assert.equal(u.time, undefined);
        assert.equal(u.partialDate, undefined);
      });
    }
  });
});
