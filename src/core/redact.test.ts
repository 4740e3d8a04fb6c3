import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLANTED_SHAPES } from '../../test/secrets-corpus.ts';
import {
  clearSecrets,
  MASK,
  redact,
  redactDeep,
  redactEveryShape,
  redactRecord,
  registerCredentials,
  registerSecret,
  registerUrlSecrets,
  SHAPES,
} from './redact.ts';

test('Plex tokens, API keys and passwords in URLs and headers are masked', () => {
  // From the corpus (plex/pms-transcoder-ffmpeg-stderr-kube-2023.log): a token in a transcoder URL.
  const line =
    '[tcp @ 0x7fdf1d4f5e80] Starting connection attempt to 10.0.0.5 port 32400: http://10.0.0.5:32400/video/:/transcode/session/x/progress?X-Plex-Token=abcDEF123xyz&level=3';
  const out = redact(line);
  assert.doesNotMatch(out, /abcDEF123xyz/);
  assert.match(out, /X-Plex-Token=\[redacted\]&level=3/);
  assert.equal(redact('GET /Items?api_key=0123456789abcdef HTTP/1.1'), `GET /Items?api_key=${MASK} HTTP/1.1`);
  assert.equal(redact('Authorization: Bearer eyJhbGciOi.x.y'), `Authorization: Bearer ${MASK}`);
  assert.equal(redact('mqtt://arrgus:hunter22@broker:1883'), `mqtt://arrgus:${MASK}@broker:1883`);
  assert.equal(redact('"apiKey": "0123456789abcdef"'), `"apiKey": "${MASK}"`);
});

test('values the *arr apps already cleansed stay as they are', () => {
  assert.equal(redact('http://x/api?apikey=(removed)&t=1'), 'http://x/api?apikey=(removed)&t=1');
});

test('registered secrets are masked wherever they appear, even without a hint', () => {
  clearSecrets();
  registerSecret('s3cr3tvalue');
  assert.equal(redact('connecting with s3cr3tvalue now'), `connecting with ${MASK} now`);
  const rec = { message: 'plain s3cr3tvalue', raw: 'line s3cr3tvalue' };
  redactRecord(rec);
  assert.deepEqual(rec, { message: `plain ${MASK}`, raw: `line ${MASK}` });
  clearSecrets();
});

test('redactRecord leaves records without secrets untouched and masks those with one', () => {
  const clean = { message: 'Scanner: Processing directory /tv', raw: 'Scanner: Processing directory /tv' };
  redactRecord(clean);
  assert.equal(clean.message, 'Scanner: Processing directory /tv');
  const dirty = {
    message: 'Request: GET /library?X-Plex-Token=zzzz1111',
    raw: 'Request: GET /library?X-Plex-Token=zzzz1111',
    exception: { message: 'token=abcd1234 failed', stack: '  at x?token=abcd1234' },
  };
  redactRecord(dirty);
  assert.doesNotMatch(JSON.stringify(dirty), /zzzz1111|abcd1234/);
});

test('redactDeep masks secret-named keys and redacts strings', () => {
  assert.deepEqual(redactDeep({ password: 'pw', nested: { apiKey: 'k', url: 'http://u:p@h/' }, list: ['x'] }), {
    password: MASK,
    nested: { apiKey: MASK, url: `http://u:${MASK}@h/` },
    list: ['x'],
  });
});

test('every shape of the catalogue masks its own example', () => {
  clearSecrets();
  for (const shape of SHAPES) {
    const secret = shape.secret ?? 'PLANTED';
    assert.ok(shape.example.includes(secret), shape.name);
    const out = redact(shape.example);
    assert.ok(!out.includes(secret), `${shape.name}: ${out}`);
    assert.ok(out.includes(MASK), shape.name);
  }
});

test('planted corpus: every planted secret shape is masked, and clean lines keep their text', () => {
  clearSecrets();
  const leaks = PLANTED_SHAPES.filter((p) => redact(p.line).includes(p.secret)).map(
    (p) => `${p.kind}: ${redact(p.line)}`,
  );
  assert.deepEqual(leaks, []);
  assert.ok(PLANTED_SHAPES.length >= 40);
  for (const p of PLANTED_SHAPES) assert.ok(p.secret.length >= 8 && p.line.includes(p.secret), p.kind);
  const clean = [
    'Scanner: Processing directory /tv/Show (2020)/Season 1',
    'Transcoder: 1920x1080 h264 -> hevc at key frame 12',
    'Jellyfin.Api.Auth.DefaultAuthorizationPolicy: user authorized',
    'Tokenizer failed on http://host:8080/path',
  ];
  for (const c of clean) assert.equal(redact(c), c);
});

test('registered secrets are masked in every encoding: URL-encoded, JSON-escaped, base64, base64 of user:pass', () => {
  clearSecrets();
  const pass = 'p@ss/w0rd "quoted"';
  registerCredentials('arrgus', pass);
  const basic = Buffer.from(`arrgus:${pass}`).toString('base64');
  const plain = Buffer.from(`\0arrgus\0${pass}`).toString('base64');
  for (const text of [
    `raw ${pass} end`,
    `url ${encodeURIComponent(pass)} end`,
    `lower ${encodeURIComponent(pass).toLowerCase()} end`,
    `json ${JSON.stringify({ x: pass })}`,
    `b64 ${Buffer.from(pass).toString('base64')}`,
    `header Basic ${basic}`,
    `smtp AUTH PLAIN ${plain}`,
  ]) {
    const out = redact(text);
    for (const bad of [pass, encodeURIComponent(pass), basic, plain, 'w0rd'])
      assert.ok(!out.includes(bad), `${text} → ${out}`);
  }
  clearSecrets();
});

test('URL secrets: user info, secret-named query values and credential-like path segments are registered', () => {
  clearSecrets();
  registerUrlSecrets('https://u:hunter2hunter2@example.com/hook/a1b2c3d4e5f6g7h8?topic=alerts&token=qwertyuiop');
  const out = redact('Cannot POST /hook/a1b2c3d4e5f6g7h8 (hunter2hunter2) qwertyuiop topic alerts');
  assert.equal(out, `Cannot POST /hook/${MASK} (${MASK}) ${MASK} topic alerts`);
  clearSecrets();
});

test('redactDeep masks numbers and strings under secret names', () => {
  assert.deepEqual(redactDeep({ apiKey: 12345678, passphrase: 'x y', client_secret: 's', port: 80 }), {
    apiKey: MASK,
    passphrase: MASK,
    client_secret: MASK,
    port: 80,
  });
});

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
