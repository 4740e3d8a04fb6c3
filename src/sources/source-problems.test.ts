import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { until } from '../../test/helpers/wait.ts';
import { sourceSchema } from '../config/sources.ts';
import { memoryLogger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { openDatabase } from '../store/db.ts';
import { RecordStore } from '../store/records.ts';
import type { ListingProblem } from './file-selection.ts';
import { FileSource } from './file-source.ts';
import { SourceProblems } from './source-problems.ts';

const NOW = Date.UTC(2026, 0, 10, 12);
const line = (n: number) => `2026-01-10 11:00:0${n % 10}.0|Error|Test|record ${n}\n`;

/** A sonarr source on `path` with a rescan far away: whatever recovers does so by the source's own retries. */
function sourceOn(path: string) {
  const store = new RecordStore(openDatabase(':memory:'));
  store.migrate();
  const out: LogRecord[] = [];
  const reports: ListingProblem[][] = [];
  const logger = memoryLogger();
  const source = new FileSource({
    source: { ...sourceSchema.parse({ name: 'tv', app: 'sonarr', path }), path },
    store,
    maxLineBytes: 65_536,
    limits: { maxRecordLines: 500, maxRecordBytes: 65_536 },
    idleFlushMs: 30,
    rescanMs: 600_000,
    now: () => NOW,
    logger,
    emit: (r) => out.push(r),
    afterChunk: () => {},
    onFiles: () => {},
    onProblems: (p) => reports.push(p),
  });
  const messages = () => out.map((r) => r.message);
  const last = () => reports.at(-1) ?? [];
  return { source, out, messages, reports, last, logger };
}

test('a symlink loop in the folder is reported while the file beside it is read; removing it clears the report', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-problems-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'sonarr.txt'), line(1));
  symlinkSync('sonarr.debug.txt', join(root, 'sonarr.debug.txt'));
  const s = sourceOn(root);
  await s.source.start();
  try {
    assert.deepEqual(s.source.files, [join(root, 'sonarr.txt')]);
    assert.deepEqual(s.last(), [{ path: join(root, 'sonarr.debug.txt'), error: 'symbolic link loop' }]);
    assert.equal(s.logger.lines.filter((l) => l.includes('cannot read') && l.includes('WARN')).length, 1);
    appendFileSync(join(root, 'sonarr.txt'), line(2) + line(3));
    await until('the appended records', () => s.messages().includes('record 3'));
    unlinkSync(join(root, 'sonarr.debug.txt'));
    await until('the problem to clear', () => s.reports.length > 1 && s.last().length === 0);
    assert.ok(s.logger.lines.some((l) => l.includes('can read') && l.includes('again')));
  } finally {
    await s.source.stop();
  }
});

test('a missing folder is failing until it appears; then its log is read from its start', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-problems-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'logs');
  const s = sourceOn(dir);
  await s.source.start();
  try {
    assert.deepEqual(s.last(), [{ path: dir, error: 'not found' }]);
    mkdirSync(dir);
    writeFileSync(join(dir, 'sonarr.txt'), line(1) + line(2));
    await until('the new folder to be read', () => s.messages().includes('record 1'));
    await until('the problem to clear', () => s.last().length === 0);
    appendFileSync(join(dir, 'sonarr.txt'), line(3));
    await until('lines appended after', () => s.messages().includes('record 3'));
    assert.deepEqual(s.messages().slice(0, 3), ['record 1', 'record 2', 'record 3']);
  } finally {
    await s.source.stop();
  }
});

test('a file that fails to open is retried with growing delays, at most the rescan interval apart', () => {
  let now = 0;
  const reports: ListingProblem[][] = [];
  const p = new SourceProblems({
    source: 'tv',
    logger: memoryLogger(),
    maxBackoffMs: 8000,
    onChange: (x) => reports.push(x),
    now: () => now,
  });
  const tries: number[] = [];
  for (now = 0; now <= 60_000; now += 100) {
    if (!p.due('/logs/sonarr.txt')) continue;
    tries.push(now);
    p.openFailed('/logs/sonarr.txt', 'permission denied', { ck: null, mode: { at: 'end' } });
    p.report();
  }
  const gaps = tries.slice(1).map((t, i) => t - (tries[i] as number));
  assert.deepEqual(gaps.slice(0, 5), [1000, 2000, 4000, 8000, 8000]);
  assert.equal(reports.length, 1, 'one report while the same problem persists');
  // The first plan is kept: where the first attempt would have begun.
  p.openFailed('/logs/sonarr.txt', 'permission denied', { ck: null, mode: { at: 'begin' } });
  assert.deepEqual(p.plan('/logs/sonarr.txt')?.mode, { at: 'end' });
  p.opened('/logs/sonarr.txt');
  p.report();
  assert.deepEqual(reports.at(-1), []);
  assert.equal(p.nextRetryIn(), undefined);
});
