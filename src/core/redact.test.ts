import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLANTED_SHAPES } from '../../test/secrets-corpus.ts';
import {
  clearSecrets,
  MASK,
  redact,
  redactDeep,
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
