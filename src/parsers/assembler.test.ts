import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogRecord } from '../core/types.ts';
import { LineSplitter } from '../sources/line-splitter.ts';
import { Assembler, type AssemblerLimits } from './assembler.ts';
import { orphanLevel } from './dumps.ts';
import { parsersFor } from './index.ts';
import { UTC } from './time.ts';

const PLEX = (s: number, lvl = 'INFO', msg = 'hello') =>
  `Jan 05, 2023 12:00:${String(s).padStart(2, '0')}.000 [0x1] ${lvl} - ${msg}`;
const json = (log: string, stream = 'stdout', time = '2023-01-05T12:00:00.5Z') => JSON.stringify({ log, stream, time });

function assemble(app: string, text: string | Buffer[], limits?: AssemblerLimits) {
  const records: LogRecord[] = [];
  const asm = new Assembler({
    parsers: parsersFor(app),
    app,
    source: 'test',
    zone: UTC,
    now: () => Date.UTC(2023, 0, 5, 23),
    emit: (r) => records.push(r),
    ...(limits ? { limits } : {}),
  });
  let lines = 0;
  const splitter = new LineSplitter((line, offset, end, truncated) => {
    lines++;
    asm.push(line, offset, end, truncated);
  });
  for (const c of typeof text === 'string' ? [Buffer.from(text)] : text) splitter.push(c);
  splitter.end();
  asm.flush();
  assert.equal(
    records.reduce((n, r) => n + r.lines, 0),
    lines,
    'every physical line belongs to exactly one record',
  );
  return records;
}

/** An Assembler for `app` (source `t`, clock at 0) collecting its records, for tests that push lines themselves. */
function assemblerFor(app: string): { asm: Assembler; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const asm = new Assembler({
    parsers: parsersFor(app),
    app,
    source: 't',
    zone: UTC,
    now: () => 0,
    emit: (r) => records.push(r),
  });
  return { asm, records };
}

