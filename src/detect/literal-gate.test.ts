import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusCases, replayFile } from '../../test/corpus.ts';
import { Bigrams, literalGate, passesGate, passesGateWith } from './literal-gate.ts';
import { BUILT_IN_RULES } from './rules/index.ts';

const any = (re: RegExp) => literalGate(re)?.any ?? null;

describe('literalGate', () => {
  test('one literal per top-level alternative, the longest required run of each', () => {
    assert.deepEqual(any(/Cannot load libcuda|Could not dynamically load CUDA/), [
      'Cannot load libcuda',
      'Could not dynamically load CUDA',
    ]);
    assert.deepEqual(any(/^Indexer (.+?) rss sync didn't cover the period/), [" rss sync didn't cover the period"]);
    assert.deepEqual(any(/Held transaction for too long \([^)]*\): ([\d.]+) seconds/), [
      'Held transaction for too long (',
    ]);
  });

  test('optional characters and groups are not required; `+` and `{n}` keep one', () => {
    assert.deepEqual(any(/colou?r scheme/), ['r scheme']);
    assert.deepEqual(any(/abcx*defgh/), ['defgh']);
    assert.deepEqual(any(/abcdx{0,2}ef/), ['abcd']);
    assert.deepEqual(any(/abcdx{2}ef/), ['abcdx']);
    assert.deepEqual(any(/abcde+fg/), ['abcde']);
    assert.deepEqual(any(/abc(?:xyz)?defg/), ['defg']);
    assert.deepEqual(any(/abc[|]defg/), ['defg']);
    assert.deepEqual(any(/abc(?:x|y)defg/), ['defg']);
  });

  test('escaped punctuation is literal; class escapes end a run', () => {
    assert.deepEqual(any(/api\.radarr\.video/), ['api.radarr.video']);
    assert.deepEqual(any(/Error\s+401 Unauthorized/), ['401 Unauthorized']);
  });

  test('case-insensitive patterns get lowercased literals', () => {
    assert.deepEqual(literalGate(/Database Is Locked|SQLITE_BUSY/i), {
      any: ['database is locked', 'sqlite_busy'],
      lower: true,
      bigrams: literalGate(/Database Is Locked|SQLITE_BUSY/i)?.bigrams,
    });
  });

  test('no gate when unsure or not worth it', () => {
    assert.equal(literalGate(/(?:)/), null, 'empty');
    assert.equal(literalGate(/^(?!HttpClient$)/), null, 'only a group');
    assert.equal(literalGate(/foo|\d+/), null, 'an alternative without a literal');
    assert.equal(literalGate(/ab/), null, 'too short');
    assert.equal(literalGate(/abc\x41def/), null, 'hex escape');
    assert.equal(literalGate(/(abc)\1def/), null, 'back-reference');
    assert.equal(literalGate(/straße/iu), null, 'unicode case folding');
    assert.equal(literalGate(/café au lait/i), null, 'non-ASCII literal under i');
  });
});

describe('Bigrams', () => {
  test('every substring of the loaded text may be contained; a missing bigram rules a literal out', () => {
    const b = new Bigrams();
    const text = 'not enough free space (1048576) to import';
    b.load(text);
    const gate = literalGate(/enough free|no space left/i);
    assert.ok(gate);
    assert.equal(passesGateWith(gate, text, b), true);
    const miss = literalGate(/no space left|read-only/i);
    assert.ok(miss);
    assert.equal(passesGateWith(miss, text, b), false);
  });
});

/** Every gate of the built-in library, against every field of every record of the real corpus. */
describe('gates are sound on the real corpus', () => {
  const texts = new Set<string>();
  for (const c of corpusCases()) {
    for (const r of replayFile(c.path, c.app).records) {
      texts.add(r.message);
      if (r.logger) texts.add(r.logger);
      if (r.exception) {
        texts.add(r.exception.type);
        texts.add(r.exception.message);
      }
    }
  }

  test(`no text a pattern matches is turned away by its gate (${texts.size} texts)`, () => {
    const bigrams = new Bigrams();
    let gated = 0;
    let matched = 0;
    for (const rule of BUILT_IN_RULES) {
      for (const field of ['message', 'logger', 'exceptionType', 'exceptionMessage', 'text'] as const) {
        const p = rule[field];
        if (p === undefined) continue;
        const re = typeof p === 'string' ? new RegExp(p, rule.flags ?? 'i') : p;
        const gate = literalGate(re);
        if (!gate) continue;
        gated++;
        for (const t of texts) {
          if (!re.test(t)) continue;
          matched++;
          const lowered = t.toLowerCase();
          const subject = gate.lower ? lowered : t;
          assert.ok(passesGate(gate, subject), `${rule.id} (${field}) gate rejects a match: ${t}`);
          bigrams.load(lowered);
          assert.ok(passesGateWith(gate, subject, bigrams), `${rule.id} (${field}) bigrams reject a match: ${t}`);
        }
      }
    }
    assert.ok(gated >= 40, `most patterns are gated (${gated})`);
    assert.ok(matched > 100, `the corpus exercises the gates (${matched} matches)`);
  });
});
