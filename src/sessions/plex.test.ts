import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixture } from '../../test/api-fakes.ts';
import { parsePlexSessions } from './plex.ts';
import { parseXml } from './xml.ts';

describe('parsePlexSessions', () => {
  it('reads the JSON answer: users, players, LAN/WAN, titles and the transcode picture', () => {
    const [tv, movie] = parsePlexSessions(fixture('plex-sessions.json'));
    assert.equal(tv?.id, 'b7f3a1c9e2d04f55/5521');
    assert.equal(tv?.title, 'The Expanse - S02E04 - Godspeed');
    assert.equal(tv?.user, 'alice');
    assert.equal(tv?.client, 'Plex for Android (TV)');
    assert.equal(tv?.device, 'Living Room Shield');
    assert.equal(tv?.location, 'wan');
    assert.equal(tv?.bandwidthKbps, 8200);
    assert.equal(tv?.positionMs, 645_000);
    assert.equal(tv?.transcode.decision, 'transcode');
    assert.equal(tv?.transcode.videoDecision, 'transcode');
    assert.equal(tv?.transcode.subtitleDecision, 'burn');
    // Hardware was requested but no hardware encoder is named: a software transcode.
    assert.equal(tv?.transcode.hardware, false);
    assert.equal(tv?.transcode.hardwareRequested, true);
    assert.equal(tv?.transcode.speed, 0.7);
    assert.equal(tv?.transcode.source.resolution, '4k');
    assert.equal(tv?.transcode.target?.resolution, '1920x1080');
    assert.ok(tv?.transcode.reasons.includes('subtitles burned in'));
    assert.equal(movie?.title, 'Arrival (2016)');
    assert.equal(movie?.state, 'paused');
    assert.equal(movie?.location, 'lan');
    assert.equal(movie?.transcode.decision, 'directplay');
    assert.equal(movie?.transcode.hardware, null);
    assert.equal(movie?.transcode.source.resolution, '1080p');
  });

  it('reads the XML answer into exactly the same snapshots', () => {
    assert.deepEqual(parsePlexSessions(fixture('plex-sessions.xml')), parsePlexSessions(fixture('plex-sessions.json')));
  });

  it('reads empty answers in both formats and refuses what is neither', () => {
    assert.deepEqual(parsePlexSessions(fixture('plex-sessions-empty.json')), []);
    assert.deepEqual(parsePlexSessions(fixture('plex-sessions-empty.xml')), []);
    assert.throws(() => parsePlexSessions('Unauthorized'), /neither JSON nor XML/);
    assert.throws(() => parsePlexSessions(fixture('plex-401.body')), /expected <MediaContainer>/);
  });

  it('flags a transcoder error and reads a hardware pipeline', () => {
    const body = JSON.parse(fixture('plex-sessions.json'));
    const ts = body.MediaContainer.Metadata[0].TranscodeSession;
    ts.error = true;
    ts.transcodeHwEncoding = 'vaapi';
    const [tv] = parsePlexSessions(JSON.stringify(body));
    assert.equal(tv?.error, 'the Plex transcoder reported an error');
    assert.equal(tv?.transcode.hardware, true);
  });
});

describe('parseXml', () => {
  it('decodes entities, skips comments and declarations, and reports malformed input', () => {
    const el = parseXml('<?xml version="1.0"?><!-- c --><A t="Tom &amp; Jerry &#233;"><B x=\'1\'/></A>');
    assert.equal(el.attrs.t, 'Tom & Jerry é');
    assert.equal(el.children[0]?.attrs.x, '1');
    assert.throws(() => parseXml('<A><B></A>'), /unexpected <\/A>/);
    assert.throws(() => parseXml('<A>'), /never closed/);
  });
});