describe('Assembler', () => {
  test('continuation lines join the record before them; CRLF is gone from the raw text', () => {
    const recs = assemble('plex', `${PLEX(1, 'ERROR', 'boom')}\r\n  trace 1\r\n\r\n${PLEX(2)}\r\n`);
    assert.equal(recs.length, 2);
    assert.equal(recs[0]?.raw, `${PLEX(1, 'ERROR', 'boom')}\n  trace 1\n`);
    assert.equal(recs[0]?.lines, 3);
    assert.equal(recs[0]?.level, 'error');
    assert.equal(recs[1]?.offset, Buffer.byteLength(`${PLEX(1, 'ERROR', 'boom')}\r\n  trace 1\r\n\r\n`));
  });

  test('lines before the first header form ONE orphan record: error when clearly an error, else info', () => {
    const info = assemble('plex', `banner\n-----\nUser uid: 1000\n${PLEX(1)}\n`);
    assert.equal(info.length, 2);
    assert.deepEqual([info[0]?.orphan, info[0]?.lines, info[0]?.level], [true, 3, 'info']);
    const err = assemble(
      'plex',
      `Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad\n${PLEX(1)}\n`,
    );
    assert.deepEqual([err[0]?.orphan, err[0]?.level], [true, 'error']);
    assert.equal(orphanLevel('   at Foo.Bar() in /src/x.cs:line 12'), 'error');
    assert.equal(orphanLevel('System.IO.IOException: disk full'), 'error');
    assert.equal(orphanLevel('no errors found, all good'), 'info');
  });

  test('per-record caps: lines beyond the line cap and bytes beyond the byte cap are counted, not kept', () => {
    const body = Array.from({ length: 20 }, (_, i) => `frame ${i}`).join('\n');
    const [r] = assemble('plex', `${PLEX(1)}\n${body}\n`, { maxRecordLines: 5, maxRecordBytes: 10_000 });
    assert.equal(r?.lines, 21);
    assert.equal(r?.raw.split('\n').length, 5);
    assert.equal(r?.droppedLines, 16);
    const [b] = assemble('plex', `${PLEX(1)}\n${'y'.repeat(500)}\nz\n`, { maxRecordLines: 500, maxRecordBytes: 100 });
    assert.equal(b?.raw.length, 100);
    assert.equal(b?.truncated, true);
    assert.equal(b?.droppedLines, 1, 'the line after the cap is dropped, not kept in a gap');
    assert.equal(b?.lines, 3);
  });

  test('an overlong line cut by the splitter marks its record truncated', () => {
    const { asm, records } = assemblerFor('plex');
    const s = new LineSplitter((l, o, e, t) => asm.push(l, o, e, t), 0, 64);
    s.push(Buffer.from(`${PLEX(1)}\n${'x'.repeat(10_000)}\n`));
    asm.flush();
    assert.equal(records[0]?.truncated, true);
    assert.equal(records[0]?.lines, 2);
  });

  test('NUL bytes and binary garbage never lose a line', () => {
    const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const recs = assemble('plex', [Buffer.from(`${PLEX(1)}\n\0\0\0\n`), garbage, Buffer.from(`\n${PLEX(2)}\n`)]);
    assert.equal(recs.length, 2);
  });

  test('json-file lines split by the runtime (over 16 KiB) are joined per stream, across the other stream', () => {
    const text = [
      json(PLEX(1, 'ERROR', 'part one '), 'stdout', '2023-01-05T12:00:01Z').replace('\\n"', '"'),
      json('an interleaved stderr line\n', 'stderr'),
      json('part two\n', 'stdout'),
      json(`${PLEX(3)}\n`, 'stdout', '2023-01-05T12:00:03.25Z'),
    ].join('\n');
    const recs = assemble('docker', `${text}\n`);
    // The stderr line came first, so it continues nothing and is an orphan; the two stdout parts are one header line.
    assert.deepEqual(
      recs.map((r) => [r.orphan === true, r.lines]),
      [
        [true, 1],
        [false, 2],
        [false, 1],
      ],
    );
    const joined = recs.find((r) => !r.orphan);
    assert.equal(joined?.message, 'part one part two');
    assert.equal(joined?.time, Date.UTC(2023, 0, 5, 12, 0, 1), 'the envelope time of the first part');
    assert.equal(joined?.raw, PLEX(1, 'ERROR', 'part one part two'));
  });

  test('CRI partial lines are joined; a split line whose end never comes is emitted at flush', () => {
    const recs = assemble(
      'docker',
      `2023-01-05T12:00:00Z stdout P ${PLEX(1).slice(0, 20)}\n2023-01-05T12:00:00Z stdout F ${PLEX(1).slice(20)}\n2023-01-05T12:00:02Z stdout P tail`,
    );
    assert.equal(recs.length, 1);
    assert.equal(recs[0]?.lines, 3);
    assert.equal(recs[0]?.raw, `${PLEX(1)}\ntail`);
  });

  test('the envelope time wins over the app time; corrupted json-file records are kept raw', () => {
    const recs = assemble(
      'docker',
      `${json(`${PLEX(1)}\n`, 'stdout', '2023-01-05T12:00:00.5Z')}\n{"log":"Jan 05, 2023 trunc\n`,
    );
    assert.equal(recs[0]?.time, Date.UTC(2023, 0, 5, 12, 0, 0, 500));
    assert.equal(recs[0]?.timeExact, true);
    assert.equal(recs[0]?.raw.split('\n')[1], '{"log":"Jan 05, 2023 trunc');
  });

  test('committedOffset: up to the pending record, or the split line waiting for its end', () => {
    const { asm, records } = assemblerFor('docker');
    const lines = [PLEX(1), 'cont', PLEX(2), json('split ', 'stderr').replace('\\n"', '"'), 'x'];
    let off = 0;
    const starts: number[] = [];
    for (const l of lines.slice(0, 4)) {
      starts.push(off);
      asm.push(l, off, off + l.length + 1);
      off += l.length + 1;
    }
    assert.equal(records.length, 1);
    assert.equal(asm.committedOffset, starts[2], 'the pending record (line 3) starts before the split line');
    assert.equal(asm.readOffset, off);
    assert.ok(asm.hasPending());
    asm.flush();
    assert.equal(records.length, 2 + 0, 'the dangling split line joined the pending record');
    assert.equal(asm.committedOffset, off);
    assert.equal(asm.hasPending(), false);
  });

  test('an idle flush emits the record; later continuation lines form a new orphan', () => {
    const { asm, records } = assemblerFor('plex');
    asm.push(PLEX(1));
    asm.flush();
    asm.push('late frame');
    asm.flush();
    assert.deepEqual(
      records.map((r) => r.orphan === true),
      [false, true],
    );
  });

  test('auto: locks onto the first app format, keeps container lines, attributes records to the detected app', () => {
    const text = [
      '[s6-init] making user provided files available',
      '[2023-01-05 11:59:00] [INF] Creating user...',
      'Jan 05, 2023 12:00:01.000 [0x1] INFO - Plex Media Server v1.40 - GMT 00:00',
      '2023-01-05 12:00:02 ERROR a line in another layout, in the middle of a Plex paste',
      's6-rc: info: service svc-plex successfully started',
      PLEX(4, 'WARN'),
    ].join('\n');
    const recs = assemble('auto', text);
    assert.deepEqual(
      recs.map((r) => [r.app, r.level, r.lines, r.orphan === true]),
      [
        ['generic', 'info', 1, true],
        // Emitted when the Plex header arrived: a container line takes the stream's app once it is known.
        ['plex', 'info', 1, false],
        ['plex', 'info', 1, false],
        // No format knows it, but it starts with a timestamp: its own record (record-start.ts), not Plex's tail.
        ['plex', 'error', 1, false],
        ['plex', 'info', 1, false],
        ['plex', 'warn', 1, false],
      ],
    );
  });

  test('auto: an unknown app falls back to generic headers', () => {
    const recs = assemble('auto', '2023-01-05 12:00:00,123 - app - ERROR - boom\nTraceback (most recent call last):\n');
    assert.deepEqual(
      recs.map((r) => [r.app, r.level, r.lines]),
      [['generic', 'error', 2]],
    );
  });

  test('a configured *arr app names its records even though the format is shared', () => {
    const recs = assemble('radarr', '2023-01-05 12:00:00.0|Info|Bootstrap|Starting Radarr\n');
    assert.equal(recs[0]?.app, 'radarr');
  });
});

