/**
 * Test and bench helper: a panel fixture with 2,000 tracked issues and a real hourly counts table for 10M stored lines
 * (30 days × 10 sources × 3 levels), with the log search and the hourly reads counted.
 */
import { Counts } from '../../store/counts.ts';
import { openDatabase } from '../../store/db.ts';
import { panelFixture } from './testing.ts';

export const HOUR = 3_600_000;

export function overviewAtScale() {
  const fixture = panelFixture({}, { issues: 2000 });
  const db = openDatabase(':memory:');
  const counts = new Counts(db);
  counts.migrate();
  const nowHour = Math.floor(fixture.clock.now() / HOUR);
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
  const ranges: Array<{ from: number; to: number }> = [];
  fixture.deps.hourly = (q) => {
    ranges.push({ from: q.from, to: q.to });
    return counts.hourly(q);
  };
  let searches = 0;
  fixture.deps.logs = {
    search: () => {
      searches++;
      return { lines: [] };
    },
    isQueryError: () => false,
  };
  return { fixture, total, ranges, searches: () => searches, close: () => db.close() };
}
