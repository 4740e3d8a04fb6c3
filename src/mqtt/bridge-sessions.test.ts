import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { FakeIssueService } from '../../test/api-fakes.ts';
import type { ConfigInput } from '../config/schema.ts';
import { clearSecrets } from '../core/redact.ts';
import type { SessionSnapshot, TranscodeInfo } from '../core/session-types.ts';
import { testContext } from '../core/testing.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { MqttBridge } from './bridge.ts';
import { EmbeddedBroker } from './broker.ts';
import { FakeIssues, FakeMutes, FakeStats } from './fakes.ts';
import { loadHaSchema, validateDiscovery } from './ha-validator.ts';
import { Recorder } from './recorder.ts';
import type { SessionsState } from './session-states.ts';
import type { EventPayload } from './states.ts';

const software: TranscodeInfo = {
  decision: 'transcode',
  videoDecision: 'transcode',
  audioDecision: 'copy',
  reasons: ['VideoCodecNotSupported'],
  hardware: false,
  source: { videoCodec: 'hevc' },
  target: { videoCodec: 'h264' },
  speed: 0.7,
};
const direct: TranscodeInfo = { decision: 'directplay', reasons: [], hardware: null, source: {} };

function snap(id: string, over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    id,
    user: 'alice',
    client: 'Plex Web',
    location: 'wan',
    title: 'Arrival (2016)',
    kind: 'movie',
    state: 'playing',
    bandwidthKbps: 8000,
    transcode: direct,
    ...over,
  };
}

function build(mqtt: ConfigInput['mqtt'], wired = true) {
  const { ctx, logs } = testContext({
    sources: [
      { name: 'plex', app: 'plex', path: '/logs/plex' },
      { name: 'sonarr', app: 'sonarr', path: '/logs/sonarr' },
    ],
    mqtt: { minStateInterval: '50ms', stateInterval: '1h', reconnectMin: '50ms', reconnectMax: '200ms', ...mqtt },
    // User names are published here (privacy: false) so the tests can tell sessions apart by who watches.
    homeassistant: { birthDelay: '30ms', privacy: false },
  });
  const linked = new FakeIssueService();
  const tracker = new SessionTracker({
    clock: ctx.clock,
    logger: ctx.logger,
    issues: linked,
    emit: (e) => ctx.bus.emit('session', e),
  });
  const mutes = new FakeMutes(ctx.bus);
  const bridge = new MqttBridge({
    ctx,
    issues: new FakeIssues(ctx.bus),
    mutes,
    stats: new FakeStats(),
    supervisor: null,
    random: () => 0.5,
    ...(wired ? { sessions: tracker } : {}),
  });
  return { ctx, logs, tracker, linked, mutes, bridge };
}

const schema = loadHaSchema();
const sessionsOf = (rec: Recorder, from = 0): SessionsState[] =>
  rec.messages
    .slice(from)
    .filter((m) => m.topic === 'arrgus/plex/sessions')
    .map((m) => JSON.parse(m.payload) as SessionsState);

