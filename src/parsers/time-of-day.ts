/**
 * Dating a time of day that has no date (Jellyfin's console `[10:00:00]`, syslog, Chromium, a copied UI table): from
 * the stream's own last full date, else from the reference time (a replayed file's mtime, a live source's clock),
 * and never in the future (issue 9 point 5: such times used to land up to a day ahead).
 */
import type { Zone } from './time.ts';

const DAY = 86_400_000;
const HALF_DAY = DAY / 2;
/** How far ahead of the reference a time of day may be and still be today: clock skew and sub-second truncation. */
export const TIME_OF_DAY_SKEW_MS = 60_000;

/**
 * Dates a time-of-day-only stamp. With a full date earlier in the stream, the day is that date's, moved by one when
 * the clock wrapped around midnight (the nearest of the three days); without one, the day of `now` (the file's mtime
 * for a replayed file, the clock for a live source). Either way never in the future: a time later than `now` (beyond
 * a minute of skew) is the previous day's. When the stream's last date is later than `now`, that date is the limit.
 */
export function dateTimeOfDay(timeOfDay: number, streamTime: number | null, now: number, zone: Zone): number {
  const ref = streamTime ?? now;
  let t = onDayOf(ref, timeOfDay, zone);
  if (streamTime !== null) {
    if (t < ref - HALF_DAY) t += DAY;
    else if (t > ref + HALF_DAY) t -= DAY;
  }
  // The stream's own dates outrank the reference clock when that clock is behind them (a replay's stale mtime).
  const limit = (streamTime === null || streamTime < now ? now : streamTime) + TIME_OF_DAY_SKEW_MS;
  if (t > limit) t -= Math.ceil((t - limit) / DAY) * DAY;
  return t;
}

/** A time of day placed on the local day (in `zone`) of `ref`. */
function onDayOf(ref: number, timeOfDay: number, zone: Zone): number {
  const d = new Date(ref);
  // Local date of ref in the zone: find it through the zone's offset at ref.
  const offset =
    ref -
    zone.toEpoch(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    );
  const local = new Date(ref + offset);
  const h = Math.floor(timeOfDay / 3_600_000);
  const mi = Math.floor(timeOfDay / 60_000) % 60;
  const sec = Math.floor(timeOfDay / 1000) % 60;
  return zone.toEpoch(
    local.getUTCFullYear(),
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    h,
    mi,
    sec,
    timeOfDay % 1000,
  );
}
