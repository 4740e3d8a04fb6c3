import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLANTED_SHAPES } from '../../test/secrets-corpus.ts';
import { clearSecrets, MASK, redact, redactEveryShape, redactRecord, registerSecret, SHAPES } from './redact.ts';

// The fast path: `redact` skips a shape when its `need` is absent, and every shape when none is. These prove that
// skipping never changes the answer, on every catalogue example, every planted line and generated near-misses.

const SEPARATORS = ['@', '%40', ':', '%3A', '=', '%3D', '&', '%26', ' ', '/', '"', "'", '\\', '\n', ';', ','];

/**
 * Texts around each planted line: the line, its prefixes and suffixes, its upper- and lower-case forms, and the line
 * with each separator in it swapped for each other separator (`user:pass@host` → `user:pass%40host`).
 */
function variants(line: string): string[] {
  const out = [line, line.toUpperCase(), line.toLowerCase()];
  for (let i = 1; i < line.length; i++) out.push(line.slice(0, i), line.slice(i));
  for (const from of SEPARATORS) {
    for (let at = line.indexOf(from); at >= 0; at = line.indexOf(from, at + 1)) {
      for (const to of SEPARATORS) if (to !== from) out.push(line.slice(0, at) + to + line.slice(at + from.length));
    }
  }
  return out;
}

const FRAGMENTS = [
  'token',
  'Token',
  'X-Plex-Token',
  'api_key',
  'apikey',
  'passwd',
  'password',
  'pass',
  'pw',
  'sid',
  'secret',
  'auth',
  'Authorization',
  'proxy-authorization',
  'Bearer',
  'bearer',
  'Basic',
  'cookie',
  'Set-Cookie',
  'cookie2',
  '=',
  ':',
  ': ',
  '%3D',
  '%26',
  '&',
  '"',
  "'",
  '\\"',
  '\\',
  ' ',
  '  ',
  '\t',
  '\n',
  '@',
  '%40',
  '%3A',
  '%3A%2F%2F',
  '://',
  'http',
  'mqtt',
  '/',
  '?',
  ';',
  ',',
  'discord.com/api/webhooks/',
  'hooks.slack.com/services/',
  'T000/',
  'bot',
  '123456789',
  '0123456789abcdef0123456789abcdef',
  '/announce',
  'eyJhbGciOiJIUzI1NiJ9',
  '.',
  'tk_',
  'ghp_',
  'xoxb-',
  'AKIA',
  'ABCDEFGHIJKLMNOP',
  'abcdefghijklmnopqrstuvwxyz0123',
  '1234567:AA-h_x-yz_abcdefghijklmnopqrstuvwx',
  'Pl4ntedV4lue99',
  '-----BEGIN ',
  'PRIVATE KEY',
  '-----',
  '-----END ',
  'RSA ',
  '[redacted]',
  '(removed)',
  'Signed-in',
  '(user1)',
  'MediaBrowser',
  'user',
  'x',
];

/** Texts joined from the fragments above, from a fixed seed (the same texts on every run). */
function generated(count: number): string[] {
  let seed = 0x2545f491;
  const next = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = '';
    for (let k = 2 + next(10); k > 0; k--) t += FRAGMENTS[next(FRAGMENTS.length)];
    out.push(t);
  }
  return out;
}

/** Whether a regex source holds an anchor, a word boundary or a lookaround (outside character classes). */
function anchored(source: string): boolean {
  const outside = source.replace(/\[(?:\\.|[^\]\\])*\]/g, '[]');
  for (const [esc] of outside.matchAll(/\\./g)) if (esc === '\\b' || esc === '\\B') return true;
  return /\^|\$|\(\?<?[=!]/.test(outside.replace(/\\./g, ''));
}

