/**
 * The overview with a big install behind it: 2,000 tracked issues and the hourly counts of 10M stored lines (30 days ×
 * 10 sources × 3 levels, summing to 10,000,000). What keeps it fast is checked here as structure, not time (a test
 * timing it fails on a busy machine): it reads the in-memory issues and only the last 24 hours of the hourly counts
 * table, and never the stored lines. Its server time is measured by `npm run bench -- panel` (bench/panel.bench.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOUR, overviewAtScale } from './overview-scale.ts';

test('overview with 2,000 issues and 10M stored lines counted: reads 24 h of hourly counts, never the lines', async () => {
  const s = overviewAtScale();
  try {
    assert.ok(s.fixture.detector.list({}).length >= 2000);
    assert.equal(s.total, 10_000_000);
    const res = await s.fixture.app.request('/');
    const body = await res.text();
    assert.equal(res.status, 200);
    assert.match(body, /Stored records per hour · max 9240/);
    assert.equal(s.searches(), 0, 'the overview searched the stored lines');
    assert.equal(s.ranges.length, 1, 'one read of the hourly counts');
    const [range] = s.ranges;
    assert.ok(range && range.to - range.from <= 25 * HOUR, `hourly counts read over ${range?.from}..${range?.to}`);
  } finally {
    s.close();
  }
});