describe('bridge with session summaries', () => {
  const t = build({ embedded: { port: 0 } });
  let rec: Recorder;
  after(async () => {
    await rec?.stop();
    await t.bridge.stop();
    clearSecrets();
  });

  test('media servers get valid session sensors and a retained summary; other apps get neither', async () => {
    await t.bridge.start();
    await t.bridge.mqtt?.waitConnected(5000);
    rec = await new Recorder(`mqtt://127.0.0.1:${t.bridge.embeddedPort}`).start();
    await rec.waitFor((m) => m.topic === 'arrgus/plex/sessions');
    // A client that arrives later gets the summary from the broker's retained store.
    const late = await new Recorder(`mqtt://127.0.0.1:${t.bridge.embeddedPort}`, ['arrgus/plex/sessions']).start();
    const first = await late.waitFor((m) => m.topic === 'arrgus/plex/sessions');
    await late.stop();
    assert.ok(first.retain);
    assert.equal((JSON.parse(first.payload) as SessionsState).active, 0);
    await rec.waitFor((m) => m.topic.endsWith('/plex_bandwidth/config'));
    const configs = rec.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload);
    const plexSessions = configs.filter((m) => JSON.parse(m.payload).state_topic === 'arrgus/plex/sessions');
    assert.equal(plexSessions.length, 6);
    assert.ok(!configs.some((m) => m.topic.includes('/sonarr_transcodes/')));
    assert.ok(!rec.messages.some((m) => m.topic === 'arrgus/sonarr/sessions'));
    if (schema) {
      assert.deepEqual(
        configs.flatMap((m) => validateDiscovery(schema, m.topic, JSON.parse(m.payload))),
        [],
      );
    }
  });

  test('session changes update the summary, a burst merged into few messages', async () => {
    const from = rec.messages.length;
    t.tracker.reconcile('plex', 'plex', [
      snap('tv/1', { transcode: software, bandwidthKbps: 4000 }),
      snap('phone/2', { user: 'bob', state: 'buffering', bandwidthKbps: 1500 }),
    ]);
    // Forty changes inside one state interval (pause/resume flapping) must not become forty messages.
    for (let i = 0; i < 20; i++) {
      t.tracker.reconcile('plex', 'plex', [
        snap('tv/1', { transcode: software, bandwidthKbps: 4000, state: 'paused' }),
        snap('phone/2', { user: 'bob', state: 'buffering', bandwidthKbps: 1500 }),
      ]);
      t.tracker.reconcile('plex', 'plex', [
        snap('tv/1', { transcode: software, bandwidthKbps: 4000 }),
        snap('phone/2', { user: 'bob', state: 'buffering', bandwidthKbps: 1500 }),
      ]);
    }
    await rec.waitFor(
      (m) => m.topic === 'arrgus/plex/sessions' && (JSON.parse(m.payload) as SessionsState).transcodes === 1,
      5000,
      from,
    );
    await new Promise((r) => setTimeout(r, 150));
    const sent = sessionsOf(rec, from);
    assert.ok(sent.length <= 3, `${sent.length} messages for one burst`);
    const last = sent.at(-1);
    assert.equal(last?.active, 2);
    assert.equal(last?.software_transcodes, 1);
    assert.equal(last?.bandwidth_kbps, 5500);
    assert.equal(last?.buffering, 1);
    assert.deepEqual(last?.trouble.map((x) => [x.user, x.reason]).sort(), [
      ['alice', 'slow_transcode'],
      ['bob', 'buffering'],
    ]);
    assert.equal(last?.in_trouble, 2);
  });

  test('a failed playback is a playback_failed event with its linked issues, and counts for an hour', async () => {
    t.linked.addLogIssue('plex', 'transcoder-crash', t.ctx.clock.now() - 60_000, t.ctx.clock.now());
    t.mutes.setMuted('plex', true, t.ctx.clock.now());
    const from = rec.messages.length;
    t.tracker.reconcile('plex', 'plex', [snap('tv/1', { transcode: software, bandwidthKbps: 4000 })]);
    const ev = await rec.waitFor((m) => m.topic === 'arrgus/plex/event', 5000, from);
    assert.equal(ev.retain, false);
    const payload = JSON.parse(ev.payload) as EventPayload;
    assert.equal(payload.event_type, 'playback_failed');
    assert.equal(payload.subject, 'session');
    assert.equal(payload.user, 'bob');
    assert.equal(payload.session_key, 'plex/phone/2');
    assert.equal(payload.reason, 'stopped while buffering');
    assert.deepEqual(payload.issue_ids, ['transcoder-crash']);
    assert.equal(payload.muted, true, 'automations can stay quiet while the source is muted');
    await rec.waitFor(
      (m) => m.topic === 'arrgus/plex/sessions' && (JSON.parse(m.payload) as SessionsState).failed_1h === 1,
      5000,
      from,
    );
    assert.equal(
      rec.messages.slice(from).filter((m) => m.topic === 'arrgus/plex/event').length,
      1,
      'a stopped playback is not an event',
    );
  });
});

describe('session summaries against an external broker', () => {
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, allowAnonymous: false }, testContext().ctx.logger);
  after(async () => {
    await broker.stop();
    clearSecrets();
  });

  test('unwiring the summaries removes their retained state and entities at the next start', async () => {
    await broker.start();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const first = build({ url });
    await first.bridge.start();
    const rec = await new Recorder(url).start();
    await rec.waitFor((m) => m.topic === 'arrgus/plex/sessions' && m.payload !== '');
    await rec.waitFor((m) => m.topic.endsWith('/plex_transcodes/config') && m.payload !== '');
    await first.bridge.stop();
    const second = build({ url }, false);
    await second.bridge.start();
    await rec.waitFor((m) => m.topic === 'arrgus/plex/sessions' && m.payload === '');
    await rec.waitFor((m) => m.topic.endsWith('/plex_transcodes/config') && m.payload === '');
    await second.bridge.stop();
    await rec.stop();
    const check = await new Recorder(url).start();
    await check.waitFor((m) => m.topic === 'arrgus/plex/state');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!check.messages.some((m) => m.topic === 'arrgus/plex/sessions'));
    assert.ok(check.messages.some((m) => m.topic.endsWith('/plex_events/config')));
    await check.stop();
  });
});
