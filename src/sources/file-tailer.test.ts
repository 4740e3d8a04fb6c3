import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryLogger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { FileTailer } from './file-tailer.ts';
import { TRUNCATION_MARKER } from './line-splitter.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'arrgus-tailer-'));
  dirs.push(d);
  return d;
}

const line = (n: number) => `2026-01-01 00:00:00.0|Info|Test|line ${n}\n`;
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join('');

function tailer(path: string, out: LogRecord[], idleFlushMs = 10_000, room?: () => undefined) {
  return new FileTailer({
    ...(room ? { room } : {}),
    source: 's',
    app: 'sonarr',
    path,
    maxLineBytes: 4096,
    limits: { maxRecordLines: 500, maxRecordBytes: 65_536 },
    idleFlushMs,
    now: () => 0,
    logger: memoryLogger(),
    emit: (r) => out.push(r),
    afterChunk: () => {},
  });
}

async function settle(t: FileTailer): Promise<void> {
  t.poke();
  await t.idle();
}

const numbers = (out: LogRecord[]) => out.map((r) => Number(/line (\d+)/.exec(r.message)?.[1]));

test('follows appends from the end; a partial last line waits for its newline', async () => {
  const f = join(tmp(), 'sonarr.txt');
  writeFileSync(f, `${lines(1, 3)}2026-01-01 00:00:00.0|Info|Test|half`);
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  assert.equal(await t.open(null, { at: 'end' }), 'end');
  // Before any new line, the checkpoint names where we began, not 0.
  assert.equal(t.checkpoint()?.offset, Buffer.byteLength(lines(1, 3)));
  appendFileSync(f, ` done\n${line(4)}`);
  await settle(t);
  // Record "half done" is complete once line 4 starts; line 4 is pending until flushed.
  assert.deepEqual(
    out.map((r) => r.message),
    ['half done'],
  );
  assert.equal(t.checkpoint()?.offset, Buffer.byteLength(`${lines(1, 3)}2026-01-01 00:00:00.0|Info|Test|half done\n`));
  await t.stop();
  assert.deepEqual(numbers(out).slice(1), [4]);
});

test('idle flush emits the last record after idleFlush', async () => {
  const f = join(tmp(), 'sonarr.txt');
  writeFileSync(f, '');
  const out: LogRecord[] = [];
  const t = tailer(f, out, 30);
  await t.open(null, { at: 'begin' });
  appendFileSync(f, lines(1, 2));
  await settle(t);
  assert.deepEqual(numbers(out), [1]);
  // Waited for, not slept on: a flush due while a read is under way waits for the next arming (a loaded machine).
  const until = Date.now() + 30_000;
  while (out.length < 2 && Date.now() < until) await sleep(5);
  assert.deepEqual(numbers(out), [1, 2]);
  assert.equal(t.checkpoint()?.offset, Buffer.byteLength(lines(1, 2)));
  await t.stop();
});

