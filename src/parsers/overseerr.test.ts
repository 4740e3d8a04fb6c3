import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOverseerrParser } from './overseerr.ts';
import { assertNoForeignHeaders, parserHarness, testNotHeaders } from './testing.ts';
import { fixedZone } from './time.ts';

// A configured zone must not move Overseerr's UTC timestamps.
const { header, replay } = parserHarness(createOverseerrParser, { zone: fixedZone(120) });

describe('overseerr headers', () => {
  test('full line: UTC time, level, label as logger, message', () => {
    const h = header("2022-05-25T05:30:37.956Z [error][Auth]: Cannot read properties of undefined (reading 'Id') ");
    assert.ok(h);
    assert.equal(h.time, Date.UTC(2022, 4, 25, 5, 30, 37, 956));
    assert.equal(h.level, 'error');
    assert.equal(h.logger, 'Auth');
    assert.equal(h.message, "Cannot read properties of undefined (reading 'Id')");
  });

  test('the label is optional and may hold spaces and dots', () => {
    const a = header('2022-05-25T05:30:06.553Z [info]: Commit Tag: 046ae932ec048cd3c2fc0451c3cdd746b369478f ');
    assert.equal(a?.logger, undefined);
    assert.equal(a?.message, 'Commit Tag: 046ae932ec048cd3c2fc0451c3cdd746b369478f');
    const b = header('2026-02-03T07:06:00.653Z [error][Plex.TV Metadata API]: Failed to retrieve watchlist items');
    assert.equal(b?.logger, 'Plex.TV Metadata API');
  });

  test('the timestamp-less form left by envelope stripping', () => {
    const h = header('[debug][Jobs]: Starting scheduled job: Download Sync ');
    assert.ok(h);
    assert.equal(h.time, null);
    assert.equal(h.level, 'debug');
    assert.equal(h.logger, 'Jobs');
  });

  test('winston levels map in severity order', () => {
    const lv = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'].map((l) => header(`[${l}]: x`)?.level);
    assert.deepEqual(lv, ['error', 'warn', 'info', 'debug', 'debug', 'debug', 'trace']);
  });
});

describe('overseerr records', () => {
  test('time comes from the line (UTC) whatever the zone, through the envelope stage', () => {
    const [r] = replay(['jellyseerr    | 2022-05-25T05:30:09.310Z [info][Server]: Server ready on port 5055 ']);
    assert.equal(r?.time, Date.UTC(2022, 4, 25, 5, 30, 9, 310));
    assert.equal(r?.timeExact, true);
    assert.equal(r?.logger, 'Server');
    assert.equal(r?.message, 'Server ready on port 5055');
  });

  test('JSON meta leaves the message and gives correlation and the error text', () => {
    const [a, b] = replay([
      '2026-02-03T07:06:00.653Z [error][Plex.TV Metadata API]: Failed to retrieve watchlist items {"errorMessage":"Request failed with status code 404"}',
      '2026-02-03T07:06:01.024Z [info][Watchlist Sync]: Creating media request from user\'s Plex Watchlist {"userId":2,"mediaTitle":"Beast Games"}',
    ]);
    assert.equal(a?.message, 'Failed to retrieve watchlist items');
    assert.deepEqual(a?.exception, { type: 'Error', message: 'Request failed with status code 404' });
    assert.equal(b?.message, "Creating media request from user's Plex Watchlist");
    assert.deepEqual(b?.correlation, { user: '2' });
  });

  test('meta glued to the message and nested objects', () => {
    const [r] = replay([
      '2022-11-22T22:47:49.099Z [warn][Media Request]: Something went wrong sending series request to Sonarr, marking status as FAILED{"mediaId":1630,"requestId":165,"sonarrSeriesOptions":{"profileId":3,"seasons":[1,2],"title":"The Lord of the Rings: The Rings of Power"}}',
    ]);
    assert.equal(r?.message, 'Something went wrong sending series request to Sonarr, marking status as FAILED');
    assert.deepEqual(r?.correlation, { itemId: '1630', requestId: '165' });
  });

  test('a cut meta still yields its flat keys; braces in the message text are not meta', () => {
    const [a, b] = replay([
      '2022-11-22T22:47:49.099Z [info][API]: Failed sign-in attempt {"ip":"192.168.1.20","email":"a@b.c","options":{"x',
      '2022-11-22T22:47:49.100Z [debug][Jobs]: template {"a" is not JSON} done',
    ]);
    assert.equal(a?.message, 'Failed sign-in attempt');
    assert.deepEqual(a?.correlation, { user: 'a@b.c', clientIp: '192.168.1.20' });
    assert.equal(b?.correlation, undefined);
  });

  test('blank lines and non-winston lines continue the record', () => {
    const recs = replay([
      'jellyseerr | 2024-03-11T01:04:11.459Z [info]: Starting Overseerr version 1.7.0 ',
      'jellyseerr | warn - You have enabled experimental features (scrollRestoration) in next.config.js.',
      'jellyseerr | ',
      'jellyseerr | 2024-03-11T01:04:12.193Z [info][Notifications]: Registered notification agents ',
    ]);
    assert.deepEqual(
      recs.map((r) => r.lines),
      [3, 1],
    );
  });
});

describe('overseerr near misses', () => {
  const misses = [
    'warn - You have enabled experimental features (scrollRestoration, largePageDataBytes) in next.config.js.',
    '[Info] BookInfoProxy: BookInfo returned 429, backing off for 10s ',
    '[INF] Main: Jellyfin version: 10.6.3',
    '[info] no colon',
    '[INFO]: capitals are not winston',
    '[notice]: not a winston npm level',
    '2022-05-25T05:30:06.553 [info]: no Z',
    '2022-05-25T05:30:06.553Z [info] : space before colon',
    '$ NODE_ENV=production node dist/index.js',
    'yarn run v1.22.19',
    '(N) 2022-01-28T15:11:23 - restored.',
    '',
  ];
  testNotHeaders(header, misses);
});

test('no line of another app in the corpus is an Overseerr header', () => {
  assertNoForeignHeaders(createOverseerrParser());
});
