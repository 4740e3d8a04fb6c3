/**
 * MQTT end to end, against the embedded broker's code (aedes) and a real Mosquitto: discovery, states, events after
 * bus events, commands, Home Assistant's birth message, a broker killed and restarted, a broker absent at start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConfigInput } from '../src/config/schema.ts';
import { silentLogger } from '../src/core/logger.ts';
import { testContext } from '../src/core/testing.ts';
import { MqttBridge } from '../src/mqtt/bridge.ts';
import { EmbeddedBroker } from '../src/mqtt/broker.ts';
import { FakeIssues, FakeMutes, FakeStats, makeIssue } from '../src/mqtt/fakes.ts';
import { loadHaSchema, validateDiscovery } from '../src/mqtt/ha-validator.ts';
import { type Recorded, Recorder } from '../src/mqtt/recorder.ts';
import { freePort, Mosquitto, mosquittoSkip } from './helpers/mosquitto.ts';
import { until } from './helpers/wait.ts';

interface Broker {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function aedesBroker(port?: number): Promise<Broker> {
  const p = port ?? (await freePort());
  let b: EmbeddedBroker | null = null;
  const start = async () => {
    b = new EmbeddedBroker({ host: '127.0.0.1', port: p, allowAnonymous: false }, silentLogger);
    await b.start();
  };
  const kill = async () => {
    await b?.stop();
    b = null;
  };
  await start();
  return { url: `mqtt://127.0.0.1:${p}`, start, kill, stop: kill };
}

async function mosquittoBroker(port?: number): Promise<Broker> {
  const m = await Mosquitto.start(port);
  return { url: m.url, start: () => m.start(), kill: () => m.kill(), stop: () => m.stop() };
}

function service(url: string) {
  const input: ConfigInput = {
    sources: [
      { name: 'plex', app: 'plex', path: '/logs/plex' },
      { name: 'Sonarr 4K', app: 'sonarr', path: '/logs/s' },
    ],
    mqtt: { url, minStateInterval: '20ms', stateInterval: '1h', reconnectMin: '50ms', reconnectMax: '300ms' },
    homeassistant: { birthDelay: '20ms' },
  };
  const { ctx, logs } = testContext(input);
  ctx.instanceId = 'e2e';
  const issues = new FakeIssues(ctx.bus);
  const mutes = new FakeMutes(ctx.bus);
  const stats = new FakeStats();
  stats.put({ source: 'plex', errors5m: 1, recordsPerMinute: 12 });
  const bridge = new MqttBridge({ ctx, issues, mutes, stats, supervisor: null, random: () => 0 });
  return { ctx, logs, issues, mutes, bridge };
}

const schema = loadHaSchema();

for (const [name, make, skip] of [
  ['aedes', aedesBroker, false],
  ['mosquitto', mosquittoBroker, mosquittoSkip],
] as const) {
  describe(`MQTT end to end with ${name}`, { skip }, () => {
    let broker: Broker;
    let svc: ReturnType<typeof service>;
    let rec: Recorder;
    before(async () => {
      broker = await make();
      svc = service(broker.url);
      await svc.bridge.start();
      rec = await new Recorder(broker.url).start();
    });
    after(async () => {
      await rec?.stop();
      await svc?.bridge.stop();
      await broker?.stop();
    });

    test('discovery and states arrive, valid', async () => {
      await rec.waitFor((m) => m.topic === 'arrgus/sonarr_4k/state');
      await rec.waitFor((m) => m.topic === 'homeassistant/event/arrgus_e2e/sonarr_4k_events/config');
      assert.equal(rec.json('arrgus/plex/state')?.records_per_minute, 12);
      if (schema) {
        const errors = rec.messages
          .filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'))
          .flatMap((m) => validateDiscovery(schema, m.topic, JSON.parse(m.payload)));
        assert.deepEqual(errors, []);
      }
    });

    test('a bus event reaches subscribers as an event', async () => {
      const from = rec.messages.length;
      const issue = makeIssue({ id: 'e2e1', sources: ['Sonarr 4K'], app: 'sonarr' });
      svc.issues.add(issue);
      svc.ctx.bus.emit('issue', { kind: 'regressed', issue, at: svc.ctx.clock.now() });
      const ev = await rec.waitFor((m) => m.topic === 'arrgus/sonarr_4k/event', 30_000, from);
      assert.equal(JSON.parse(ev.payload).event_type, 'regressed');
    });

    test('commands: mute one source, maintenance mode, acknowledge all', async () => {
      const from = rec.messages.length;
      rec.publish('arrgus/sonarr_4k/mute/set', 'ON');
      await rec.waitFor(
        (m) => m.topic === 'arrgus/sonarr_4k/state' && JSON.parse(m.payload).muted === true,
        30_000,
        from,
      );
      rec.publish('arrgus/bridge/mute/set', 'ON');
      await rec.waitFor(
        (m) => m.topic === 'arrgus/bridge/state' && JSON.parse(m.payload).maintenance === true,
        30_000,
        from,
      );
      await rec.waitFor(
        (m) => m.topic === 'arrgus/plex/state' && JSON.parse(m.payload).maintenance === true,
        30_000,
        from,
      );
      rec.publish('arrgus/bridge/acknowledge/set', 'PRESS');
      await rec.waitFor(
        (m) => m.topic === 'arrgus/sonarr_4k/state' && JSON.parse(m.payload).open_issues === 0,
        30_000,
        from,
      );
      assert.equal(svc.issues.get('e2e1')?.status, 'acknowledged');
    });

    test("Home Assistant's birth message brings discovery back", async () => {
      const from = rec.messages.length;
      rec.publish('homeassistant/status', 'online');
      await rec.waitFor((m) => m.topic.endsWith('/plex_problem/config'), 30_000, from);
    });

    test('the broker killed and restarted: Arrgus reconnects and republishes what the broker lost', async () => {
      await rec.stop();
      await broker.kill();
      await until('the bridge to see the broker gone', () => svc.bridge.mqtt?.connected === false);
      await broker.start();
      await svc.bridge.mqtt?.waitConnected(30_000);
      // What a new subscriber gets must come from the broker's retained store. One that connects while the
      // republication is still under way sees live (unflagged) copies, so subscribers are tried until one gets them
      // retained: waited for, not slept on.
      let cfg: Recorded | undefined;
      let st: Recorded | undefined;
      let tries = 0;
      await until('a new subscriber to get the republished topics retained', async () => {
        if (tries++ > 0) await rec.stop();
        rec = await new Recorder(broker.url).start();
        cfg = await rec.waitFor((m) => m.topic.endsWith('/plex_problem/config'), 30_000);
        st = await rec.waitFor((m) => m.topic === 'arrgus/sonarr_4k/state', 30_000);
        return cfg.retain && st.retain;
      });
      assert.ok(cfg && st);
      assert.equal(JSON.parse(st.payload).muted, true, 'state survives the broker');
      assert.equal(rec.last('arrgus/status'), 'online');
    });

    test('the broker absent at start: Arrgus starts anyway and connects when it appears', async () => {
      const port = await freePort();
      const late = service(`mqtt://127.0.0.1:${port}`);
      await late.bridge.start();
      late.ctx.bus.emit('issue', { kind: 'opened', issue: makeIssue({ id: 'nobroker' }), at: 0 });
      await new Promise((r) => setTimeout(r, 150));
      const b = await make(port);
      try {
        await late.bridge.mqtt?.waitConnected(30_000);
        const r = await new Recorder(b.url).start();
        await r.waitFor((m) => m.topic === 'arrgus/plex/state', 30_000);
        await r.stop();
      } finally {
        await late.bridge.stop();
        await b.stop();
      }
    });
  });
}