test("each shape's need holds no anchor, boundary or lookaround (a part of a text cannot match where it does not)", () => {
  for (const bad of ['\\bx', 'x\\B', '^x', 'x$', 'x(?=y)', 'x(?!y)', '(?<!y)x', '(?<=y)x'])
    assert.ok(anchored(bad), bad);
  for (const good of ['[^/\\s]*', '\\^\\$', '(?:a|b)', '[$^]', '\\\\b']) assert.ok(!anchored(good), good);
  for (const s of SHAPES) assert.ok(!anchored(s.need.source), s.name);
});

test('the fast path never skips a shape: every text a shape matches holds its need', () => {
  clearSecrets();
  const texts = [
    ...SHAPES.flatMap((s) => variants(s.example)),
    ...PLANTED_SHAPES.flatMap((p) => variants(p.line)),
    ...generated(20_000),
  ];
  assert.ok(texts.length > 25_000);
  const matched = new Map<string, number>();
  for (const text of texts) {
    for (const s of SHAPES) {
      s.re.lastIndex = 0;
      if (!s.re.test(text)) continue;
      matched.set(s.name, (matched.get(s.name) ?? 0) + 1);
      assert.ok(s.need.test(text), `${s.name} matches ${JSON.stringify(text)} without its need`);
    }
  }
  // Every shape was reached many times (a test that matched nothing would prove nothing).
  for (const s of SHAPES) assert.ok((matched.get(s.name) ?? 0) >= 20, `${s.name}: ${matched.get(s.name) ?? 0} texts`);
});

test('redact with the fast path equals every shape applied, on the catalogue, the planted corpus and generated texts', () => {
  clearSecrets();
  const texts = [
    ...SHAPES.flatMap((s) => variants(s.example)),
    ...PLANTED_SHAPES.flatMap((p) => variants(p.line)),
    ...generated(20_000),
  ];
  for (const text of texts) assert.equal(redact(text), redactEveryShape(text), JSON.stringify(text));
  for (const p of PLANTED_SHAPES) assert.ok(!redact(p.line).includes(p.secret), p.kind);
  registerSecret('hunter2hunter2');
  for (const text of ['x hunter2hunter2 y', 'token=hunter2hunter2', 'aGVsbG8=hunter2hunter2']) {
    assert.equal(redact(text), redactEveryShape(text));
  }
  clearSecrets();
});

test('a password before %40 in a plain URL is masked even with no other hint in the line', () => {
  clearSecrets();
  assert.equal(redact('login http://bob:hunter2zz%40host/x'), `login http://bob:${MASK}%40host/x`);
});

test('redactRecord: a message that is not part of raw is redacted on its own, even when raw is clean', () => {
  clearSecrets();
  // A JSON log line: raw holds the escaped form, the parser unescaped the message.
  const rec = {
    raw: '{"msg":"login with token\\u003dPl4ntedV4lue99"}',
    message: 'login with token=Pl4ntedV4lue99',
    exception: { message: 'failed for password=Pl4ntedV4lue98', stack: ' at x?api_key=Pl4ntedV4lue97' },
  };
  redactRecord(rec);
  assert.equal(rec.raw, '{"msg":"login with token\\u003dPl4ntedV4lue99"}');
  assert.doesNotMatch(JSON.stringify(rec.message) + JSON.stringify(rec.exception), /Pl4nted/);
  // Parts of a clean raw stay as they are; every record of the planted corpus is masked in every field.
  const clean = { raw: 'Request: GET /x Signed-in Token (user1)', message: 'GET /x Signed-in Token (user1)' };
  redactRecord(clean);
  assert.deepEqual(clean, {
    raw: 'Request: GET /x Signed-in Token (user1)',
    message: 'GET /x Signed-in Token (user1)',
  });
  for (const p of PLANTED_SHAPES) {
    const r = { raw: `Jan 01 00:00:00 [0x1] ERROR - ${p.line}`, message: p.line };
    redactRecord(r);
    assert.ok(!r.raw.includes(p.secret) && !r.message.includes(p.secret), p.kind);
  }
});
