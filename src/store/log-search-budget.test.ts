import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Level, LogRecord } from '../core/types.ts';
import { openDatabase } from './db.ts';
import type { LogQuery } from './log-reader.ts';
import { RecordStore } from './records.ts';

/** 3,000 lines that all say "transaction"; every 1,000th (the oldest first) is an error, the very first a fatal. */
function store(): RecordStore {
  const s = new RecordStore(openDatabase(':memory:'));
  s.migrate();
  const records: LogRecord[] = [];
  for (let n = 1; n <= 3000; n++) {
    const level: Level = n === 1 ? 'fatal' : n % 1000 === 1 ? 'error' : 'info';
    records.push({
      time: n * 1000,
      timeExact: true,
      level,
      app: 'sonarr',
      source: n % 2 ? 'tv' : 'tv-4k',
      message: `transaction ${n} committed`,
      raw: `transaction ${n} committed`,
      lines: 1,
    });
  }
  s.commit({ records, checkpoints: [], forget: [], at: 0 });
  return s;
}

/** Follows the pages of a search with no time at all (each page looks at the clock once, after 256 candidates). */
function allPages(s: RecordStore, q: LogQuery): { ids: number[]; pages: number } {
  const ids: number[] = [];
  let before: number | undefined;
  for (let pages = 1; pages < 10_000; pages++) {
    const page = s.logs.searchPage({ ...q, ...(before !== undefined ? { before } : {}) }, 0);
    ids.push(...page.lines.map((l) => l.id));
    const last = page.lines.at(-1);
    before = page.lines.length >= q.limit && last ? last.id : page.continueBelow;
    if (before === undefined) return { ids, pages };
  }
  throw new Error('the pages never ended');
}

test('a filtered search out of time answers what it found and where to go on; its pages add up to the whole search', () => {
  const s = store();
  const q: LogQuery = { text: 'transaction', levels: ['fatal'], limit: 50 };
  const first = s.logs.searchPage(q, 0);
  assert.deepEqual(first.lines, [], 'the newest 256 lines hold no fatal line');
  assert.equal(first.continueBelow, 2745, 'the next page starts below what was looked at');
  const paged = allPages(s, q);
  assert.equal(paged.pages, 12);
  assert.deepEqual(paged.ids, [1]);
  // With time enough, one page; without a filter, no windows at all.
  assert.deepEqual(
    s.logs.searchPage(q, Number.POSITIVE_INFINITY).lines.map((l) => l.id),
    [1],
  );
  assert.equal(s.logs.searchPage({ text: 'transaction', limit: 5 }, 0).lines.length, 5);
});

for (const [name, q] of [
  ['text, level and source', { text: 'transaction', levels: ['error', 'fatal'], sources: ['tv'], limit: 2 }],
  ['level alone, no text', { levels: ['error', 'fatal'], limit: 2 }],
  ['one source and a level, no text', { sources: ['tv'], levels: ['error', 'fatal'], limit: 1 }],
  ['a phrase and a time range', { text: '"1001 committed" OR "2001 committed"', from: 1_500_000, limit: 1 }],
] as Array<[string, LogQuery]>) {
  test(`paging in windows finds exactly what one unbounded search finds: ${name}`, () => {
    const s = store();
    const whole = s.logs.search({ ...q, limit: 10_000 }).map((l) => l.id);
    assert.ok(whole.length >= 1);
    assert.deepEqual(allPages(s, q).ids, whole);
    assert.deepEqual(
      s.logs.searchPage({ ...q, limit: 10_000 }, 60_000).lines.map((l) => l.id),
      whole,
      'with time enough, one page',
    );
  });
}

test('a malformed query is an error on an empty store too', () => {
  const s = new RecordStore(openDatabase(':memory:'));
  s.migrate();
  assert.throws(() => s.logs.searchPage({ text: '"open', levels: ['error'], limit: 5 }, 50), /unterminated/);
});
