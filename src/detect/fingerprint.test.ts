import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusCases, replayFile } from '../../test/corpus.ts';
import {
  fingerprint,
  fingerprintUncached,
  NORMALIZE_PATTERNS,
  normalizeLogger,
  normalizeMessage,
} from './fingerprint.ts';

const fp = (message: string, extra: { app?: string; logger?: string; exceptionType?: string } = {}) =>
  fingerprint({ app: extra.app ?? 'radarr', logger: extra.logger, exceptionType: extra.exceptionType, message });

describe('normalizeMessage', () => {
  const cases: Array<[string, string]> = [
    ['id 307e3bd1-e2a3-448f-960b-23f25aa9b8ff done', 'id <uuid> done'],
    ['id 307e3bd1e2a3448f960b23f25aa9b8ff done', 'id <uuid> done'],
    ['handle 0x7f4578f0fb38 and sha bf8c1b2b7a', 'handle <hex> and sha <hex>'],
    ['GET https://plex.tv/api/v2/features?X-Plex-Token=abc failed', 'GET <url> failed'],
    ['path /mnt/remotes/Plex/Movies/Titanic (1997)/Titanic (1997) Bluray-1080p.mkv (20949342827)', 'path <path> (<n>)'],
    ['by Radarr: I:\\Users\\Greg\\Complete\\movies\\Film 2017 bdrip x264 mkv\\', 'by Radarr: <path>'],
    ['from 192.168.1.12:8080 and [::1]:80 and fe80::1:2', 'from <ip> and <ip> and <ip>'],
    ['mail bob@example.com now', 'mail <email> now'],
    ['at 2024-01-02T10:11:12.123Z and 8/26/2019 6:38:55 AM', 'at <ts> and <ts>'],
    ['took 25907ms then 0.96 seconds, slow 0:00:00.5121974', 'took <duration> then <duration>, slow <time>'],
    ['Error in "TheMovieDb" for \'x y\'', 'Error in <str> for <str>'],
    ["Couldn't get features, retry 3 of 10", "Couldn't get features, retry <n> of <n>"],
    ['[HttpClient/HCl#5b] HTTP/1.1 h264_vaapi libcuda.so.1', '[HttpClient/HCl#<id>] HTTP/<n> h264_vaapi libcuda.so.1'],
  ];
  for (const [input, want] of cases) test(input, () => assert.equal(normalizeMessage(input), want));

  test('logger connection ids are stripped', () => {
    assert.equal(normalizeLogger('ImageService-0HNHJ4GLL15RV:00000006'), 'ImageService');
    assert.equal(normalizeLogger('DownloadedMovieImportService'), 'DownloadedMovieImportService');
  });
});

describe('fingerprint', () => {
  test('same template, different values: same fingerprint (real Radarr lines)', () => {
    const a = fp(
      'Not enough free space (1048576) to import: /mnt/remotes/Plex/Movies/Tag (2018)/Tag (2018) Bluray-1080p.mkv (8214147983)',
      { logger: 'FreeSpaceSpecification' },
    );
    const b = fp(
      "Not enough free space (1048576) to import: /mnt/remotes/Plex/Movies/The Hell of '63 (2009)/The Hell of '63 (2009) HDTV-1080p.mkv (7575406209)",
      { logger: 'FreeSpaceSpecification' },
    );
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{16}$/);
  });

  test('stable across calls, processes and cache eviction (a fixed value)', () => {
    const f = fp('Import failed, path does not exist or is not accessible by Radarr: I:\\Users\\Greg\\X', {
      logger: 'DownloadedMovieImportService',
    });
    for (let i = 0; i < 600; i++) fp(`filler ${i} ${'x'.repeat(i % 7)}${String.fromCharCode(97 + (i % 26))}`);
    assert.equal(
      fp('Import failed, path does not exist or is not accessible by Radarr: I:\\Users\\Greg\\X', {
        logger: 'DownloadedMovieImportService',
      }),
      f,
    );
    // Pinned: a change here splits every user's issues in two after an upgrade. Change only with a state migration.
    assert.equal(
      f,
      fingerprint({
        app: 'radarr',
        logger: 'DownloadedMovieImportService',
        message: 'Import failed, path does not exist or is not accessible by Radarr: D:\\other',
      }),
    );
  });

  test('app, logger and exception type are part of the identity', () => {
    const base = fp('Error processing request');
    assert.notEqual(fp('Error processing request', { app: 'emby' }), base);
    assert.notEqual(fp('Error processing request', { logger: 'Server' }), base);
    assert.notEqual(fp('Error processing request', { exceptionType: 'System.IO.IOException' }), base);
    assert.notEqual(fp('Error processing response'), base);
  });

  test('a long message is cut before normalising: the tail does not split issues', () => {
    const head = `HTTP Error ${'a'.repeat(700)}`;
    assert.equal(fp(`${head} tail one`), fp(`${head} tail two`));
  });

  test('the digit-shape cache never joins messages whose templates keep different digits', () => {
    // Same shape (digits 1-9 written 1), different templates: the digits survive normalising.
    assert.notEqual(fp('Cannot load libcuda.so.1'), fp('Cannot load libcuda.so.2'));
    assert.notEqual(fp('codec h264 failed'), fp('codec h265 failed'));
    assert.equal(fp('codec h264 failed'), fingerprintUncached({ app: 'radarr', message: 'codec h264 failed' }));
    // Same shape, digits replaced by placeholders: one template, one cache entry serves both.
    assert.equal(fp('retry 3 of 10 for item 4711'), fp('retry 7 of 10 for item 2938'));
    // `0` is kept in the shape: `0x…` is a hex value, `1x…` is not.
    assert.equal(
      fp('bad handle 0x1f in slot'),
      fingerprintUncached({ app: 'radarr', message: 'bad handle 0x1f in slot' }),
    );
    assert.equal(
      fp('bad handle 1x1f in slot'),
      fingerprintUncached({ app: 'radarr', message: 'bad handle 1x1f in slot' }),
    );
  });

  test('cached fingerprints equal uncached ones over the real corpus and digit variants of it', () => {
    let n = 0;
    let seed = 7;
    const digit = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String(1 + (seed % 9));
    };
    for (const c of corpusCases()) {
      for (const r of replayFile(c.path, c.app).records) {
        for (const message of [r.message, r.message.replace(/[1-9]/g, digit), r.message.replace(/[1-9]/g, digit)]) {
          const input = { app: r.app, logger: r.logger, exceptionType: r.exception?.type, message };
          assert.equal(fingerprint(input), fingerprintUncached(input), message);
          n++;
        }
      }
    }
    assert.ok(n > 1000, `enough messages (${n})`);
  });

  test('no normalising pattern names a digit from 1 to 9 (the digit-shape cache relies on it)', () => {
    for (const re of NORMALIZE_PATTERNS) {
      // Quantifier counts ({1,3}) are not characters; `0` is allowed (`0x`, `[0-9a-f]`), the shape keeps it.
      const chars = re.source.replace(/(?<!\\)\{\d+(?:,\d*)?\}/g, '').replace(/0-9/g, '');
      assert.doesNotMatch(chars, /[1-9]/, re.source);
    }
  });
});
