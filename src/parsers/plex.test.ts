import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { componentOf, createPlexParser } from './plex.ts';
import { ctxFor } from './testing.ts';

describe('plex headers', () => {
  const header = (line: string) => createPlexParser().header(line, ctxFor());

  test('the usual shape: hex and decimal threads, every upper-case level', () => {
    const h = header(
      'Mar 18, 2023 13:51:19.896 [0x7f4578f0fb38] DEBUG - [Req#1bee/Transcode/x/y] Loading external lib',
    );
    assert.deepEqual(h, {
      time: Date.UTC(2023, 2, 18, 13, 51, 19, 896),
      level: 'debug',
      thread: '0x7f4578f0fb38',
      message: '[Req#1bee/Transcode/x/y] Loading external lib',
    });
    for (const [lvl, want] of [
      ['VERBOSE', 'trace'],
      ['INFO', 'info'],
      ['WARN', 'warn'],
      ['WARNING', 'warn'],
      ['ERROR', 'error'],
      ['FATAL', 'fatal'],
    ] as const) {
      assert.equal(header(`Nov 17, 2020 22:03:59.338 [10285] ${lvl} - x`)?.level, want, lvl);
    }
  });

  test('one parser, lines of the same second and lines differing in one date character each get their own time', () => {
    const p = createPlexParser();
    const ctx = ctxFor();
    const at = (stamp: string) => p.header(`${stamp} [0x7f4578f0fb38] INFO - x`, ctx)?.time;
    const seq: Array<[string, number]> = [
      ['Mar 18, 2023 13:51:19.896', Date.UTC(2023, 2, 18, 13, 51, 19, 896)],
      ['Mar 18, 2023 13:51:19.999', Date.UTC(2023, 2, 18, 13, 51, 19, 999)],
      ['Mar 18, 2023 13:51:20.001', Date.UTC(2023, 2, 18, 13, 51, 20, 1)],
      ['Mar 18, 2024 13:51:20.001', Date.UTC(2024, 2, 18, 13, 51, 20, 1)],
      ['May 18, 2024 13:51:20.001', Date.UTC(2024, 4, 18, 13, 51, 20, 1)],
      ['May 19, 2024 13:51:20.001', Date.UTC(2024, 4, 19, 13, 51, 20, 1)],
      ['May 19, 2024 23:51:20.001', Date.UTC(2024, 4, 19, 23, 51, 20, 1)],
      ['May 19, 2024 23:51:20.002', Date.UTC(2024, 4, 19, 23, 51, 20, 2)],
    ];
    for (const [stamp, want] of seq) assert.equal(at(stamp), want, stamp);
  });

  test("other shapes the format allows: one-digit day, the viewer's mixed case and em dash", () => {
    assert.equal(
      header('Apr 2, 2025 04:00:38.496 [23030520199992] INFO - x')?.time,
      Date.UTC(2025, 3, 2, 4, 0, 38, 496),
    );
    const viewer = header('Apr 02, 2025 04:00:38.496 [23030520199992] Debug — FeatureManager: x');
    assert.equal(viewer?.level, 'debug');
    assert.equal(viewer?.message, 'FeatureManager: x');
  });

  test('near misses are not headers', () => {
    for (const line of [
      'Apr 02, 2025 04:00:38.496 [23030520199992] NOTICE - x',
      'Apr 02, 2025 04:00:38 [23030520199992] INFO - x',
      'Apr 02, 2025 04:00:38.496 [thread-1] INFO - x',
      'Apr 02, 2025 04:00:38.496 [123] INFO x',
      'Xyz 02, 2025 04:00:38.496 [123] INFO - x',
      '  File "/usr/lib/plexmediaserver/Resources/Python/lib/python2.7/site.py", line 1',
    ]) {
      assert.equal(header(line), null, line);
    }
  });
});

describe('plex component names', () => {
  test('request ids, session ids and UUIDs never become the component', () => {
    assert.equal(
      componentOf(
        '[Req#1bee/Transcode/875a95c7bc0072ef-com-plexapp-android/307e3bd1-e2a3-448f-960b-23f25aa9b8ff] Loading',
      ),
      'Transcode',
    );
    assert.equal(componentOf('[Req#1bee] Request: GET /'), undefined);
    assert.equal(componentOf('[HttpClient/HCl#5b] HTTP requesting GET'), 'HttpClient');
    assert.equal(componentOf('[HCl#5c] done'), 'HCl');
    assert.equal(componentOf('[Transcode] [FFMPEG] - Cannot load libcuda.so.1'), 'Transcode');
    assert.equal(componentOf('[DatabaseFixups/29DatabaseFixupsSyncCollections] Fixing'), 'DatabaseFixups');
    assert.equal(componentOf('MyPlex: Error 401 refreshing'), 'MyPlex');
    assert.equal(componentOf("Jobs: '/usr/lib/plexmediaserver/Plex Transcoder' exit code for process 31 is 1"), 'Jobs');
    assert.equal(componentOf('Completed: [127.0.0.1:54674] 200 POST'), 'Completed');
    assert.equal(componentOf('Took too long (3.2 seconds) to start a transaction'), undefined);
    assert.equal(componentOf('/usr/lib/plexmediaserver/Plex Media Server'), undefined);
  });
});
