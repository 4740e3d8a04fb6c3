import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createJellyfinParser, embyFamilyCorrelation } from './jellyfin.ts';
import { assertNoForeignHeaders, corpusLines, ctxFor, parserHarness } from './testing.ts';
import { fixedZone, UTC } from './time.ts';

const { header, replay } = parserHarness(createJellyfinParser);

describe('jellyfin headers', () => {
  test('file layout: time with its own offset, level, thread, SourceContext, message', () => {
    const h = header(
      '[2026-04-09 20:47:05.998 -04:00] [ERR] [76] Jellyfin.Api.Middleware.ExceptionMiddleware: Error processing request. URL "GET" "/videos/597e6262-9942-f7f3-cc9c-5ac654057284/hls1/main/-1.mp4".',
    );
    assert.ok(h);
    assert.equal(h.time, Date.parse('2026-04-09T20:47:05.998-04:00'));
    assert.equal(h.level, 'error');
    assert.equal(h.thread, '76');
    assert.equal(h.logger, 'Jellyfin.Api.Middleware.ExceptionMiddleware');
    assert.equal(
      h.message,
      'Error processing request. URL "GET" "/videos/597e6262-9942-f7f3-cc9c-5ac654057284/hls1/main/-1.mp4".',
    );
  });

  test("the line's offset wins over the configured zone, and the per-second cache keys on the offset", () => {
    const p = createJellyfinParser();
    const ctx = ctxFor(fixedZone(5 * 60));
    const a = p.header('[2024-09-05 18:06:23.373 +03:00] [ERR] [118] Main: x', ctx);
    const b = p.header('[2024-09-05 18:06:23.462 +00:00] [ERR] [118] Main: x', ctx);
    assert.equal(a?.time, Date.parse('2024-09-05T18:06:23.373+03:00'));
    assert.equal(b?.time, Date.parse('2024-09-05T18:06:23.462Z'));
  });

  test('a customised template without offset is local to the zone, recomputed when the zone changes', () => {
    const p = createJellyfinParser();
    const line = '[2024-09-05 18:06:23.373] [INF] [1] Main: x';
    assert.equal(p.header(line, ctxFor(UTC))?.time, Date.UTC(2024, 8, 5, 18, 6, 23, 373));
    assert.equal(p.header(line, ctxFor(fixedZone(120)))?.time, Date.UTC(2024, 8, 5, 16, 6, 23, 373));
  });

  test('the old template has no thread and no source: message text is never taken for a source', () => {
    for (const line of [
      '[2020-02-24 00:39:21.895 -05:00] [ERR] Error resolving path "D:\\Recovery"',
      '[2022-03-28 10:36:48.668 +02:00] [ERR] Error processing request. URL "GET" "/videos/b4fd4788-7b9e-2e4f-f93b-bc08ee20e580/hls1/main/0.ts".',
      '[2020-02-24 00:39:18.907 -05:00] [INF] ExecuteQueuedTasks',
      '[2020-02-24 00:39:19.444 -05:00] [INF] Found duplicate path: "D:\\AV\\JAV_output"',
      '[2022-03-28 10:36:48.365 +02:00] [INF] System.IO.IOException: text that merely starts with a type',
    ]) {
      const h = header(line);
      assert.ok(h, line);
      assert.equal(h.logger, undefined, line);
      assert.equal(h.thread, undefined, line);
      assert.equal(h.message, line.slice(line.indexOf(']', 33) + 2), line);
    }
  });

  test('short named loggers Main and App are sources', () => {
    assert.equal(header('[2020-03-23 08:21:08.733 -05:00] [ERR] [60] App: Error in "TheMovieDb"')?.logger, 'App');
    const h = header('[2021-09-11 02:18:51.783 +01:00] [FTL] [1] Main: Error while starting server.');
    assert.equal(h?.logger, 'Main');
    assert.equal(h?.level, 'fatal');
    assert.equal(h?.message, 'Error while starting server.');
  });

  test('console layout: time of day only, date left to the assembler; a leading pasted space is tolerated', () => {
    for (const line of [
      '[16:57:08] [ERR] [10] MediaBrowser.MediaEncoding.Transcoding.TranscodeManager: FFmpeg exited with code 1',
      ' [16:57:08] [ERR] [10] MediaBrowser.MediaEncoding.Transcoding.TranscodeManager: FFmpeg exited with code 1',
    ]) {
      const h = header(line);
      assert.ok(h);
      assert.equal(h.time, null);
      assert.equal(h.timeOfDay, (16 * 3600 + 57 * 60 + 8) * 1000);
      assert.equal(h.logger, 'MediaBrowser.MediaEncoding.Transcoding.TranscodeManager');
      assert.equal(h.thread, '10');
      assert.equal(h.message, 'FFmpeg exited with code 1');
    }
  });

  test('a bare level without time is a header with no time', () => {
    const h = header('[WRN] [4] Jellyfin.Api.Controllers.DynamicHlsController: cannot serve "/x.ts"');
    assert.deepEqual(h, {
      time: null,
      level: 'warn',
      thread: '4',
      logger: 'Jellyfin.Api.Controllers.DynamicHlsController',
      message: 'cannot serve "/x.ts"',
    });
  });

  test('Serilog u3 levels map onto ours', () => {
    const want = { VRB: 'trace', DBG: 'debug', INF: 'info', WRN: 'warn', ERR: 'error', FTL: 'fatal' };
    for (const [u3, level] of Object.entries(want)) {
      assert.equal(header(`[2024-01-01 00:00:00.000 +00:00] [${u3}] [1] Main: x`)?.level, level);
    }
  });

  test('near misses are continuations, not headers', () => {
    for (const line of [
      '[2024-01-10 08:01:27] [INF] Starting hotio container', // hotio banner: no fraction, no offset
      "[hls @ 0x7f79a58c3280] Opening '/var/cache/jellyfin/transcodes/7e8f.mp4' for writing",
      'frame= 8608 fps=1912 q=-1.0 size=N/A time=00:05:50.43 bitrate=N/A speed=77.9x    ',
      'ffmpeg version 5.1-Jellyfin Copyright (c) 2000-2022 the FFmpeg developers',
      '{"Protocol":0,"Id":"a1b2","Path":"/media/movie.mkv"}',
      '/usr/lib/jellyfin-ffmpeg/ffmpeg -analyzeduration 200M -i file:"/m.mkv"',
      '   at System.IO.FileStream.Read(Byte[] array, Int32 offset, Int32 count)',
      ' ---> System.Net.Sockets.SocketException (11): Resource temporarily unavailable',
      'MediaBrowser.Common.FfmpegException: FFmpeg exited with code 1',
      '[Info] BookInfoProxy: BookInfo returned 429, backing off for 10s ',
      '[v0.3.10.2287] NzbDrone.Core.MetadataSource.BookInfo.BookInfoException: x',
      '[cont-init.d] 10-adduser: executing...',
      '2024-07-28 17:19:26.603 Error Server: Error processing request',
      '2024-01-10 08:01:27.9|Error|DownloadedEpisodesImportService|Import failed',
      '2022-11-22T22:47:49.097Z [error][Sonarr API]: Something went wrong',
      'May 01, 2019 18:48:46.234 [0x7f70a5bfe700] INFO - Plex Media Server v1.14.1',
      '[2024-01-10 08:01:27.123 +02:00] [INFO] [1] Main: not a u3 level',
      '[2024-01-10 08:01:27.123 +02:00] [INF]glued',
      '[25:61:00] [INF] [1] Main: not a time of day',
      '  [16:57:08] [ERR] [10] Main: two leading spaces is indentation, not a paste artifact',
      '',
    ]) {
      assert.equal(header(line), null, line);
    }
  });

  test('no line of another app in the corpus is taken for a Jellyfin header', () => {
    assertNoForeignHeaders(createJellyfinParser(), (_app, f) => f.includes('jellyfin'));
  });
});