test('rename + recreate: drains the old file, then reads the new one from 0', async () => {
  const d = tmp();
  const f = join(d, 'sonarr.txt');
  writeFileSync(f, lines(1, 5));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  await settle(t);
  appendFileSync(f, lines(6, 8));
  renameSync(f, join(d, 'sonarr.0.txt'));
  writeFileSync(f, lines(9, 10));
  await settle(t);
  await t.stop();
  assert.deepEqual(numbers(out), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('rotated twice before a read: the generation in between is read too, oldest first', async () => {
  const d = tmp();
  const f = join(d, 'sonarr.txt');
  writeFileSync(f, lines(1, 5));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  await settle(t);
  // A busy NLog log on a slow machine: two rotations (`sonarr.txt` → `.0` → `.1`) before the tailer looks again.
  appendFileSync(f, lines(6, 8));
  renameSync(f, join(d, 'sonarr.0.txt'));
  writeFileSync(f, lines(9, 12));
  await sleep(15); // distinct birth and modification times, as between real rotations
  renameSync(join(d, 'sonarr.0.txt'), join(d, 'sonarr.1.txt'));
  renameSync(f, join(d, 'sonarr.0.txt'));
  writeFileSync(f, lines(13, 14));
  await settle(t);
  await t.stop();
  assert.deepEqual(numbers(out), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
});

test('after a restart drain, generations rotated before the live file was opened are read first, once', async () => {
  const d = tmp();
  const f = join(d, 'sonarr.txt');
  // X: the generation the restart drained last; Y: rotated after it before the tailer opened the name; Z: live.
  writeFileSync(join(d, 'sonarr.1.txt'), lines(1, 3));
  await sleep(15);
  writeFileSync(join(d, 'sonarr.0.txt'), lines(4, 6));
  await sleep(15);
  writeFileSync(f, lines(7, 8));
  const x = statSync(join(d, 'sonarr.1.txt'));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  t.catchUpAfter({
    dev: x.dev,
    ino: x.ino,
    birthtimeMs: x.birthtimeMs,
    mtimeMs: x.mtimeMs,
    claimed: new Set([`${x.dev}:${x.ino}`]),
  });
  await settle(t);
  await t.stop();
  assert.deepEqual(numbers(out), [4, 5, 6, 7, 8]);
});

test('copytruncate: drains the copy from where it was, then the truncated file from 0', async () => {
  const d = tmp();
  const f = join(d, 'app.log');
  writeFileSync(f, lines(1, 5));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  await settle(t);
  appendFileSync(f, lines(6, 7));
  copyFileSync(f, `${f}.1`);
  truncateSync(f, 0);
  // Grows past the old offset before we look: only the fingerprint can tell.
  appendFileSync(f, lines(8, 20));
  await settle(t);
  await t.stop();
  assert.deepEqual(
    numbers(out),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});

test('copytruncate again while the first copy is read: the newer copy is read too, before the file', async () => {
  const d = tmp();
  const f = join(d, 'app.log');
  writeFileSync(f, lines(1, 5));
  const out: LogRecord[] = [];
  let armed = false;
  // Called before every read: the first call after arming is the read of the first copy (truncation is checked before
  // the file itself is read), and there the file is copied and truncated a second time.
  const room = () => {
    if (!armed) return undefined;
    armed = false;
    renameSync(`${f}.1`, `${f}.2`);
    copyFileSync(f, `${f}.1`);
    truncateSync(f, 0);
    appendFileSync(f, lines(13, 15));
    return undefined;
  };
  const t = tailer(f, out, 10_000, room);
  await t.open(null, { at: 'begin' });
  await settle(t);
  appendFileSync(f, lines(6, 7));
  copyFileSync(f, `${f}.1`);
  truncateSync(f, 0);
  appendFileSync(f, lines(8, 12));
  armed = true;
  await settle(t);
  await t.stop();
  assert.equal(armed, false, 'the second rotation happened during the read');
  assert.deepEqual(
    numbers(out),
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
});

test('copytruncate twice before a read: the earlier copy of an empty-looking file is read first', async () => {
  const d = tmp();
  const f = join(d, 'app.log');
  writeFileSync(f, '');
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  await settle(t);
  await sleep(5);
  appendFileSync(f, lines(1, 3));
  copyFileSync(f, `${f}.1`);
  truncateSync(f, 0);
  appendFileSync(f, lines(4, 5));
  await settle(t);
  await t.stop();
  assert.deepEqual(numbers(out), [1, 2, 3, 4, 5]);
});

test('a file deleted while read is drained through the open descriptor; a recreated one is read from 0', async () => {
  const d = tmp();
  const f = join(d, 'sonarr.txt');
  writeFileSync(f, lines(1, 3));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  appendFileSync(f, lines(4, 5));
  unlinkSync(f);
  await settle(t);
  assert.deepEqual(numbers(out), [1, 2, 3, 4, 5]);
  writeFileSync(f, lines(6, 6));
  await settle(t);
  await t.stop();
  assert.deepEqual(numbers(out), [1, 2, 3, 4, 5, 6]);
});

test('binary garbage, NULs, CRLF and invalid UTF-8 never crash and keep offsets exact', async () => {
  const f = join(tmp(), 'sonarr.txt');
  writeFileSync(f, '');
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  const garbage = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256));
  appendFileSync(f, Buffer.concat([Buffer.from(line(1).replace('\n', '\r\n')), garbage, Buffer.from('\n\0\0\0')]));
  appendFileSync(f, Buffer.concat([Buffer.from(line(2)), Buffer.from([0xff, 0xfe, 0x0a])]));
  await settle(t);
  await t.stop();
  assert.equal(out[0]?.message, 'line 1');
  assert.ok(out.some((r) => r.message.startsWith('line 2')));
  assert.ok(!out.some((r) => r.raw.includes('\0')));
});

test('a 10 MiB line without newline is capped, not buffered, and emitted once its newline comes', async () => {
  const f = join(tmp(), 'sonarr.txt');
  writeFileSync(f, line(1));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  const before = process.memoryUsage().rss;
  const big = Buffer.alloc(1 << 20, 'x');
  for (let i = 0; i < 10; i++) appendFileSync(f, big);
  await settle(t);
  assert.ok(process.memoryUsage().rss - before < 64 << 20, 'memory stays bounded');
  appendFileSync(f, `\n${line(2)}`);
  await settle(t);
  await t.stop();
  // The long line is a continuation of record 1, cut at maxLineBytes with the marker.
  assert.deepEqual(numbers(out), [1, 2]);
  assert.ok(out[0]?.raw.endsWith(TRUNCATION_MARKER));
  assert.ok((out[0]?.raw.length ?? 0) < 5000);
  assert.equal(out[0]?.truncated, true);
});

test('resumes exactly at a checkpoint; a reused inode with other content starts over', async () => {
  const d = tmp();
  const f = join(d, 'sonarr.txt');
  writeFileSync(f, lines(1, 4));
  const out: LogRecord[] = [];
  const t = tailer(f, out);
  await t.open(null, { at: 'begin' });
  await settle(t);
  await t.stop();
  const ck = t.checkpoint();
  assert.ok(ck);
  appendFileSync(f, lines(5, 6));
  const again: LogRecord[] = [];
  const t2 = tailer(f, again);
  assert.equal(await t2.open(ck, { at: 'end' }), 'resumed');
  await settle(t2);
  await t2.stop();
  assert.deepEqual(numbers(again), [5, 6]);
  // Same inode, different first bytes (rewritten in place): the checkpoint no longer applies.
  writeFileSync(f, lines(100, 110));
  const t3 = tailer(f, []);
  assert.equal(await t3.open(ck, { at: 'begin' }), 'begin');
  await t3.stop();
});
