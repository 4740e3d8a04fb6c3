import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UTC, zoneByName } from './time.ts';
import { dateTimeOfDay } from './time-of-day.ts';

describe('dateTimeOfDay', () => {
  const H = 3_600_000;
  const day = (iso: string) => Date.parse(iso);
  test('without a date in the stream: the day of the reference, never after it', () => {
    const now = day('2024-03-01T08:00:00Z');
    assert.equal(dateTimeOfDay(7 * H, null, now, UTC), day('2024-03-01T07:00:00Z'));
    // 23:00 has not happened yet today at 08:00: it was yesterday (2024 is a leap year).
    assert.equal(dateTimeOfDay(23 * H, null, now, UTC), day('2024-02-29T23:00:00Z'));
    assert.equal(
      dateTimeOfDay(8 * H + 1000, null, now, UTC),
      now + 1000,
      'a second ahead is clock skew, not yesterday',
    );
    assert.equal(dateTimeOfDay(8 * H + 5 * 60_000, null, now, UTC), now + 5 * 60_000 - 86_400_000);
  });
  test("with a date in the stream: that date's day, across midnight, still never in the future", () => {
    const now = day('2024-03-05T12:00:00Z');
    const last = day('2024-03-01T23:59:00Z');
    assert.equal(dateTimeOfDay(60_000, last, now, UTC), day('2024-03-02T00:01:00Z'));
    assert.equal(dateTimeOfDay(23 * H, last, now, UTC), day('2024-03-01T23:00:00Z'));
    const live = day('2024-03-01T10:00:00Z');
    assert.equal(dateTimeOfDay(10 * H + 3000, live, live + 5000, UTC), live + 3000);
    // A clock behind the stream's own dates (a stale reference) does not push the stream's day back.
    assert.equal(dateTimeOfDay(10 * H + 3000, live, 0, UTC), live + 3000);
  });
  test('in the zone in force', () => {
    const paris = zoneByName('Europe/Paris');
    // 09:00 UTC is 10:00 in Paris; a 23:30 Paris time of day is yesterday's 22:30 UTC.
    assert.equal(dateTimeOfDay(23.5 * H, null, day('2024-03-01T09:00:00Z'), paris), day('2024-02-29T22:30:00Z'));
  });
});
