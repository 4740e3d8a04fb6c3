import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearSecrets, MASK, redact, redactDeep, redactRecord, registerSecret } from './redact.ts';

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
