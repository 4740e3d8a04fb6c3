import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogRecord } from '../core/types.ts';
import { LinePipeline } from './line-pipeline.ts';

const line = (day: number, n: number) => `2026-01-0${day} 00:00:00.0|Info|Test|line ${n}\n`;

function pipeline(out: LogRecord[], idleFlushMs = 10_000) {
  let commits = 0;
  const pipe = new LinePipeline({
    source: 's',
    app: 'sonarr',
    file: '/logs/sonarr.txt',
    maxLineBytes: 4096,
    limits: { maxRecordLines: 500, maxRecordBytes: 65_536 },
    idleFlushMs,
    now: () => 0,
    emit: (r) => out.push(r),
    afterChunk: () => {
      commits++;
    },
  });
  return { pipe, commits: () => commits };
}

const numbers = (out: LogRecord[]) => out.map((r) => Number(/line (\d+)/.exec(r.message)?.[1]));

test('the offset names where a run began until a record is handed on, then the end of that record', () => {
  const out: LogRecord[] = [];
  const { pipe, commits } = pipeline(out);
  pipe.restart(1000);
  assert.equal(pipe.offset, 1000);
  pipe.push(Buffer.from(line(1, 1) + line(1, 2)));
  assert.equal(commits(), 1);
  // Record 1 is complete (record 2 began); record 2 may still get continuation lines.
  assert.deepEqual(numbers(out), [1]);
  assert.equal(pipe.offset, 1000 + Buffer.byteLength(line(1, 1)));
  pipe.push(Buffer.from('2026-01-01 00:00:00.0|Info|Test|line 3 without newline'));
  pipe.endOfFile();
  assert.deepEqual(numbers(out), [1, 2, 3]);
  assert.equal(commits(), 3);
  assert.equal(pipe.lines, 3);
});

test('backfill drops records before the cutoff up to the first inside it, across a restart', () => {
  const out: LogRecord[] = [];
  const { pipe } = pipeline(out);
  pipe.skipBefore(Date.UTC(2026, 0, 2, 12));
  pipe.push(Buffer.from(line(1, 1) + line(1, 2)));
  pipe.endOfFile();
  pipe.restart(0);
  pipe.push(Buffer.from(line(1, 3) + line(3, 4) + line(1, 5)));
  pipe.endOfFile();
  // Once inside the window everything is kept, even an older timestamp (clock skew, a late line).
  assert.deepEqual(numbers(out), [4, 5]);
});

test('a quiet file gets its pending record out after idleFlushMs, unless a read is under way', async () => {
  const out: LogRecord[] = [];
  const { pipe, commits } = pipeline(out, 20);
  pipe.push(Buffer.from(line(1, 1)));
  pipe.armIdle(() => true);
  await sleep(50);
  assert.deepEqual(numbers(out), []);
  pipe.armIdle(() => false);
  await sleep(50);
  assert.deepEqual(numbers(out), [1]);
  assert.equal(commits(), 2);
  pipe.push(Buffer.from(line(1, 2)));
  pipe.armIdle(() => false);
  pipe.clearIdle();
  await sleep(50);
  assert.deepEqual(numbers(out), [1]);
});
