import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeIssueService } from '../../test/api-fakes.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import type { SessionEvent, SessionSnapshot, TranscodeInfo } from '../core/session-types.ts';
import { SessionTracker } from './tracker.ts';

const T0 = Date.UTC(2026, 0, 1, 20, 0);
const direct: TranscodeInfo = { decision: 'directplay', reasons: [], hardware: null, source: { videoCodec: 'hevc' } };
const software: TranscodeInfo = {
  decision: 'transcode',
  videoDecision: 'transcode',
  audioDecision: 'copy',
  reasons: ['VideoCodecNotSupported'],
  hardware: false,
  source: { videoCodec: 'hevc' },
  target: { videoCodec: 'h264' },
  speed: 0.8,
};

function snap(over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    id: 'player1/5521',
    user: 'alice',
    client: 'Plex Web',
    location: 'wan',
    title: 'The Expanse - S02E04 - Godspeed',
    kind: 'episode',
    state: 'playing',
    positionMs: 0,
    durationMs: 2_580_000,
    bandwidthKbps: 8000,
    transcode: direct,
    ...over,
  };
}

function setup() {
  const clock = new ManualClock(T0);
  const events: SessionEvent[] = [];
  const issues = new FakeIssueService();
  const logger = memoryLogger();
  const tracker = new SessionTracker({ clock, logger, issues, emit: (e) => events.push(e) });
  return { clock, events, issues, tracker, logger };
}

