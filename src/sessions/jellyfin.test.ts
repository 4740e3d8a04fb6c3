import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixture } from '../../test/api-fakes.ts';
import { locationOf, parseJellyfinSessions } from './jellyfin.ts';

describe('parseJellyfinSessions', () => {
  it('reads playing sessions, skips idle clients, and reads TranscodingInfo', () => {
    const snaps = parseJellyfinSessions(JSON.parse(fixture('jellyfin-sessions.json')));
    assert.equal(snaps.length, 2);
    const [tv, movie] = snaps;
    assert.equal(tv?.id, 'TW96aWxsYS81LjAgKExpbnV4OyBBbmRyb2lk/9f2c1b0e7d6a4c3b8e5f1a2b3c4d5e6f');
    assert.equal(tv?.title, 'Breaking Bad - S05E14 - Ozymandias');
    assert.equal(tv?.user, 'carol');
    assert.equal(tv?.location, 'wan');
    assert.equal(tv?.positionMs, 645_000);
    assert.equal(tv?.durationMs, 2_850_000);
    assert.equal(tv?.transcode.decision, 'transcode');
    assert.equal(tv?.transcode.hardware, true);
    assert.deepEqual(tv?.transcode.reasons, ['VideoCodecNotSupported', 'AudioCodecNotSupported']);
    assert.equal(tv?.transcode.target?.resolution, '1280x720');
    assert.equal(tv?.transcode.speed, 3);
    assert.equal(tv?.bandwidthKbps, 4616);
    assert.equal(movie?.title, 'Blade Runner 2049 (2017)');
    assert.equal(movie?.state, 'paused');
    assert.equal(movie?.location, 'lan');
    assert.equal(movie?.transcode.decision, 'directplay');
    assert.equal(movie?.bandwidthKbps, 8256);
  });

  it('reads Emby: audio-only transcode is a direct stream of video with no hardware question', () => {
    const [s] = parseJellyfinSessions(JSON.parse(fixture('emby-sessions.json')));
    assert.equal(s?.transcode.decision, 'transcode');
    assert.equal(s?.transcode.videoDecision, 'copy');
    assert.equal(s?.transcode.audioDecision, 'transcode');
    assert.equal(s?.transcode.hardware, null);
    assert.equal(s?.location, 'lan');
  });

  it('handles empty and malformed answers', () => {
    assert.deepEqual(parseJellyfinSessions([]), []);
    assert.throws(() => parseJellyfinSessions({ error: 'x' }), /JSON array/);
  });

  it('tells LAN from WAN by address', () => {
    assert.equal(locationOf('172.20.0.5'), 'lan');
    assert.equal(locationOf('172.32.0.5'), 'wan');
    assert.equal(locationOf('::ffff:192.168.0.2'), 'lan');
    assert.equal(locationOf('fd12:3456::1'), 'lan');
    assert.equal(locationOf('2001:db8::1'), 'wan');
    assert.equal(locationOf(undefined), 'unknown');
  });
});
