import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusCases, replayFile } from '../../test/corpus.ts';
import { LEVEL_RANK, type LogRecord } from '../core/types.ts';
import { Classifier, sameShape, shapeHash } from './classifier.ts';
import { fingerprintUncached, ruleFingerprint } from './fingerprint.ts';
import { RuleEngine } from './rule-engine.ts';
import type { RuleDefinition } from './rules/types.ts';

/** What the detector did before templates were remembered: the first matching rule, the fingerprint from scratch. */
function reference(
  rec: LogRecord,
  builtIn?: readonly RuleDefinition[],
  unmatchedWarnings = false,
): { rule?: string; fp?: string } {
  const rank = LEVEL_RANK[rec.level];
  const rule = new RuleEngine([], {}, builtIn).find(rec, rank);
  if (rule?.group === 'rule') return { rule: rule.id, fp: ruleFingerprint(rec.app, rule.id) };
  if (!rule && rank < LEVEL_RANK.error && !(rec.level === 'warn' && unmatchedWarnings)) return {};
  const fp = fingerprintUncached({
    app: rec.app,
    logger: rec.logger,
    exceptionType: rec.exception?.type,
    message: rec.message,
    ruleId: rule?.id,
  });
  return rule ? { rule: rule.id, fp } : { fp };
}

function classified(c: Classifier, rec: LogRecord): { rule?: string; fp?: string } {
  const { rule, fp } = c.classify(rec, LEVEL_RANK[rec.level]);
  return { ...(rule ? { rule: rule.id } : {}), ...(fp ? { fp } : {}) };
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
    const c = new Classifier(new RuleEngine(), false);
    let seed = 3;
    const digit = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String(1 + (seed % 9));
    };
    let n = 0;
    for (const cc of corpusCases()) {
      for (const r of replayFile(cc.path, cc.app).records) {
        if (LEVEL_RANK[r.level] < LEVEL_RANK.warn) continue;
        for (const message of [r.message, r.message.replace(/[1-9]/g, digit), r.message.replace(/[1-9]/g, digit)]) {
          const x = { ...r, message };
          assert.deepEqual(classified(c, x), reference(x), `${cc.path}: ${message.slice(0, 120)}`);
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
    const c = new Classifier(new RuleEngine([], {}, rules), false);
    for (const m of ['Error 401 from plex.tv', 'Error 402 from plex.tv', 'Error 401 from plex.tv', 'Error 999 from x'])
      assert.deepEqual(classified(c, rec(m)), reference(rec(m), rules), m);
  });

  test('a fingerprint that keeps digits is never reused for another message of the shape', () => {
    const c = new Classifier(new RuleEngine(), false);
    const a = classified(c, rec('Cannot open codec h264 for stream'));
    const b = classified(c, rec('Cannot open codec h265 for stream'));
    assert.notEqual(a.fp, b.fp);
    assert.deepEqual(b, reference(rec('Cannot open codec h265 for stream')));
  });

  test('level, app and logger are part of a template', () => {
    const c = new Classifier(new RuleEngine(), true);
    for (const r of [
      rec('Something odd 12 happened', { level: 'error' }),
      rec('Something odd 13 happened', { level: 'warn' }),
      rec('Something odd 14 happened', { level: 'warn', app: 'radarr', logger: 'A' }),
      rec('Something odd 15 happened', { level: 'warn', app: 'radarr', logger: 'B' }),
    ])
      assert.deepEqual(classified(c, r), reference(r, undefined, true));
  });
});

describe('digit shapes', () => {
  test('fold digits 1-9 only', () => {
    assert.ok(sameShape('retry 3 of 10', 'retry 7 of 10'));
    assert.ok(sameShape('retry 3 of 10', 'retry 7 of 20'));
    assert.ok(!sameShape('retry 3 of 10', 'retry 3 of 13'), 'a 0 is kept');
    assert.ok(!sameShape('retry 3 of 10', 'retry 3 of 100'));
    assert.ok(!sameShape('abc', 'abd'));
    assert.equal(shapeHash('item 123'), shapeHash('item 987'));
    assert.notEqual(shapeHash('item 123'), shapeHash('item 103'));
  });
});