describe('SessionTracker', () => {
  it('emits only on change across a lifecycle with a transcode change, never one record per poll', () => {
    const { clock, events, tracker } = setup();
    for (let i = 0; i < 5; i++) {
      tracker.reconcile('plex', 'plex', [snap({ positionMs: i * 10_000 })]);
      clock.advance(10_000);
    }
    tracker.reconcile('plex', 'plex', [snap({ state: 'paused', positionMs: 60_000 })]);
    tracker.reconcile('plex', 'plex', [snap({ state: 'paused', positionMs: 60_000 })]);
    tracker.reconcile('plex', 'plex', [snap({ positionMs: 70_000 })]);
    // The client changed quality: same playback, now a software transcode; speed moves every poll without events.
    tracker.reconcile('plex', 'plex', [snap({ positionMs: 80_000, transcode: software })]);
    tracker.reconcile('plex', 'plex', [snap({ positionMs: 90_000, transcode: { ...software, speed: 0.95 } })]);
    tracker.reconcile('plex', 'plex', [snap({ state: 'buffering', transcode: software })]);
    tracker.reconcile('plex', 'plex', [snap({ transcode: software })]);
    tracker.reconcile('plex', 'plex', []);
    tracker.reconcile('plex', 'plex', []);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['started', 'paused', 'resumed', 'transcode_changed', 'buffering', 'resumed', 'stopped'],
    );
    const changed = events.find((e) => e.kind === 'transcode_changed');
    assert.equal(changed?.previousTranscode?.decision, 'directplay');
    assert.equal(changed?.session.transcode.decision, 'transcode');
    const [ended] = tracker.history(10);
    assert.equal(ended?.state, 'stopped');
    assert.equal(ended?.startedAt, T0);
    assert.equal(ended?.failed, undefined);
    assert.equal(tracker.active().length, 0);
  });

  it('keeps servers apart and summarises transcodes, bandwidth and trouble', () => {
    const { tracker } = setup();
    tracker.reconcile('plex', 'plex', [
      snap({ transcode: software }),
      snap({ id: 'p2/1', user: 'bob', bandwidthKbps: 2000, transcode: { ...software, hardware: true, speed: 3 } }),
    ]);
    tracker.reconcile('jellyfin', 'jellyfin', [snap({ id: 'd/9', state: 'buffering', bandwidthKbps: 1000 })]);
    // A poll of one server does not end the sessions of another.
    tracker.reconcile('plex', 'plex', [
      snap({ transcode: software }),
      snap({ id: 'p2/1', user: 'bob', bandwidthKbps: 2000, transcode: { ...software, hardware: true, speed: 3 } }),
    ]);
    const s = tracker.summary();
    assert.equal(s.active, 3);
    assert.equal(s.transcodes, 2);
    assert.equal(s.softwareTranscodes, 1);
    assert.equal(s.hardwareTranscodes, 1);
    assert.equal(s.directPlay, 1);
    assert.equal(s.bandwidthKbps, 11_000);
    assert.equal(s.buffering, 1);
    assert.deepEqual(s.trouble.map((t) => t.reason).sort(), ['buffering', 'slow_transcode']);
    assert.equal(s.inTrouble, 2);
    assert.deepEqual(s.byServer.plex, { active: 2, transcodes: 2, bandwidthKbps: 10_000 });
  });

  it("summarises one server on its own, failures included, for that server's device", () => {
    const { clock, tracker } = setup();
    tracker.reconcile('plex', 'plex', [
      snap({ transcode: software }),
      snap({ id: 'p2/1', user: 'bob', bandwidthKbps: 2000, transcode: { ...software, hardware: true, speed: 3 } }),
    ]);
    tracker.reconcile('jellyfin', 'jellyfin', [snap({ id: 'd/9', state: 'buffering', bandwidthKbps: 1000 })]);
    tracker.reconcile('jellyfin', 'jellyfin', []);
    const plex = tracker.summary('plex');
    assert.equal(plex.active, 2);
    assert.equal(plex.transcodes, 2);
    assert.equal(plex.softwareTranscodes, 1);
    assert.equal(plex.bandwidthKbps, 10_000);
    assert.equal(plex.failedLastHour, 0);
    assert.deepEqual(
      plex.trouble.map((t) => [t.server, t.reason]),
      [['plex', 'slow_transcode']],
    );
    assert.deepEqual(Object.keys(plex.byServer), ['plex']);
    const jf = tracker.summary('jellyfin');
    assert.equal(jf.active, 0);
    assert.equal(jf.failedLastHour, 1);
    assert.equal(jf.inTrouble, 1);
    assert.equal(tracker.summary('emby').active, 0);
    assert.equal(tracker.summary().failedLastHour, 1);
    clock.advance(3_600_001);
    assert.equal(tracker.summary('jellyfin').inTrouble, 0);
  });

  it('links a failed playback to the log issues of its server from the same minutes', () => {
    const { clock, events, issues, tracker, logger } = setup();
    issues.addLogIssue('plex', 'transcoder-crash', T0 + 60_000, T0 + 120_000);
    issues.addLogIssue('plex', 'old-issue', T0 - 3 * 3_600_000, T0 - 2 * 3_600_000);
    issues.addLogIssue('sonarr', 'other-source', T0, T0 + 120_000);
    tracker.reconcile('plex', 'plex', [snap({ transcode: software })]);
    clock.advance(90_000);
    tracker.reconcile('plex', 'plex', [snap({ transcode: software, error: 'the Plex transcoder reported an error' })]);
    clock.advance(10_000);
    tracker.reconcile('plex', 'plex', []);
    const failed = events.at(-1);
    assert.equal(failed?.kind, 'failed');
    assert.deepEqual(failed?.session.issueIds, ['transcoder-crash']);
    const crash = issues.issues.get('transcoder-crash');
    assert.deepEqual(crash?.users, ['alice']);
    assert.deepEqual(crash?.sessions, ['plex/player1/5521']);
    assert.deepEqual(issues.issues.get('old-issue')?.users, []);
    assert.deepEqual(issues.issues.get('other-source')?.users, []);
    const s = tracker.summary();
    assert.equal(s.failedLastHour, 1);
    assert.equal(s.inTrouble, 1);
    clock.advance(3_600_001);
    assert.equal(tracker.summary().failedLastHour, 0);
    assert.ok(logger.lines.some((l) => l.includes('WARN') && l.includes('Playback failed on plex')));
  });

  it('ends a playback stuck buffering as failed, and a webhook failure for an unseen playback still records it', () => {
    const { events, tracker } = setup();
    tracker.reconcile('jf', 'jellyfin', [snap({ state: 'buffering' })]);
    tracker.reconcile('jf', 'jellyfin', []);
    assert.equal(events.at(-1)?.kind, 'failed');
    assert.equal(events.at(-1)?.session.failReason, 'stopped while buffering');
    const s = tracker.fail('plex', 'plex', snap({ id: 'tv/77' }), 'playback error reported by Tautulli');
    assert.equal(s.failed, true);
    assert.deepEqual(
      events.slice(-2).map((e) => e.kind),
      ['started', 'failed'],
    );
    assert.equal(tracker.history(1)[0]?.key, 'plex/tv/77');
  });

  it('a partial (webhook) snapshot keeps the known transcode picture and fields', () => {
    const { events, tracker } = setup();
    tracker.apply('plex', 'plex', snap({ transcode: software, address: '203.0.113.4' }));
    const partial = snap({
      state: 'paused',
      transcode: { decision: 'unknown', reasons: [], hardware: null, source: {} },
      partial: true,
    });
    delete partial.bandwidthKbps;
    tracker.apply('plex', 'plex', partial);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['started', 'paused'],
    );
    const [s] = tracker.active();
    assert.equal(s?.transcode.decision, 'transcode');
    assert.equal(s?.bandwidthKbps, 8000);
    assert.equal(s?.address, '203.0.113.4');
    assert.equal('partial' in (s ?? {}), false);
  });

  it('bounds the history ring and returns newest first', () => {
    const clock = new ManualClock(T0);
    const tracker = new SessionTracker({ clock, logger: memoryLogger() }, { historySize: 3 });
    for (let i = 0; i < 5; i++) {
      tracker.apply('plex', 'plex', snap({ id: `p/${i}` }));
      tracker.end('plex', `p/${i}`);
    }
    assert.deepEqual(
      tracker.history(10).map((s) => s.id),
      ['p/4', 'p/3', 'p/2'],
    );
    assert.deepEqual(
      tracker.history(1).map((s) => s.id),
      ['p/4'],
    );
  });
});

it('a flood of webhook starts is bounded: the least recently updated playbacks end, idle ones expire', () => {
  const clock = new ManualClock(0);
  const t = new SessionTracker({ clock, logger: memoryLogger() }, { maxActive: 100, idleExpiryMs: 3_600_000 });
  for (let i = 0; i < 5000; i++) {
    t.apply('plex', 'plex', snap({ id: `s${i}` }));
    clock.advance(10);
  }
  assert.equal(t.activeSize, 100);
  assert.equal(t.active().length, 100);
  assert.ok(t.active().every((s) => Number(s.id.slice(1)) >= 4900));
  clock.advance(3_600_001 + 60_000);
  t.apply('jellyfin', 'jellyfin', snap({ id: 'new' }));
  assert.deepEqual(
    t.active().map((s) => s.id),
    ['new'],
  );
  assert.equal(t.activeSize, 1);
});
