import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createQbittorrentParser } from './qbittorrent.ts';
import { assertNoForeignHeaders, ctxFor, parserHarness, testNotHeaders } from './testing.ts';
import { fixedZone, UTC } from './time.ts';

const { header } = parserHarness(createQbittorrentParser);

describe('qbittorrent headers', () => {
  test('type letter, local time without fraction, message', () => {
    const h = header('(N) 2025-06-27T10:31:52 - qBittorrent v5.1.0 started. Process ID: 6208');
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2025, 5, 27, 10, 31, 52));
    assert.equal(h.level, 'info');
    assert.equal(h.message, 'qBittorrent v5.1.0 started. Process ID: 6208');
    assert.equal(h.logger, undefined);
  });

  test('(N) info, (I) debug, (W) warn, (C) fatal', () => {
    const lv = ['N', 'I', 'W', 'C'].map((t) => header(`(${t}) 2022-01-28T18:25:13 - x`)?.level);
    assert.deepEqual(lv, ['info', 'debug', 'warn', 'fatal']);
  });

  test('the zone applies, per-second cache keyed on it', () => {
    const p = createQbittorrentParser();
    const line = '(W) 2025-09-02T21:38:53 - File error alert.';
    assert.equal(p.header(line, ctxFor(fixedZone(120)))?.time, Date.UTC(2025, 8, 2, 19, 38, 53));
    assert.equal(p.header(line, ctxFor(UTC))?.time, Date.UTC(2025, 8, 2, 21, 38, 53));
  });

  test('brackets, parentheses and quotes in the message are kept', () => {
    const h = header(
      '(W) 2025-09-02T21:38:53 - File error alert. Torrent: "[SubsPlease] One Piece - 1124 (1080p) [A40FF450].mkv".',
    );
    assert.equal(h?.message, 'File error alert. Torrent: "[SubsPlease] One Piece - 1124 (1080p) [A40FF450].mkv".');
  });
});

describe('qbittorrent near misses', () => {
  const misses = [
    '(E) 2022-01-28T15:11:23 - unknown type letter',
    '(N) 2022-01-28 15:11:23 - space instead of T',
    '(N) 2022-01-28T15:11:23.123 - fraction',
    '(N)2022-01-28T15:11:23 - no space',
    '(1080p) [A40FF450].mkv',
    '2022-01-28T15:11:23 - no type',
    '',
  ];
  testNotHeaders(header, misses);
});

test('no line of another app in the corpus is a qBittorrent header', () => {
  assertNoForeignHeaders(createQbittorrentParser());
});
