/**
 * The overview renders fast with a big install behind it: 2,000 tracked issues and the hourly counts of 10M stored
 * lines (30 days × 10 sources × 3 levels, summing to 10,000,000). The overview never reads the lines themselves: it
 * reads the in-memory issues and the hourly counts table, whose size depends on hours × sources × levels, not on
 * how many lines are stored. Server time is measured around `app.request()`; the median must stay under 200 ms.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counts } from '../../store/counts.ts';
import { openDatabase } from '../../store/db.ts';
import { panelFixture } from './testing.ts';

const HOUR = 3_600_000;

test('overview: under 200 ms server time with 2,000 issues and 10M stored lines counted', async () => {
  const f = panelFixture({}, { issues: 2000 });
  assert.ok(f.detector.list({}).length >= 2000);

  const db = openDatabase(':memory:');
  const counts = new Counts(db);
  counts.migrate();
  const nowHour = Math.floor(f.clock.now() / HOUR);
  const hours = 30 * 24;
  const levels = ['info', 'warn', 'error'];
  const cells = hours * 10 * levels.length;
  const per = Math.floor(10_000_000 / cells);
  const insert = db.prepare('INSERT INTO hourly_counts (hour, source, level, n) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  let total = 0;
  for (let h = 0; h < hours; h++) {
    for (let s = 0; s < 10; s++) {
      for (const level of levels) {
        const n = h === 0 && s === 0 && level === 'info' ? 10_000_000 - per * (cells - 1) : per;
        insert.run((nowHour - h) * HOUR, `source-${s}`, level, n);
        total += n;
      }
    }
  }
  db.exec('COMMIT');
  assert.equal(total, 10_000_000);
  f.deps.hourly = (q) => counts.hourly(q);

  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    const res = await f.app.request('/');
    const body = await res.text();
    times.push(performance.now() - t);
    assert.equal(res.status, 200);
    assert.match(body, /Stored records per hour · max 9240/);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  // Shown with --test-reporter=spec; the first includes compiling the panel's code.
  console.log(`overview server time: first ${times[0]?.toFixed(1)} ms, median ${median.toFixed(1)} ms`);
  assert.ok(median < 200, `median ${median.toFixed(1)} ms`);
  db.close();
});
