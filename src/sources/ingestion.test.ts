import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { until } from '../../test/helpers/wait.ts';
import type { ConfigInput } from '../config/schema.ts';
import { testContext } from '../core/testing.ts';
import type { LogRecord } from '../core/types.ts';
import { type Database, openDatabase } from '../store/db.ts';
import { Ingestion } from './ingestion.ts';
import { SourceStatsTracker } from './source-stats.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'arrgus-ingest-'));
  dirs.push(d);
  return d;
}

const nlog = (n: number) => `2026-01-01 00:00:00.0|Info|Test|line ${n}\n`;
const nlogs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => nlog(from + i)).join('');

function build(config: ConfigInput, db: Database, roots?: { root: string; home: string }, beforeCommit?: () => void) {
  const { ctx, logs } = testContext(
    { ingest: { idleFlush: '50ms', checkpointInterval: '50ms', rescanInterval: '200ms' }, ...config },
    Date.now(),
  );
  const processed: LogRecord[] = [];
  const stats = new SourceStatsTracker(ctx.clock);
  const ingestion = new Ingestion(ctx, {
    db,
    process: (r) => {
      processed.push(r);
    },
    stats,
    ...(roots ? { defaultRoots: roots } : {}),
    ...(beforeCommit ? { beforeCommit } : {}),
  });
  return { ingestion, processed, stats, logs, ctx };
}

const stored = (db: Database, source: string) =>
  (
    db.prepare('SELECT message FROM records WHERE source = ? ORDER BY id').all(source) as Array<{ message: string }>
  ).map((r) => r.message);

