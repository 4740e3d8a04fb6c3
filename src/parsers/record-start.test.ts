import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordStart } from './record-start.ts';
import { ctxFor, testNotHeaders } from './testing.ts';
import { zoneByName } from './time.ts';

const ctx = ctxFor();
const at = (line: string) => recordStart(line, ctx);
const tod = (h: number, m: number, s: number, ms = 0) => ((h * 60 + m) * 60 + s) * 1000 + ms;

describe('record start: timestamped lines in layouts no format knows', () => {
  const cases: Array<[string, number | null, number | undefined, string | undefined, string]> = [
    // [line, time, timeOfDay, level (undefined: unlevelled), message]
    ['2024-03-01 10:00:00 ERROR Could not connect', Date.UTC(2024, 2, 1, 10), undefined, 'error', 'Could not connect'],
    ['2024-03-01 10:00:00 Started the service', Date.UTC(2024, 2, 1, 10), undefined, undefined, 'Started the service'],
    [
      '2024-03-01 10:00:00 [ DEBUG ] PlayerComponent.cpp @ 585 - libmpv_render: GL ready',
      Date.UTC(2024, 2, 1, 10),
      undefined,
      'debug',
      'PlayerComponent.cpp @ 585 - libmpv_render: GL ready',
    ],
    [
      '2024-03-01 10:00:00.123 [warning] unknown @ 0 - QObject::connect: invalid nullptr parameter',
      Date.UTC(2024, 2, 1, 10, 0, 0, 123),
      undefined,
      'warn',
      'unknown @ 0 - QObject::connect: invalid nullptr parameter',
    ],
    [
      '2024/03/01 10:00:00 [INFO] ==> Keeping 12 formats synced',
      Date.UTC(2024, 2, 1, 10),
      undefined,
      'info',
      '==> Keeping 12 formats synced',
    ],
    [
      '2024-3-1 9:05:07 Warning: disk almost full',
      Date.UTC(2024, 2, 1, 9, 5, 7),
      undefined,
      'warn',
      'disk almost full',
    ],
    ['2024-03-01T10:00:00+02:00 boot', Date.UTC(2024, 2, 1, 8), undefined, undefined, 'boot'],
    ['[2024-03-01 10:00:00] [WRN] PUID not set', Date.UTC(2024, 2, 1, 10), undefined, 'warn', 'PUID not set'],
    ['02.03.2024 10:00:00 FEHLER x', Date.UTC(2024, 2, 2, 10), undefined, undefined, 'FEHLER x'],
    [
      '3/12/2024 1:05:07 PM Error: service stopped',
      Date.UTC(2024, 2, 12, 13, 5, 7),
      undefined,
      'error',
      'service stopped',
    ],
    ['25/12/2024 13:05:07 INFO x', Date.UTC(2024, 11, 25, 13, 5, 7), undefined, 'info', 'x'],
    ['Mar 01, 2024 10:00:00 [0x7f] ERROR - no fraction', Date.UTC(2024, 2, 1, 10), undefined, 'error', 'no fraction'],
    [
      '01-Mar-2024 10:00:00.500 SEVERE [main] failed',
      Date.UTC(2024, 2, 1, 10, 0, 0, 500),
      undefined,
      'error',
      '[main] failed',
    ],
    ['Fri, 01 Mar 2024 10:00:00 GMT up', Date.UTC(2024, 2, 1, 10), undefined, undefined, 'up'],
    ['Fri Mar  1 10:00:00 2024 restarting', Date.UTC(2024, 2, 1, 10), undefined, undefined, 'restarting'],
    ['10:00:00 [ERR] scan failed', null, tod(10, 0, 0), 'error', 'scan failed'],
    ['[10:00:00 WRN] Sync for 3 profiles skipped', null, tod(10, 0, 0), 'warn', 'Sync for 3 profiles skipped'],
    ['[2024-03-01 10:00:00.5 ERROR] disk', Date.UTC(2024, 2, 1, 10, 0, 0, 500), undefined, 'error', 'disk'],
    ['3:42:01 PM WARN slow', null, tod(15, 42, 1), 'warn', 'slow'],
    ['[10:00:00.250] connected', null, tod(10, 0, 0, 250), undefined, 'connected'],
    [
      '[12271:12333:0308/223838.979185:ERROR:gl_context_egl.cc(259)] eglCreateContext failed',
      null,
      tod(22, 38, 38, 979),
      'error',
      'eglCreateContext failed',
    ],
    ['[4242:0308/223838.979:WARNING:audio.cc(10)] underrun', null, tod(22, 38, 38, 979), 'warn', 'underrun'],
    ['Mar  1 10:00:00 kernel: oom', null, tod(10, 0, 0), undefined, 'kernel: oom'],
    [
      '[ 2793.266777] i915 0000:00:10.0: [drm] *ERROR* vcs0 reset timed out',
      null,
      undefined,
      'error',
      'vcs0 reset timed out',
    ],
    ['[12793.266777] usb 1-1: new device', null, undefined, undefined, 'usb 1-1: new device'],
    [
      '2024-04-16 19:40:43.277619+02:002024-04-16 19:40:43 INFO     Incoming request',
      Date.UTC(2024, 3, 16, 17, 40, 43, 277),
      undefined,
      'info',
      'Incoming request',
    ],
    [
      '2018/03/24 10:58:44 ERROR : Error traversing cache',
      Date.UTC(2018, 2, 24, 10, 58, 44),
      undefined,
      'error',
      'Error traversing cache',
    ],
    [
      '04:04:03 [WARNING ][deluge.httpdownloader :315 ] Error occurred',
      null,
      tod(4, 4, 3),
      'warn',
      '[deluge.httpdownloader :315 ] Error occurred',
    ],
    ['time=2024-03-01T10:00:00Z level=error msg=x', null, undefined, undefined, ''],
  ];
  for (const [line, time, timeOfDay, level, message] of cases) {
    test(line.slice(0, 70), () => {
      const h = at(line);
      if (line.startsWith('time=')) {
        assert.equal(h, null, 'logfmt is the generic format’s, not a timestamp-led line');
        return;
      }
      assert.ok(h, 'starts a record');
      assert.equal(h.time, time);
      assert.equal(h.timeOfDay, timeOfDay);
      assert.equal(h.unlevelled === true, level === undefined, 'unlevelled');
      if (level !== undefined) assert.equal(h.level, level);
      assert.equal(h.message, message);
    });
  }

  test('local stamps are read in the zone in force; an offset wins', () => {
    const paris = ctxFor(zoneByName('Europe/Paris'));
    assert.equal(recordStart('2024-07-01 12:00:00 x', paris)?.time, Date.UTC(2024, 6, 1, 10));
    assert.equal(recordStart('2024-07-01 12:00:00Z x', paris)?.time, Date.UTC(2024, 6, 1, 12));
  });
});

