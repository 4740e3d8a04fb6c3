import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusCases, replayFile } from '../../test/corpus.ts';
import { LEVEL_RANK, type LogRecord } from '../core/types.ts';
import { Classifier } from './classifier.ts';
import { RuleEngine } from './rule-engine.ts';
import type { RuleDefinition } from './rules/types.ts';
import { sameShape, shapeHash, shapeOf } from './shape.ts';

type Seen = { rule?: string; fp?: string; category: string; evidence: string; entities: string };

function classified(c: Classifier, rec: LogRecord): Seen {
  const r = c.classify(rec, LEVEL_RANK[rec.level]);
  return {
    ...(r.rule ? { rule: r.rule.id } : {}),
    ...(r.fp ? { fp: r.fp } : {}),
    category: r.category,
    evidence: `${r.evidence.layer} ${r.evidence.detail}`,
    entities: JSON.stringify(r.entities),
  };
}

const OPTS = { unmatchedWarnings: true, uncategorizedWarnings: true };

/** A remembering classifier and the reference (every record from scratch), fed the same records in the same order. */
function pair(rules?: readonly RuleDefinition[]) {
  const engine = () => (rules ? new RuleEngine([], {}, rules) : new RuleEngine());
  const cached = new Classifier(engine(), OPTS);
  const reference = new Classifier(engine(), { ...OPTS, remember: false });
  return (r: LogRecord) => [classified(cached, r), classified(reference, r)] as const;
}

const rec = (message: string, extra: Partial<LogRecord> = {}): LogRecord => ({
  time: 0,
  timeExact: true,
  level: 'error',
  app: 'plex',
  source: 'plex',
  message,
  raw: message,
  lines: 1,
  ...extra,
});

describe('Classifier', () => {
  test('remembered templates classify the real corpus and digit variants of it as from scratch', () => {
    const both = pair();
    let seed = 3;
    const digit = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String(seed % 10);
    };
    let n = 0;
    for (const cc of corpusCases()) {
      for (const r of replayFile(cc.path, cc.app).records) {
        if (LEVEL_RANK[r.level] < LEVEL_RANK.warn) continue;
        for (const message of [r.message, r.message.replace(/\d/g, digit), r.message.replace(/\d/g, digit)]) {
          const x = { ...r, message };
          const [got, want] = both(x);
          assert.deepEqual(got, want, `${cc.path}: ${message.slice(0, 120)}`);
          n++;
        }
      }
    }
    assert.ok(n > 300, `enough records (${n})`);
  });

  test('a rule that names a digit is tried again for every message of a template', () => {
    const rules: RuleDefinition[] = [
      ...Array.from({ length: 6 }, (_, i) => ({
        id: `filler.rule-${i}`,
        // Three literals each: a busy table, as the built-in WARN/ERROR ones are.
        message: `never matches ${'abcdef'[i]}|never appears ${'abcdef'[i]}|not here ${'abcdef'[i]}`,
        category: 'disk',
        severity: 'low' as const,
        title: 'filler',
      })),
      { id: 'auth.code', message: /Error 401 from/, category: 'auth', severity: 'high', title: '401' },
      { id: 'network.code', message: /Error \d+ from/, category: 'network', severity: 'low', title: 'other' },
    ];
    const both = pair(rules);
    for (const m of [
      'Error 401 from plex.tv',
      'Error 402 from plex.tv',
      'Error 401 from plex.tv',
      'Error 999 from x',
    ]) {
      const [got, want] = both(rec(m));
      assert.deepEqual(got, want, m);
    }
  });

  test('a rule literal ending in 0 is looked for both ways: before an x the shape keeps the 0', () => {
    const rules: RuleDefinition[] = [
      { id: 'media.ten', message: /code 10/, category: 'transcode', severity: 'high', title: 'ten' },
    ];
    const both = pair(rules);
    for (const m of ['code 20x failed here', 'code 10x failed here', 'code 30x failed here', 'code 10 failed here']) {
      const [got, want] = both(rec(m));
      assert.deepEqual(got, want, m);
    }
  });

  test('a rule that needs an exception is not tried again for templates of records without one', () => {
    const rules: RuleDefinition[] = [
      {
        id: 'db.io',
        exceptionType: /sqlite/i,
        exceptionMessage: /error 10\b/i,
        category: 'database',
        severity: 'high',
        title: 'io',
      },
      { id: 'db.code', message: /SQLite Error 10\b/, category: 'database', severity: 'high', title: 'code' },
    ];
    const engine = new RuleEngine([], {}, rules);
    const r = rec('SQLite Error 11 while saving');
    engine.find(r, LEVEL_RANK.error);
    const index = engine.lastIndex;
    const again = engine.toRecheck(r, LEVEL_RANK.error, index, shapeOf(r.message).toLowerCase());
    const ids = again.map((i) => rules[i]?.id);
    assert.deepEqual(ids, ['db.code'], 'the exception rule cannot match any record of this template');
    const both = pair(rules);
    for (const m of ['SQLite Error 11 while saving', 'SQLite Error 10 while saving']) {
      const [got, want] = both(rec(m));
      assert.deepEqual(got, want, m);
    }
  });

  test('a fingerprint that keeps digits is never reused for another message of the shape', () => {
    const both = pair();
    const [a] = both(rec('HTTP 401 from plex.tv'));
    const [b, ref] = both(rec('HTTP 503 from plex.tv'));
    assert.equal(a.category, 'auth');
    assert.equal(b.category, 'network', 'a status code decides the category: never remembered per shape');
    assert.deepEqual(b, ref);
  });

  test('a number the code layer could read decides per record, whatever the first message of the shape said', () => {
    const both = pair();
    for (const m of [
      'Error 711 from plex.tv',
      'Error 511 from plex.tv',
      'Error 700 from plex.tv',
      'Error 401 from x',
    ]) {
      const [got, want] = both(rec(m));
      assert.deepEqual(got, want, m);
    }
    for (const m of ['exited with code 101', 'exited with code 137', 'exited with code 101']) {
      const [got, want] = both(rec(m, { app: 'sonarr' }));
      assert.deepEqual(got, want, m);
    }
  });

  test('messages whose ids and addresses hold zeros share one remembered template', () => {
    const engine = new RuleEngine();
    const c = new Classifier(engine, OPTS);
    const ref = new Classifier(new RuleEngine(), { ...OPTS, remember: false });
    const msgs = [
      "[Req#1b0] Failed to validate token for user 'kids' from 192.168.0.17: token is invalid or expired",
      "[Req#a02] Failed to validate token for user 'kids' from 192.168.1.20: token is invalid or expired",
      "[Req#f9e] Failed to validate token for user 'kids' from 192.168.2.99: token is invalid or expired",
    ];
    for (const m of msgs) assert.deepEqual(classified(c, rec(m)), classified(ref, rec(m)), m);
    // One template: the cache answers the second and third (the reference decides each from scratch).
    assert.equal(classified(c, rec(msgs[1] as string)).entities, classified(ref, rec(msgs[1] as string)).entities);
  });

  test('level, app and logger are part of a template', () => {
    const both = pair();
    const fps = new Set<string | undefined>();
    for (const r of [
      rec('Something odd 12 happened', { level: 'error' }),
      rec('Something odd 13 happened', { level: 'warn' }),
      rec('Something odd 14 happened', { level: 'warn', app: 'radarr', logger: 'A' }),
      rec('Something odd 15 happened', { level: 'warn', app: 'radarr', logger: 'B' }),
    ]) {
      const [got, want] = both(r);
      assert.deepEqual(got, want);
      fps.add(got.fp);
    }
    assert.equal(fps.size, 4);
  });

  test('records with the same exception but messages of different shapes are decided each on its own', () => {
    const both = pair();
    const ex = { type: 'System.UnauthorizedAccessException', message: 'Access to the path is denied.' };
    const [a] = both(rec("Couldn't import episode /tv/a.mkv", { app: 'sonarr', exception: ex }));
    const [b, ref] = both(rec('Unable to set date of file /t.mkv', { app: 'sonarr', exception: ex }));
    assert.equal("Couldn't import episode /tv/a.mkv".length, 'Unable to set date of file /t.mkv'.length);
    assert.deepEqual(b, ref);
    assert.notEqual(a.fp, b.fp);
  });

  test('entities of a remembered shape are read from the new message', () => {
    const both = pair();
    both(rec('Permission denied on /data/tv/Show/S01E02.mkv'));
    const [got, want] = both(rec('Permission denied on /data/tv/Show/S01E03.mkv'));
    assert.deepEqual(got, want);
    assert.match(got.entities, /S01E03/);
  });
});

