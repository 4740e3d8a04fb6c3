import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, test } from 'node:test';
import type { ConfigInput } from '../config/schema.ts';
import { clearSecrets } from '../core/redact.ts';
import { testContext } from '../core/testing.ts';
import { MqttBridge } from './bridge.ts';
import { EmbeddedBroker } from './broker.ts';
import { haCleanup } from './cleanup.ts';
import { FakeIssues, FakeMutes, FakeStats, makeAlert, makeIssue } from './fakes.ts';
import { loadHaSchema, validateDiscovery } from './ha-validator.ts';
import { Recorder } from './recorder.ts';

const SOURCES = [
  { name: 'plex', app: 'plex', path: '/logs/plex' },
  { name: 'sonarr', app: 'sonarr', path: '/logs/sonarr' },
] as const;

function config(over: ConfigInput = {}): ConfigInput {
  return {
    sources: [...SOURCES],
    web: { publicUrl: 'http://arrgus.test:8099' },
    ...over,
    mqtt: { minStateInterval: '20ms', stateInterval: '1h', reconnectMin: '50ms', reconnectMax: '200ms', ...over.mqtt },
    homeassistant: { birthDelay: '30ms', ...over.homeassistant },
  };
}

function build(over: ConfigInput = {}, instanceId = 'test') {
  const { ctx, logs } = testContext(config(over));
  ctx.instanceId = instanceId;
  const issues = new FakeIssues(ctx.bus);
  const mutes = new FakeMutes(ctx.bus);
  const stats = new FakeStats();
  stats.put({ source: 'plex', errors5m: 2, lastErrorAt: Date.UTC(2026, 0, 1), lastRecordAt: ctx.clock.now() - 30_000 });
  let tests = 0;
  const bridge = new MqttBridge({
    ctx,
    issues,
    mutes,
    stats,
    supervisor: null,
    random: () => 0.5,
    notifierHealth: () => [{ name: 'ntfy', ok: false, lastError: 'HTTP 401 from https://ntfy.sh?token=abcdef123' }],
    sendTestNotification: async () => void tests++,
  });
  return { ctx, logs, issues, mutes, stats, bridge, tests: () => tests };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const schema = loadHaSchema();

describe('bridge with its embedded broker', () => {
  const t = build({ mqtt: { embedded: { port: 0 }, username: 'arrgus', password: 'supersecret-pw' } });
  let rec: Recorder;
  after(async () => {
    await rec?.stop();
    await t.bridge.stop();
    clearSecrets();
  });

  test('publishes availability, discovery and states, all retained and valid', async () => {
    await t.bridge.start();
    await t.bridge.mqtt?.waitConnected(5000);
    const url = `mqtt://127.0.0.1:${t.bridge.embeddedPort}`;
    rec = await new Recorder(url, ['#'], { username: 'arrgus', password: 'supersecret-pw' }).start();
    await rec.waitFor((m) => m.topic === 'arrgus/plex/state');
    // A client that arrives later gets everything from the broker's retained store.
    const late = await new Recorder(url, ['#'], { username: 'arrgus', password: 'supersecret-pw' }).start();
    const problem = await late.waitFor(
      (m) => m.topic === 'homeassistant/binary_sensor/arrgus_test/plex_problem/config',
    );
    assert.ok(problem.retain);
    assert.ok((await late.waitFor((m) => m.topic === 'arrgus/plex/state')).retain);
    await late.stop();
    assert.equal(rec.last('arrgus/status'), 'online');
    assert.equal(rec.last('arrgus/plex/availability'), 'online');
    const state = rec.json('arrgus/plex/state');
    assert.equal(state?.errors_5m, 2);
    assert.equal(state?.log_freshness_s, 30);
    assert.equal(state?.last_error_at, '2026-01-01T00:00:00.000Z');
    const configs = rec.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.payload);
    assert.ok(configs.length >= 30);
    if (schema) {
      const errors = configs.flatMap((m) => validateDiscovery(schema, m.topic, JSON.parse(m.payload)));
      assert.deepEqual(errors, []);
    }
    const notifiers = rec.json<Record<string, { ok: boolean; last_error: string }>>('arrgus/bridge/notifiers');
    assert.equal(notifiers?.ntfy?.ok, false);
    assert.ok(!notifiers?.ntfy?.last_error.includes('abcdef123'), 'notifier errors are redacted');
  });

  test('an issue event becomes an event message and a new state', async () => {
    const from = rec.messages.length;
    const issue = makeIssue({ id: 'fp1', title: 'Database is locked', impact: 80, severity: 'critical' });
    t.issues.add(issue);
    t.ctx.bus.emit('issue', { kind: 'opened', issue, at: t.ctx.clock.now() });
    const ev = await rec.waitFor((m) => m.topic === 'arrgus/plex/event', 5000, from);
    assert.equal(ev.retain, false);
    const payload = JSON.parse(ev.payload);
    assert.equal(payload.event_type, 'opened');
    assert.equal(payload.issue_id, 'fp1');
    assert.equal(payload.muted, false);
    const st = await rec.waitFor(
      (m) => m.topic === 'arrgus/plex/state' && JSON.parse(m.payload).open_issues === 1,
      5000,
      from,
    );
    assert.equal(JSON.parse(st.payload).top_issue.title, 'Database is locked');
    await rec.waitFor(
      (m) => m.topic === 'arrgus/bridge/state' && JSON.parse(m.payload).highest_impact === 80,
      5000,
      from,
    );
  });

  test('an alert turns the problem on, and its event is sent', async () => {
    const from = rec.messages.length;
    const alert = makeAlert({ id: 'a1', source: 'plex', title: 'Too many database errors' });
    t.issues.alerts.push(alert);
    t.ctx.bus.emit('alert', { kind: 'fired', alert, at: t.ctx.clock.now() });
    const ev = await rec.waitFor((m) => m.topic === 'arrgus/plex/event', 5000, from);
    assert.equal(JSON.parse(ev.payload).event_type, 'alert');
    await rec.waitFor(
      (m) => m.topic === 'arrgus/plex/state' && JSON.parse(m.payload).alert_active === true,
      5000,
      from,
    );
  });

  test('mute and acknowledge commands act, answer and echo the new state', async () => {
    let from = rec.messages.length;
    rec.publish('arrgus/plex/mute/set', 'ON');
    await rec.waitFor((m) => m.topic === 'arrgus/plex/state' && JSON.parse(m.payload).muted === true, 5000, from);
    assert.ok(t.mutes.isMuted('plex'));
    const resp = await rec.waitFor((m) => m.topic === 'arrgus/bridge/response', 5000, from);
    assert.deepEqual(
      { ...JSON.parse(resp.payload), at: 0 },
      { command: 'plex/mute/set', ok: true, message: 'Source plex is now muted.', at: 0 },
    );

    from = rec.messages.length;
    rec.publish('arrgus/bridge/acknowledge/set', 'PRESS');
    await rec.waitFor((m) => m.topic === 'arrgus/plex/state' && JSON.parse(m.payload).open_issues === 0, 5000, from);
    assert.equal(t.issues.get('fp1')?.status, 'acknowledged');

    from = rec.messages.length;
    rec.publish('arrgus/bridge/mute/set', 'sideways');
    const bad = await rec.waitFor((m) => m.topic === 'arrgus/bridge/response', 5000, from);
    assert.equal(JSON.parse(bad.payload).ok, false);
    assert.ok(!t.mutes.isMuted(null));

    from = rec.messages.length;
    rec.publish('arrgus/bridge/test_notification/set', 'PRESS');
    await rec.waitFor((m) => m.topic === 'arrgus/bridge/response', 5000, from);
    assert.equal(t.tests(), 1);
  });

  test('Home Assistant coming online gets discovery again, then states', async () => {
    const from = rec.messages.length;
    rec.publish('homeassistant/status', 'online');
    const cfg = await rec.waitFor((m) => m.topic.endsWith('/plex_problem/config'), 5000, from);
    const st = await rec.waitFor((m) => m.topic === 'arrgus/plex/state', 5000, from);
    assert.ok(rec.messages.indexOf(cfg) < rec.messages.indexOf(st), 'discovery before states');
  });

  test('no password in any log line', () => {
    assert.ok(t.logs.some((l) => l.includes('clients must log in')));
    assert.ok(!t.logs.some((l) => l.includes('supersecret-pw')));
  });

  test('the embedded broker refuses clients with a wrong password', async () => {
    const bad = new Recorder(`mqtt://127.0.0.1:${t.bridge.embeddedPort}`, ['#'], {
      username: 'arrgus',
      password: 'nope',
    });
    await assert.rejects(bad.start(500));
    await bad.stop();
  });
});

