import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mask, maskByRegex, renderTime, timeTemplate, unmask } from './log-encode.ts';

describe('store: line encoding', () => {
  test('messages split into a template and arguments that rebuild the same text', () => {
    for (const msg of [
      'Request: [192.168.1.23:45231 (Subnet)] GET /library/metadata/8812?includeConcerts=1 (12 live) #a3f1 TLS',
      'no numbers at all',
      '',
      'uuid 550e8400-e29b-41d4-a716-446655440000 and 0x7f70a5bfe700 done',
      '  spaces  and 12  ',
    ]) {
      const m = mask(msg);
      assert.ok(m);
      assert.equal(unmask(m.template, m.args), msg);
    }
    assert.equal(
      mask('Request: [10.0.0.1:80] GET /a/1')?.template,
      mask('Request: [10.0.0.9:443] GET /a/77')?.template,
    );
    assert.equal(mask('has \u0002 marker'), null);
  });

  test('the one-pass mask equals the regex it replaces, on edge cases and generated texts', () => {
    const texts = ['', '1', 'a', 'abc', 'a1', '1a', 'dead beef 0', 'x0x', 'ff:ff:1f', 'é1é', '12é34', 'Fa9 G9 g'];
    let seed = 7;
    const alphabet = '0123456789abcdefABCDEFgxyzG :-./#é\u00ff\u4e2d';
    for (let i = 0; i < 5000; i++) {
      let t = '';
      for (let k = (i % 40) + 1; k > 0; k--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        t += alphabet[seed % alphabet.length];
      }
      texts.push(t);
    }
    for (const t of texts) assert.deepEqual(mask(t), maskByRegex(t), JSON.stringify(t));
  });

  test('timestamps in prefixes become templates rebuilt from the record time and its zone offset', () => {
    const t = Date.UTC(2024, 4, 1, 18, 0, 0, 123);
    const cases: Array<[string, number]> = [
      ['May 01, 2024 18:00:00.123 [0x7f70a5bfe700] DEBUG - ', t],
      ['May 01, 2024 20:00:00.123 [12] INFO - ', t], // written at UTC+2
      ['2024-05-01 18:00:00.1|Info|Scheduler|', Date.UTC(2024, 4, 1, 18, 0, 0, 100)],
      ['[2024-05-01 13:00:00.123 -05:00] [ERR] ', t], // written at UTC-5
      ['2024-05-01T18:00:00,123 ', t],
      ['2024-05-01 18:00:00 - waitress ', Date.UTC(2024, 4, 1, 18, 0, 0)],
    ];
    for (const [prefix, time] of cases) {
      const tpl = timeTemplate(prefix, time);
      assert.ok(tpl, prefix);
      assert.ok(!tpl.includes('2024'), tpl);
      assert.equal(renderTime(tpl, time), prefix);
    }
    // Same shape, other second: the same template.
    assert.equal(
      timeTemplate('May 01, 2024 18:00:00.123 [7] DEBUG - ', t),
      timeTemplate('May 01, 2024 18:00:09.999 [7] DEBUG - ', t + 9876),
    );
    // Time the record does not carry (microseconds, a wrong time): no template.
    assert.equal(timeTemplate('2024-05-01 18:00:00.1234567 x', t), null);
    assert.equal(timeTemplate('2024-05-01 18:00:07.123 x', t), null);
    assert.equal(timeTemplate('no time here', t), null);
  });
});