describe('jellyfin records', () => {
  test('exception: type line after the header, inner exception and frames kept as the stack', () => {
    const [, rec] = replay(corpusLines('jellyfin/jf-10.5-slow-response-and-tmdb-socket.log'));
    assert.ok(rec);
    assert.equal(rec.logger, 'App');
    assert.deepEqual(rec.exception && { type: rec.exception.type, message: rec.exception.message }, {
      type: 'System.Net.Http.HttpRequestException',
      message: 'Resource temporarily unavailable',
    });
    const stack = rec.exception?.stack?.split('\n') ?? [];
    assert.equal(stack.length, 7);
    assert.equal(stack[0], ' ---> System.Net.Sockets.SocketException (11): Resource temporarily unavailable');
    assert.equal(stack[2], '   --- End of inner exception stack trace ---');
  });

  test('exception with an HRESULT after the type, and the IOError wrapper', () => {
    const [locked] = replay(corpusLines('jellyfin/jf-10.9-ftl-database-locked-startup.log'));
    assert.equal(locked?.exception?.type, 'Microsoft.Data.Sqlite.SqliteException');
    assert.equal(locked?.exception?.message, "SQLite Error 5: 'database is locked'.");
    assert.equal(locked?.exception?.stack?.split('\n').length, 6);
    const [io] = replay(corpusLines('jellyfin/jf-10.7-ftl-disk-io-error-startup.log'));
    assert.equal(io?.exception?.type, 'SQLitePCL.pretty.SQLiteException');
    assert.equal(io?.exception?.message, 'disk I/O error');
  });

  test('a record without continuation lines has no exception; orphans are left alone', () => {
    const recs = replay(corpusLines('jellyfin/jf-10.11-log-endpoint-file-locked-win.log'));
    assert.equal(recs.length, 7);
    assert.ok(recs.every((r) => r.exception === undefined));
    const [orphan] = replay(corpusLines('jellyfin/jf-ffmpeg-transcode-hls-output.log'));
    assert.equal(orphan?.orphan, true);
    assert.equal(orphan?.correlation, undefined);
  });

  test('item ids from /videos/ URLs are normalised so dashed and plain forms of one id match', () => {
    const recs = replay(corpusLines('jellyfin/jf-10.8-ffmpeg-exit-no-thread-no-context.log'));
    assert.equal(recs[0]?.correlation?.user, 'jellyfin');
    const synced = /posted 2 Updates: "([0-9a-f]{32}),/.exec(recs[0]?.message ?? '')?.[1];
    assert.equal(recs[3]?.correlation?.itemId, synced);
    assert.equal(recs[3]?.exception?.type, 'MediaBrowser.Common.FfmpegException');
    const [, con] = replay(corpusLines('jellyfin/jf-console-short-timestamp-ffmpeg.log'));
    assert.equal(con?.correlation?.itemId, 'c6ef9f266a28470b32bd5e1837c9c65a');
  });

  test('console lines inside journald and docker envelopes: the envelope supplies the date', () => {
    const journald = replay([
      'Oct 01 18:36:17 cozyserver jellyfin[640]: [18:36:17] [ERR] [12] Jellyfin.Api.Middleware.ExceptionMiddleware: Error processing request. URL GET /Items/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d/Images/Primary.',
      'Oct 01 18:36:18 cozyserver jellyfin[640]: System.Net.Http.HttpRequestException: Connection refused',
      'Oct 01 18:36:18 cozyserver jellyfin[640]:    at System.Net.Http.DiagnosticsHandler.SendAsyncCore(HttpRequestMessage request)',
    ]);
    assert.equal(journald.length, 1);
    const [j] = journald;
    assert.equal(j?.lines, 3);
    assert.equal(j?.timeExact, false);
    assert.equal(new Date(j?.time ?? 0).toISOString().slice(11, 19), '18:36:17');
    assert.equal(j?.logger, 'Jellyfin.Api.Middleware.ExceptionMiddleware');
    assert.equal(j?.correlation?.itemId, '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d');
    assert.equal(j?.exception?.type, 'System.Net.Http.HttpRequestException');

    const [d] = replay([
      '{"log":"[22:42:16] [INF] [5] Main: Jellyfin version: 10.6.4\\n","stream":"stdout","time":"2021-03-01T22:42:16.123456789Z"}',
    ]);
    assert.equal(d?.timeExact, true);
    assert.equal(d?.time, Date.parse('2021-03-01T22:42:16.123Z'));
    assert.equal(d?.message, 'Jellyfin version: 10.6.4');
  });

  test('client IPs from HTTP responses and WebSocket lines', () => {
    const [slow] = replay(corpusLines('jellyfin/jf-10.5-slow-response-and-tmdb-socket.log'));
    assert.equal(slow?.correlation?.clientIp, '172.17.0.1');
    const recs = replay(corpusLines('jellyfin/jf-10.11-log-endpoint-file-locked-win.log'));
    assert.equal(recs[3]?.correlation?.clientIp, '192.168.0.80');
    // `Kestrel is listening on "192.168.0.135"` is the server's own address, not a client.
    assert.equal(recs[6]?.correlation, undefined);
  });

  test('user, IP and play session from messages rendered with Jellyfin templates (file: quoted, console: not)', () => {
    assert.deepEqual(embyFamilyCorrelation('Authentication request for "alice" has succeeded.'), { user: 'alice' });
    assert.deepEqual(embyFamilyCorrelation('Authentication request for "bob" has been denied (IP: "10.0.0.7").'), {
      user: 'bob',
      clientIp: '10.0.0.7',
    });
    assert.deepEqual(embyFamilyCorrelation('Authentication request for bob has been denied (IP: ::ffff:10.0.0.7).'), {
      user: 'bob',
      clientIp: '::ffff:10.0.0.7',
    });
    assert.deepEqual(
      embyFamilyCorrelation(
        'URL "GET" "/videos/0ce32044-ee9f-4423-b0ef-e276e93d33f7/master.m3u8?MediaSourceId=0ce32044ee9f4423b0efe276e93d33f7&PlaySessionId=3f9d5a0c1e8b4f7a9d2c6b1e0a4f8c3d".',
      ),
      { itemId: '0ce32044ee9f4423b0efe276e93d33f7', playSessionId: '3f9d5a0c1e8b4f7a9d2c6b1e0a4f8c3d' },
    );
    assert.equal(embyFamilyCorrelation('Error processing request. URL "GET" "/System/Logs/Log".'), undefined);
  });
});