describe('with an external broker', () => {
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, allowAnonymous: false }, testContext().ctx.logger);
  let url = '';
  after(() => broker.stop());

  test('stale configs of this instance are cleared on startup; other instances are left alone', async () => {
    await broker.start();
    url = `mqtt://127.0.0.1:${broker.port}`;
    const first = build({ mqtt: { url } });
    await first.bridge.start();
    await first.bridge.mqtt?.waitConnected();
    const rec = await new Recorder(url).start();
    await rec.waitFor((m) => m.topic.endsWith('/sonarr_problem/config') && m.payload !== '');
    rec.publish('homeassistant/sensor/arrgus_test_2/plex_x/config', '{"unique_id":"arrgus_test_2_plex_x"}', true);
    // The broker has it once it comes back to the recorder (subscribed to everything): no race with the next start.
    await rec.waitFor((m) => m.topic.includes('arrgus_test_2'));
    await first.bridge.stop();
    // The goodbye reaches the recorder a moment after stop() returns: wait for it rather than race it.
    await rec.waitFor((m) => m.topic === 'arrgus/status' && m.payload === 'offline');

    const second = build({ mqtt: { url }, sources: [SOURCES[0]] });
    await second.bridge.start();
    await rec.waitFor((m) => m.topic.endsWith('/sonarr_problem/config') && m.payload === '');
    await rec.waitFor((m) => m.topic === 'arrgus/sonarr/state' && m.payload === '');
    await second.bridge.stop();
    await rec.stop();
    const check = await new Recorder(url, ['homeassistant/#']).start();
    try {
      await check.waitFor((m) => m.topic.endsWith('/plex_problem/config'));
      // The other instance keeps its config: waited for, not sampled after a fixed time.
      await check.waitFor((m) => m.topic.includes('arrgus_test_2'));
      assert.ok(!check.messages.some((m) => m.topic.includes('sonarr')), 'no sonarr config is retained any more');
    } finally {
      await check.stop();
    }
  });

  test('a retained command is ignored', async () => {
    const rec = await new Recorder(url).start();
    rec.publish('arrgus/plex/mute/set', 'ON', true);
    const t = build({ mqtt: { url } });
    await t.bridge.start();
    await rec.waitFor((m) => m.topic === 'arrgus/plex/state');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(t.mutes.isMuted('plex'), false);
    assert.ok(t.logs.some((l) => l.includes('Ignored a retained MQTT command')));
    rec.publish('arrgus/plex/mute/set', '', true);
    await t.bridge.stop();
    await rec.stop();
  });

  test('ha-cleanup removes every retained topic of this instance and nothing else', async () => {
    const t = build({ mqtt: { url } });
    await t.bridge.start();
    const rec = await new Recorder(url).start();
    await rec.waitFor((m) => m.topic === 'arrgus/plex/state');
    await t.bridge.stop();
    const result = await haCleanup({
      config: t.ctx.config,
      instanceId: 'test',
      version: '0',
      logger: t.ctx.logger,
      supervisor: null,
      quietMs: 150,
    });
    assert.ok(result.removed.some((x) => x.endsWith('/plex_problem/config')));
    assert.ok(result.removed.includes('arrgus/status'));
    assert.ok(!result.removed.some((x) => x.includes('arrgus_test_2')));
    await rec.stop();
    const check = await new Recorder(url).start();
    await check.waitFor((m) => m.topic.includes('arrgus_test_2'));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      check.messages.map((m) => m.topic),
      ['homeassistant/sensor/arrgus_test_2/plex_x/config'],
    );
    await check.stop();
  });

  test('the broker absent at start: Arrgus keeps going and publishes once it appears', async () => {
    const port = await freePort();
    const t = build({ mqtt: { url: `mqtt://127.0.0.1:${port}` } });
    await t.bridge.start();
    t.ctx.bus.emit('issue', { kind: 'opened', issue: makeIssue({ id: 'x' }), at: 0 });
    assert.equal(t.bridge.mqtt?.connected, false);
    await new Promise((r) => setTimeout(r, 150));
    const late = new EmbeddedBroker({ host: '127.0.0.1', port, allowAnonymous: false }, t.ctx.logger);
    await late.start();
    await t.bridge.mqtt?.waitConnected(5000);
    const rec = await new Recorder(`mqtt://127.0.0.1:${port}`).start();
    await rec.waitFor((m) => m.topic.endsWith('/plex_problem/config'));
    assert.ok(t.logs.some((l) => l.includes('Cannot reach the MQTT broker')));
    await rec.stop();
    await t.bridge.stop();
    await late.stop();
  });
});
