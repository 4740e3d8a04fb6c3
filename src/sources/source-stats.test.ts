import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import type { Level, LogRecord } from '../core/types.ts';
import { SourceStatsTracker } from './source-stats.ts';

const rec = (level: Level, time: number, extra: Partial<LogRecord> = {}): LogRecord => ({
  time,
  timeExact: true,
  level,
  app: 'sonarr',
  source: 'tv',
  message: 'm',
  raw: 'm',
  lines: 1,
  ...extra,
});

test('counts per window follow the injected clock, in bounded per-minute buckets', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const stats = new SourceStatsTracker(clock);
  stats.register('tv', 'sonarr');
  assert.deepEqual(stats.get('tv')?.totalRecords, 0);
  stats.record(rec('error', 1000));
  stats.record(rec('warn', 2000));
  stats.record(rec('info', 3000, { orphan: true }));
  let s = stats.get('tv');
  assert.equal(s?.errors5m, 1);
  assert.equal(s?.warnings5m, 1);
  assert.equal(s?.parseFailures, 1);
  assert.equal(s?.lastRecordAt, 3000);
  assert.equal(s?.lastErrorAt, 1000);
  assert.equal(s?.recordsPerMinute, 3);

  clock.advance(10 * 60_000);
  stats.record(rec('fatal', 4000));
  s = stats.get('tv');
  assert.equal(s?.errors5m, 1, 'the first error left the 5-minute window');
  assert.equal(s?.errors1h, 2);
  assert.equal(s?.warnings1h, 1);
  assert.equal(s?.recordsPerMinute, 0.2);

  clock.advance(61 * 60_000);
  s = stats.get('tv');
  assert.equal(s?.errors1h, 0, 'an hour later the ring is empty');
  assert.equal(s?.totalRecords, 4);
  // A slot reused an hour later starts from zero.
  stats.record(rec('warn', 5000));
  assert.equal(stats.get('tv')?.warnings1h, 1);
});

test('sources are listed sorted; unknown ones are undefined; files are copied', () => {
  const stats = new SourceStatsTracker(new ManualClock(0));
  stats.register('b', 'plex');
  stats.register('a', 'auto');
  const files = ['/x.log'];
  stats.setFiles('a', files);
  files.push('/y.log');
  stats.record({ ...rec('info', 1), source: 'a', app: 'jellyfin' });
  stats.parseFailure('b', 2);
  assert.deepEqual(
    stats.all().map((s) => [s.source, s.app, s.files, s.parseFailures]),
    [
      ['a', 'jellyfin', ['/x.log'], 0],
      ['b', 'plex', [], 2],
    ],
  );
  assert.equal(stats.get('nope'), undefined);
});