describe('record start: console lines with a level but no time', () => {
  const cases: Array<[string, string, string]> = [
    ['[INF] Main: Jellyfin version: 10.9.0', 'info', 'Main: Jellyfin version: 10.9.0'],
    [
      '[ERROR] FATAL UNHANDLED EXCEPTION: System.TypeInitializationException',
      'error',
      'FATAL UNHANDLED EXCEPTION: System.TypeInitializationException',
    ],
    ['[warn] slow response', 'warn', 'slow response'],
    ['[ ERROR ] cannot open', 'error', 'cannot open'],
    ['WARN retrying in 5s', 'warn', 'retrying in 5s'],
    ['ERROR: could not bind port 8096', 'error', 'could not bind port 8096'],
    ['WARNING:root:cache miss', 'warn', 'root:cache miss'],
    ['info: Server ready on port 5055', 'info', 'Server ready on port 5055'],
    ['error: connect ECONNREFUSED 127.0.0.1:8989', 'error', 'connect ECONNREFUSED 127.0.0.1:8989'],
    ['|Info|MoveSeriesService|Moving Show from /a to /b', 'info', 'Moving Show from /a to /b'],
    ['[INFO] 2022/09/27 20:42:23 ==> synced', 'info', '==> synced'],
    ['Error\t3/12/2024 1:05:07 PM\tApplication Error\t1000\t(100)', 'error', 'Application Error\t1000\t(100)'],
    ['Error Main: Error in appHost.Init', 'error', 'Main: Error in appHost.Init'],
  ];
  for (const [line, level, message] of cases) {
    test(line.slice(0, 70), () => {
      const h = at(line);
      assert.ok(h, 'starts a record');
      assert.equal(h.level, level);
      assert.equal(h.unlevelled, undefined);
      assert.equal(h.message, message);
    });
  }
  test('a level-first line keeps the timestamp that follows the level', () => {
    assert.equal(at('[INFO] 2022/09/27 20:42:23 ==> synced')?.time, Date.UTC(2022, 8, 27, 20, 42, 23));
    assert.equal(at('|Warn|HttpClient|HTTP Error')?.logger, 'HttpClient');
  });
});

