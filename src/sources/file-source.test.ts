import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sourceSchema } from '../config/sources.ts';
import { memoryLogger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { openDatabase } from '../store/db.ts';
import { RecordStore } from '../store/records.ts';
import { FileSource } from './file-source.ts';

const NOW = Date.UTC(2026, 0, 10, 12);

/** A FileSource over `config` (a source entry) with an in-memory store; what it emits lands in `out`. */
function fileSource(config: Record<string, unknown>, out: LogRecord[], rescanMs = 60_000): FileSource {
  const store = new RecordStore(openDatabase(':memory:'));
  store.migrate();
  const parsed = sourceSchema.parse(config);
  return new FileSource({
    source: { ...parsed, path: config.path as string },
    store,
    maxLineBytes: 65_536,
    limits: { maxRecordLines: 500, maxRecordBytes: 65_536 },
    idleFlushMs: 30,
    rescanMs,
    now: () => NOW,
    logger: memoryLogger(),
    emit: (r) => out.push(r),
    afterChunk: () => {},
    onFiles: () => {},
  });
}

test('a polled source follows appends and a file created after start (read from its start)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-source-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'containers');
  mkdirSync(join(dir, 'c1'), { recursive: true });
  const json = (t: string) => `${JSON.stringify({ log: `${t}\n`, stream: 'stdout', time: '2026-01-01T00:00:00Z' })}\n`;
  writeFileSync(join(dir, 'c1', 'c1-json.log'), json('old'));
  const out: LogRecord[] = [];
  const source = fileSource({ name: 'docker', app: 'docker', path: dir, poll: true, pollInterval: '50ms' }, out);
  await source.start();
  try {
    appendFileSync(join(dir, 'c1', 'c1-json.log'), json('new one'));
    mkdirSync(join(dir, 'c2'));
    writeFileSync(join(dir, 'c2', 'c2-json.log'), json('second container'));
    const until = Date.now() + 30_000;
    while (out.length < 2 && Date.now() < until) await sleep(20);
    assert.deepEqual(out.map((r) => r.message).sort(), ['new one', 'second container']);
    assert.deepEqual(source.files, [join(dir, 'c1', 'c1-json.log'), join(dir, 'c2', 'c2-json.log')]);
  } finally {
    await source.stop();
  }
});

test('backfill: all reads every rotated generation oldest first, then the live file', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-backfill-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const line = (n: number) => `2026-01-10 11:00:0${n}.0|Info|Test|record ${n}\n`;
  // Oldest generation written (and so born) first.
  writeFileSync(join(root, 'sonarr.1.txt'), line(1) + line(2) + line(3));
  await sleep(20);
  writeFileSync(join(root, 'sonarr.0.txt'), line(4) + line(5) + line(6));
  await sleep(20);
  writeFileSync(join(root, 'sonarr.txt'), line(7) + line(8) + line(9));
  const out: LogRecord[] = [];
  const source = fileSource({ name: 'tv', app: 'sonarr', path: root, backfill: 'all' }, out);
  await source.start();
  try {
    const until = Date.now() + 30_000;
    while (out.length < 9 && Date.now() < until) await sleep(20);
    assert.deepEqual(
      out.map((r) => r.message),
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `record ${n}`),
    );
  } finally {
    await source.stop();
  }
});

test('two daily logs begun within one rescan: the day in between is read too, each line once, in order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-daily-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const line = (n: number) => `[2026-01-10 11:00:00.000 +00:00] [INF] [1] Test: day line ${n}\n`;
  const day = (d: number) => join(root, `log_2026010${d}.log`);
  writeFileSync(day(1), line(1));
  const out: LogRecord[] = [];
  // No periodic rescan during the test: the only rescan is the one the watcher's events schedule.
  const source = fileSource({ name: 'jf', app: 'jellyfin', path: root, backfill: 'all' }, out, 600_000);
  await source.start();
  try {
    const until = Date.now() + 30_000;
    while (out.length < 1 && Date.now() < until) await sleep(20);
    // Day 2 and day 3 begin before the source lists the folder again (events are debounced into one rescan).
    writeFileSync(day(2), line(2) + line(3));
    writeFileSync(day(3), line(4));
    while (out.length < 4 && Date.now() < until) await sleep(20);
    await sleep(200); // nothing more may arrive (a day read twice would)
    assert.deepEqual(
      out.map((r) => r.message),
      ['day line 1', 'day line 2', 'day line 3', 'day line 4'],
    );
    assert.deepEqual(source.files, [day(3)]);
  } finally {
    await source.stop();
  }
});