describe('digit shapes', () => {
  test('fold every digit, but the 0 of 0x', () => {
    assert.ok(sameShape('retry 3 of 10', 'retry 7 of 10'));
    assert.ok(sameShape('retry 3 of 10', 'retry 7 of 20'));
    assert.ok(sameShape('retry 3 of 10', 'retry 3 of 13'), 'a 0 folds too');
    assert.ok(sameShape('from 192.168.0.12', 'from 192.168.1.42'));
    assert.ok(!sameShape('retry 3 of 10', 'retry 3 of 100'), 'the length is kept');
    assert.ok(!sameShape('at 0x1f', 'at 11x1f'), 'the 0 of 0x stays');
    assert.ok(!sameShape('at 0x1f', 'at 1x1f'));
    assert.ok(!sameShape('abc', 'abd'));
    assert.equal(shapeHash(shapeOf('item 123')), shapeHash(shapeOf('item 987')));
    assert.equal(shapeHash(shapeOf('item 123')), shapeHash(shapeOf('item 103')));
  });

  test('whole-token hex ids with a digit fold too; words and names do not', () => {
    assert.ok(sameShape('[Req#1bee] SLOW QUERY', '[Req#9c0f] SLOW QUERY'));
    assert.ok(sameShape('thread 0x7f70a5bfe700 died', 'thread 0x7f70913fa700 died'));
    assert.ok(!sameShape('codec dead1 failed', 'codec beef1 failed') === false, 'five hex with a digit is an id');
    assert.ok(!sameShape('a face is here', 'a fade is here'), 'no digit: a word');
    assert.ok(!sameShape('renderD128 busy', 'renderE128 busy'), 'inside a word: only digits fold');
    assert.equal(shapeOf('Req#1bee x').length, 'Req#1bee x'.length);
    assert.ok(sameShape('[Req#1be] x', '[Req#a9f] x'), 'after #, ids of any length fold');
    assert.ok(sameShape('[HCl#5b] x', '[HCl#c1] x'));
    assert.ok(!sameShape('[Req#abc] x', '[Req#a9f] x'), 'a word after # holds no digit');
    assert.ok(!sameShape('x1f done', 'x2e done'), 'elsewhere 4 characters at least');
  });
});