describe('record start: crash reports continue the record above (the assembler levels headerless ones fatal)', () => {
  testNotHeaders(at, [
    'Segmentation fault (core dumped)',
    'Aborted (core dumped)',
    'Aborted',
    "terminate called after throwing an instance of 'std::runtime_error'",
    'libc++abi: terminating with uncaught exception of type std::__2::system_error: clock_gettime failed',
    '****** PLEX MEDIA SERVER CRASHED, CRASH REPORT WRITTEN: /config/x.dmp',
    '*** SIGSEGV received at time=1709290000 on cpu 1 ***',
    'Fatal Python error: Segmentation fault',
    'panic: runtime error: invalid memory address or nil pointer dereference',
    'fatal error: concurrent map writes',
    'Unhandled exception. System.IO.IOException: No space left on device',
    '/usr/lib/plexmediaserver/Plex Media Server: line 5:   312 Segmentation fault      "$@"',
    '/init: line 12:  77 Killed                  s6-svscan',
  ]);
});

describe('record start: rows of a copied *arr System → Logs table', () => {
  test('component, message, time (tab or space aligned)', () => {
    const h = at('\tDownloadDecisionMaker\tNo results found\t11:31am');
    assert.equal(h?.logger, 'DownloadDecisionMaker');
    assert.equal(h?.message, 'No results found');
    assert.equal(h?.timeOfDay, tod(11, 31, 0));
    assert.equal(h?.unlevelled, true);
    const s = at('        NzbSearchService        Searching 0 indexers for [Some Show]     2:05pm');
    assert.equal(s?.logger, 'NzbSearchService');
    assert.equal(s?.message, 'Searching 0 indexers for [Some Show]');
    assert.equal(s?.timeOfDay, tod(14, 5, 0));
  });
  test('time first, then component and message', () => {
    const h = at('\t3:42:01 PM\tRssSyncService\tRSS Sync Completed. Reports found: 12, Reports grabbed: 0');
    assert.equal(h?.logger, 'RssSyncService');
    assert.equal(h?.timeOfDay, tod(15, 42, 1));
    assert.equal(at('Yesterday\tHousekeepingService\tRunning housekeeping tasks')?.logger, 'HousekeepingService');
  });
});

describe('record start: never a start', () => {
  testNotHeaders(at, [
    '   at System.Net.Http.HttpConnectionPool.SendAsync(HttpRequestMessage request)',
    '\tat scala.collection.Iterator$$anon$21.next(Iterator.scala:838)',
    '  File "/app/bazarr/main.py", line 12, in <module>',
    'Traceback (most recent call last):',
    'System.IO.IOException: Permission denied',
    ' ---> System.Net.Sockets.SocketException (111): Connection refused',
    '[v4.0.1.929] NzbDrone.Common.Http.HttpException: HTTP request failed',
    'Exception in thread "main" java.lang.OutOfMemoryError: GC overhead limit exceeded',
    'warn  - You have enabled experimental feature (scrollRestoration) in next.config.js.',
    '[s6-init] making user provided files available at /var/run/s6/etc...exited 0.',
    '[cont-init.d] 10-adduser: exited 0.',
    "[hls @ 0x55d0c0a1c2c0] Opening '/transcodes/x.ts' for writing",
    'frame=  100 fps= 25 q=28.0 size=    1024kB time=00:00:04.00 bitrate=2097.2kbits/s speed=1.0x',
    '<!DOCTYPE html>',
    '{"status":500,"message":"boom"}',
    '2024-13-45 10:00:00 not a date',
    '2024-03-01 25:00:00 not a time',
    '20240301 100000 compact',
    '1.40.0.7998-c29d4c0c8 version string',
    '10.9.0.0 version',
    '12:30 meeting',
    'Error processing request. URL GET /Items.',
    'Errors: 3',
    'Information about the release',
    '        Component       Message Time',
    '16:43:54',
    '2023-10-28 16:43:54',
    'Error in command line: bad option',
    '-------------------------------------',
    'User uid:    1000',
    '',
  ]);
});