describe('times of day without a date', () => {
  test('a console paste is dated by the record before it, or by the reference clock', () => {
    const records: LogRecord[] = [];
    const asm = new Assembler({
      parsers: parsersFor('jellyfin'),
      app: 'jellyfin',
      source: 't',
      zone: UTC,
      now: () => Date.UTC(2024, 2, 1, 8),
      emit: (r) => records.push(r),
    });
    for (const l of [
      '[22:00:00] [INF] [1] Main: up',
      '[2024-02-27 10:00:00.000 +00:00] [INF] [1] Main: x',
      '[11:00:00] [INF] [1] Main: y',
    ]) {
      asm.push(l);
    }
    asm.flush();
    assert.deepEqual(
      records.map((r) => new Date(r.time).toISOString()),
      ['2024-02-29T22:00:00.000Z', '2024-02-27T10:00:00.000Z', '2024-02-27T11:00:00.000Z'],
    );
  });
});

describe('layouts no format knows, inside an app-tagged paste', () => {
  test('a Sonarr paste with container lines and a table copy keeps every boundary', () => {
    const text = [
      '[2024-03-01 10:00:00] [INF] Starting Sonarr...',
      '2024-03-01 10:00:01.2|Info|Bootstrap|Starting Sonarr - /app/bin/Sonarr',
      '2024-03-01 10:00:02.3|Error|DownloadClientBase|Download client failed',
      '',
      '[v4.0.2.1183] System.Net.Http.HttpRequestException: Connection refused (qbit:8080)',
      '   at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync()',
      'Segmentation fault (core dumped)',
      's6-rc: info: service sonarr: stopping',
      '\t10:05am\tRssSyncService\tRSS Sync Completed. Reports found: 3, Reports grabbed: 0',
    ].join('\n');
    const recs = assemble('sonarr', text);
    assert.deepEqual(
      recs.map((r) => [r.level, r.lines, r.orphan === true, r.app]),
      [
        ['info', 1, false, 'sonarr'],
        ['info', 1, false, 'sonarr'],
        // The shell's crash report continues the record above (corpus README); the record keeps its header's level.
        ['error', 5, false, 'sonarr'],
        ['info', 1, false, 'sonarr'],
        ['info', 1, false, 'sonarr'],
      ],
    );
    assert.equal(
      recs[2]?.exception?.type,
      'System.Net.Http.HttpRequestException',
      'the app still finishes its records',
    );
  });
  test('unlevelled dumps are errors, crash reports fatal, plain lines info', () => {
    const recs = assemble(
      'auto',
      [
        '2024-03-01 10:00:00 starting worker',
        '2024-03-01 10:00:01 Unhandled exception',
        'System.InvalidOperationException: boom',
        '   at Foo.Bar()',
        '2024-03-01 10:00:02 worker exited',
        '*** SIGSEGV received at time=1709290000 ***',
      ].join('\n'),
    );
    assert.deepEqual(
      recs.map((r) => [r.level, r.lines]),
      [
        ['info', 1],
        ['error', 3],
        // An unlevelled line whose record reports a crash is fatal.
        ['fatal', 2],
      ],
    );
  });
});

describe('runtime-stamped lines', () => {
  const cri = (s: number, text: string, stream = 'stdout') =>
    `2024-03-01T10:00:${String(s).padStart(2, '0')}.000000000Z ${stream} F ${text}`;
  test('plain text inside the envelope continues the record above; a crash makes the orphan fatal', () => {
    const recs = assemble(
      'docker',
      [
        cri(1, 'Starting Plex Media Server.'),
        cri(2, "terminate called after throwing an instance of 'std::runtime_error'", 'stderr'),
        cri(3, '****** PLEX MEDIA SERVER CRASHED, CRASH REPORT WRITTEN: /config/x.dmp', 'stderr'),
        cri(4, PLEX(4)),
      ].join('\n'),
    );
    assert.deepEqual(
      recs.map((r) => [r.orphan === true, r.lines, r.level]),
      [
        [true, 3, 'fatal'],
        [false, 1, 'info'],
      ],
    );
  });
  test('container-manager date/stream columns are an envelope', () => {
    const recs = assemble(
      'radarr',
      [
        '2024/12/01 18:19:59\tstdout\t[ls.io-init] done.',
        '2024/12/01 18:20:01\tstdout\t[Info] Bootstrap: Starting Radarr',
      ].join('\n'),
    );
    assert.deepEqual(
      recs.map((r) => [r.orphan === true, r.message]),
      [
        [true, '[ls.io-init] done.'],
        [false, 'Starting Radarr'],
      ],
    );
  });
});
