import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { clearSecrets, registerSecret } from '../core/redact.ts';
import type { Session, SessionSummary } from '../core/session-types.ts';
import {
  eventTypesFor,
  hasSessionSource,
  MAX_TROUBLE_LISTED,
  playbackFailedEvent,
  sessionsState,
} from './session-states.ts';
import { EVENT_TYPES } from './states.ts';

function summary(over: Partial<SessionSummary> = {}): SessionSummary {
  return {
    active: 3,
    playing: 2,
    paused: 0,
    buffering: 1,
    directPlay: 1,
    directStream: 0,
    transcodes: 2,
    softwareTranscodes: 1,
    hardwareTranscodes: 1,
    bandwidthKbps: 12_345.6,
    inTrouble: 1,
    failedLastHour: 0,
    trouble: [{ key: 'plex/a/1', server: 'plex', title: 'Arrival (2016)', reason: 'buffering', detail: 'buffering' }],
    byServer: {},
    ...over,
  };
}

const failed: Session = {
  id: 'tv/1',
  key: 'plex/tv/1',
  server: 'plex',
  app: 'plex',
  user: 'alice',
  device: 'Living room TV',
  location: 'lan',
  title: 'The Expanse - S02E04 - Godspeed',
  kind: 'episode',
  state: 'stopped',
  progress: 0.4,
  startedAt: Date.UTC(2026, 0, 1, 20),
  updatedAt: Date.UTC(2026, 0, 1, 20, 5),
  endedAt: Date.UTC(2026, 0, 1, 20, 5),
  transcode: { decision: 'transcode', reasons: [], hardware: false, source: {} },
  failed: true,
  failReason: 'transcoder exited with code 1',
  issueIds: ['fp1', 'fp2'],
};

describe('session states', () => {
  after(() => clearSecrets());

  test('the summary in snake_case, users kept, bandwidth whole, no null where a number belongs', () => {
    const s = sessionsState('plex', summary());
    assert.equal(s.source, 'plex');
    assert.equal(s.software_transcodes, 1);
    assert.equal(s.bandwidth_kbps, 12_346);
    assert.deepEqual(s.trouble, [
      { session: 'plex/a/1', user: null, title: 'Arrival (2016)', reason: 'buffering', detail: 'buffering' },
    ]);
  });

  test('a long trouble list is cut for Home Assistant attributes while in_trouble counts them all', () => {
    const trouble = Array.from({ length: 25 }, (_, i) => ({
      key: `plex/p/${i}`,
      server: 'plex',
      user: `u${i}`,
      title: 'x'.repeat(400),
      reason: 'slow_transcode' as const,
      detail: 'transcoding at 0.50x, slower than real time',
    }));
    const s = sessionsState('plex', summary({ trouble, inTrouble: 25 }));
    assert.equal(s.trouble.length, MAX_TROUBLE_LISTED);
    assert.equal(s.in_trouble, 25);
    assert.ok((s.trouble[0]?.title.length ?? 0) <= 255);
  });

  test('a failed playback event says who, what, why and which issues, with secrets masked', () => {
    registerSecret('s3cr3t-token-value');
    const e = playbackFailedEvent(
      { ...failed, failReason: 'GET /video?X-Plex-Token=s3cr3t-token-value failed' },
      Date.UTC(2026, 0, 1, 20, 5),
      false,
      false,
    );
    assert.equal(e.event_type, 'playback_failed');
    assert.equal(e.subject, 'session');
    assert.equal(e.source, 'plex');
    assert.equal(e.user, 'alice');
    assert.equal(e.client, 'Living room TV');
    assert.equal(e.media_title, 'The Expanse - S02E04 - Godspeed');
    assert.deepEqual(e.issue_ids, ['fp1', 'fp2']);
    assert.equal(e.at, '2026-01-01T20:05:00.000Z');
    assert.ok(!JSON.stringify(e).includes('s3cr3t-token-value'), JSON.stringify(e));
    assert.match(e.title, /^The Expanse - S02E04 - Godspeed failed for alice: /);
  });

  test('only media servers carry playback_failed', () => {
    assert.ok(eventTypesFor('jellyfin').includes('playback_failed'));
    assert.ok(eventTypesFor('emby').includes('playback_failed'));
    assert.deepEqual(eventTypesFor('radarr'), [...EVENT_TYPES]);
  });
});

test('a media server has a session source only with an API url, a webhook secret or a Tautulli standing in', () => {
  const plex = { name: 'plex', app: 'plex', enabled: true };
  const tautulli = { name: 'tautulli', app: 'tautulli', enabled: true, url: 'http://t:8181' };
  assert.equal(hasSessionSource([plex], 'plex'), false);
  assert.equal(hasSessionSource([{ ...plex, url: 'http://p:32400' }], 'plex'), true);
  assert.equal(hasSessionSource([{ ...plex, url: 'http://p:32400', enabled: false }], 'plex'), false);
  assert.equal(hasSessionSource([{ name: 'emby', app: 'emby', enabled: true, webhookSecret: 's3cret' }], 'emby'), true);
  assert.equal(hasSessionSource([plex, tautulli], 'plex'), true);
  assert.equal(hasSessionSource([plex, { ...plex, name: 'plex2' }, { ...tautulli, server: 'plex2' }], 'plex'), false);
  assert.equal(hasSessionSource([plex, { ...tautulli, url: undefined }], 'plex'), false);
  assert.equal(hasSessionSource([{ name: 'sonarr', app: 'sonarr', enabled: true, url: 'http://s' }], 'sonarr'), false);
  assert.equal(hasSessionSource([], 'plex'), false, 'found in a default location: logs only');
});

test('privacy (the default) keeps user names out of trouble attributes and failed-playback events', () => {
  const trouble = [
    {
      key: 'plex/a/1',
      server: 'plex',
      user: 'alice',
      title: 'Arrival',
      reason: 'buffering' as const,
      detail: 'buffering',
    },
  ];
  assert.equal(sessionsState('plex', summary({ trouble })).trouble[0]?.user, null);
  assert.equal(sessionsState('plex', summary({ trouble }), true, false).trouble[0]?.user, 'alice');
  const e = playbackFailedEvent(failed, Date.UTC(2026, 0, 1), false);
  assert.equal(e.user, undefined);
  assert.ok(!JSON.stringify(e).includes('alice'), JSON.stringify(e));
  assert.equal(playbackFailedEvent(failed, Date.UTC(2026, 0, 1), false, false).user, 'alice');
});

test('the sessions state says whether anything reports the playbacks', () => {
  assert.equal(sessionsState('plex', summary()).tracked, true);
  assert.equal(sessionsState('plex', summary(), false).tracked, false);
});