test('first start begins at the end; appends are processed, stored and resumed exactly after a restart', async () => {
  const d = tmp();
  writeFileSync(join(d, 'sonarr.txt'), nlogs(1, 3));
  const db = openDatabase(join(d, 'data', 'arrgus.db'));
  const config: ConfigInput = { sources: [{ name: 'tv', app: 'sonarr', path: d }] };
  const a = build(config, db);
  await a.ingestion.start();
  assert.deepEqual(a.ingestion.followed(), [{ source: 'tv', files: [join(d, 'sonarr.txt')] }]);
  appendFileSync(join(d, 'sonarr.txt'), nlogs(4, 6));
  await until(() => a.processed.length === 3);
  await a.ingestion.stop();
  assert.deepEqual(stored(db, 'tv'), ['line 4', 'line 5', 'line 6']);
  assert.equal(a.stats.get('tv')?.totalRecords, 3);
  assert.deepEqual(a.stats.get('tv')?.files, [join(d, 'sonarr.txt')]);

  appendFileSync(join(d, 'sonarr.txt'), nlogs(7, 8));
  const b = build(config, db);
  await b.ingestion.start();
  await until(() => b.processed.length === 2);
  await b.ingestion.stop();
  assert.deepEqual(stored(db, 'tv'), ['line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
  db.close();
});

test('beforeCommit runs before a batch and its positions go to the store', async () => {
  const d = tmp();
  writeFileSync(join(d, 'sonarr.txt'), '');
  const db = openDatabase(join(d, 'data', 'arrgus.db'));
  const seen: Array<{ processed: number; stored: number }> = [];
  const a = build({ sources: [{ name: 'tv', app: 'sonarr', path: d }] }, db, undefined, () =>
    seen.push({ processed: a.processed.length, stored: stored(db, 'tv').length }),
  );
  await a.ingestion.start();
  appendFileSync(join(d, 'sonarr.txt'), nlogs(1, 5));
  await until(() => a.processed.length === 5);
  await a.ingestion.stop();
  assert.equal(stored(db, 'tv').length, 5);
  // The call that covered the last records came while they were processed and not yet stored.
  assert.ok(
    seen.some((c) => c.processed === 5 && c.stored < 5),
    JSON.stringify(seen),
  );
  db.close();
});

test('a restart before any new line keeps the first start at the end; a rotation while down is drained', async () => {
  const d = tmp();
  const live = join(d, 'sonarr.txt');
  writeFileSync(live, nlogs(1, 1));
  const db = openDatabase(':memory:');
  const config: ConfigInput = { sources: [{ name: 'tv', app: 'sonarr', path: d }] };
  const a = build(config, db);
  await a.ingestion.start();
  await a.ingestion.stop();
  appendFileSync(live, nlogs(2, 2));
  renameSync(live, join(d, 'sonarr.0.txt'));
  writeFileSync(live, nlogs(3, 3));
  const b = build(config, db);
  await b.ingestion.start();
  await until(() => b.processed.length === 2);
  await b.ingestion.stop();
  assert.deepEqual(stored(db, 'tv'), ['line 2', 'line 3']);
  assert.ok(b.logs.some((l) => l.includes('Draining') && l.includes('sonarr.0.txt')));
});

test('files rotated twice while stopped are drained in order, then the new live file from 0', async () => {
  const d = tmp();
  const live = join(d, 'sonarr.txt');
  writeFileSync(live, nlogs(1, 2));
  const db = openDatabase(':memory:');
  const config: ConfigInput = { sources: [{ name: 'tv', app: 'sonarr', path: d }] };
  const a = build(config, db);
  await a.ingestion.start();
  appendFileSync(live, nlogs(3, 4));
  await until(() => a.processed.length === 2);
  await a.ingestion.stop();
  // While down: 5 more lines, rotate, 2 lines, rotate, 1 line.
  appendFileSync(live, nlogs(5, 9));
  renameSync(live, join(d, 'sonarr.0.txt'));
  writeFileSync(live, nlogs(10, 11));
  renameSync(join(d, 'sonarr.0.txt'), join(d, 'sonarr.1.txt'));
  renameSync(live, join(d, 'sonarr.0.txt'));
  writeFileSync(live, nlogs(12, 12));
  const b = build(config, db);
  await b.ingestion.start();
  await until(() => b.processed.length === 8);
  await b.ingestion.stop();
  assert.deepEqual(
    stored(db, 'tv'),
    Array.from({ length: 10 }, (_, i) => `line ${i + 3}`),
  );
});

test('a daily file created while running is followed from its start, the old one drained', async () => {
  const d = tmp();
  const jf = (n: number) => `[2026-01-01 00:00:00.000 +00:00] [INF] [1] T.X: line ${n}\n`;
  writeFileSync(join(d, 'log_20260101.log'), jf(1));
  const db = openDatabase(':memory:');
  const a = build({ sources: [{ name: 'jf', app: 'jellyfin', path: d }] }, db);
  await a.ingestion.start();
  appendFileSync(join(d, 'log_20260101.log'), jf(2));
  writeFileSync(join(d, 'log_20260102.log'), jf(3) + jf(4));
  await until(() => a.processed.length === 3);
  assert.deepEqual(a.ingestion.followed()[0]?.files, [join(d, 'log_20260102.log')]);
  await a.ingestion.stop();
  assert.deepEqual(stored(db, 'jf'), ['line 2', 'line 3', 'line 4']);
});

test('backfill by duration drops records older than the cutoff', async () => {
  const d = tmp();
  const now = Date.now();
  const at = (t: number, n: number) =>
    `[${new Date(t).toISOString().replace('T', ' ').replace('Z', '')} +00:00] [INF] [1] T.X: line ${n}\n`;
  writeFileSync(join(d, 'log_20260101.log'), at(now - 3 * 3_600_000, 1) + at(now - 30 * 60_000, 2) + at(now, 3));
  const db = openDatabase(':memory:');
  const a = build({ sources: [{ name: 'jf', app: 'jellyfin', path: d, backfill: '1h' }] }, db);
  await a.ingestion.start();
  await until(() => a.processed.length === 1);
  await a.ingestion.stop();
  assert.deepEqual(stored(db, 'jf'), ['line 2', 'line 3']);
});

test('pushed lines go through the same assembler: a record split across pushes stays one record', async () => {
  const db = openDatabase(':memory:');
  const a = build({}, db, { root: tmp(), home: tmp() });
  await a.ingestion.start();
  a.ingestion.pushLines('pushed', 'sonarr', ['2026-01-01 00:00:00.0|Error|Svc|boom', '']);
  a.ingestion.pushLines('pushed', 'sonarr', ['[v4.0.0.1] System.Exception: bad\n   at X.Y()\n']);
  await until(() => a.processed.length === 1);
  await a.ingestion.stop();
  const r = a.processed[0];
  assert.equal(r?.level, 'error');
  assert.equal(r?.lines, 4);
  assert.equal(r?.offset, undefined);
  assert.deepEqual(stored(db, 'pushed'), ['boom']);
});

test('with no source configured, the default locations are searched and what was found is followed', async () => {
  const root = tmp();
  const logs = join(root, 'config', 'logs');
  mkdirSync(logs, { recursive: true });
  writeFileSync(join(logs, 'radarr.txt'), nlogs(1, 1));
  const db = openDatabase(':memory:');
  const a = build({}, db, { root, home: tmp() });
  await a.ingestion.start();
  assert.deepEqual(a.ingestion.followed(), [{ source: 'radarr', files: [join(logs, 'radarr.txt')] }]);
  assert.ok(a.logs.some((l) => l.includes('found radarr logs in')));
  appendFileSync(join(logs, 'radarr.txt'), nlogs(2, 3));
  await until(() => a.processed.length === 2);
  await a.ingestion.stop();
  assert.equal(a.processed[0]?.app, 'radarr');
});
