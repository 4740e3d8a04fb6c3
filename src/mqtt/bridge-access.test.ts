/**
 * The bridge with its embedded broker and no configured credentials, as a plain `npm start` runs it, seen by real
 * mqtt.js clients: anonymous clients cannot command Arrgus, Home Assistant logging in with the generated credentials
 * can, and a foreign `offline` on Arrgus's status topic is corrected while Arrgus is up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConfigInput } from '../config/schema.ts';
import { clearSecrets } from '../core/redact.ts';
import { testContext } from '../core/testing.ts';
import { loadBrokerCredentials } from '../store/broker-credentials.ts';
import { MqttBridge } from './bridge.ts';
import { haCleanup } from './cleanup.ts';
import { FakeIssues, FakeMutes, FakeStats } from './fakes.ts';
import { client, until } from './test-clients.ts';

function build(mqttConfig: ConfigInput['mqtt']) {
  const { ctx, logs } = testContext({
    sources: [{ name: 'plex', app: 'plex', path: '/logs/plex' }],
    mqtt: { minStateInterval: '20ms', stateInterval: '1h', reconnectMin: '50ms', reconnectMax: '200ms', ...mqttConfig },
    homeassistant: { birthDelay: '30ms' },
  });
  const mutes = new FakeMutes(ctx.bus);
  const bridge = new MqttBridge({
    ctx,
    issues: new FakeIssues(ctx.bus),
    mutes,
    stats: new FakeStats(),
    supervisor: null,
    random: () => 0.5,
  });
  return { ctx, logs, mutes, bridge };
}

describe('a bridge with its embedded broker and no configured credentials', { timeout: 60_000 }, () => {
  const t = build({ embedded: { port: 0 } });
  let url = '';
  let creds: { username: string; password: string };
  before(async () => {
    await t.bridge.start();
    await t.bridge.mqtt?.waitConnected(5000);
    url = `mqtt://127.0.0.1:${t.bridge.embeddedPort}`;
    creds = loadBrokerCredentials(t.ctx.config.dataDir);
  });
  after(async () => {
    await t.bridge.stop();
    clearSecrets();
  });

  test('Arrgus logs in with generated credentials, says where they are, never logs the password', () => {
    assert.ok(t.logs.some((l) => l.includes('log in to the embedded broker as arrgus with the password in')));
    assert.ok(t.logs.some((l) => l.includes('mqtt-credentials.json')));
    assert.ok(!t.logs.some((l) => l.includes(creds.password)));
  });

  test('an anonymous client cannot switch maintenance on; Home Assistant with the credentials can', async () => {
    const anon = await client(url);
    await anon.c.subscribeAsync('arrgus/#', { qos: 1 });
    await until('the retained bridge state', () => anon.got.find((g) => g.topic === 'arrgus/bridge/state'));
    anon.c.publish('arrgus/bridge/mute/set', 'ON', { qos: 1 });
    await anon.closed;
    const ha = await client(url, creds);
    await ha.c.subscribeAsync('arrgus/bridge/response', { qos: 1 });
    // Commands are handled in arrival order: the answer to this one comes after anything the refused one did.
    await ha.c.publishAsync('arrgus/plex/mute/set', 'ON', { qos: 1 });
    const answers = await until('the answer', () => (ha.got.length ? ha.got : undefined));
    assert.equal(answers.length, 1, 'only the logged-in command was answered');
    assert.equal(JSON.parse(answers[0]?.payload ?? '{}').command, 'plex/mute/set');
    assert.equal(t.mutes.isMuted(null), false, 'maintenance mode stayed off');
    assert.equal(t.mutes.isMuted('plex'), true);
    await ha.c.endAsync();
  });

  test('a retained "offline" someone else publishes on arrgus/status is corrected while Arrgus is up', async () => {
    const other = await client(url, creds);
    await other.c.subscribeAsync('arrgus/status', { qos: 1 });
    await until('the retained online', () => other.got.find((g) => g.payload === 'online'));
    const from = other.got.length;
    await other.c.publishAsync('arrgus/status', 'offline', { qos: 1, retain: true });
    await until('online again', () => other.got.slice(from).find((g) => g.payload === 'online'));
    await other.c.endAsync();
    // What Home Assistant reads when it connects now: the retained message is "online".
    const late = await client(url);
    await late.c.subscribeAsync('arrgus/status', { qos: 1 });
    const retained = await until('the retained status', () => late.got.find((g) => g.topic === 'arrgus/status'));
    assert.equal(retained.payload, 'online');
    await late.c.endAsync();
    assert.ok(t.logs.some((l) => l.includes('WARN') && l.includes('published "online" again')));
  });

  test('a flood of foreign "offline" messages costs a bounded number of corrections', async () => {
    const other = await client(url, creds);
    await other.c.subscribeAsync('arrgus/status', { qos: 1 });
    await until('the retained online', () => other.got.find((g) => g.payload === 'online'));
    const from = other.got.length;
    for (let i = 0; i < 200; i++) other.c.publish('arrgus/status', 'offline', { qos: 0, retain: true });
    await other.c.publishAsync('arrgus/flood/done', 'x', { qos: 1 });
    // The last word is Arrgus's, and it did not answer each message.
    await until('online after the flood', () => {
      const after = other.got.slice(from);
      const lastOffline = after.map((g) => g.payload).lastIndexOf('offline');
      return after.length >= 200 && after.slice(lastOffline + 1).some((g) => g.payload === 'online') ? true : undefined;
    });
    const onlines = other.got.slice(from).filter((g) => g.payload === 'online').length;
    assert.ok(onlines <= 50, `${onlines} corrections for 200 messages`);
    await other.c.endAsync();
  });
});

test('ha-cleanup logs in with the generated credentials, so it may empty the retained topics', async () => {
  const t = build({ embedded: { port: 0 } });
  await t.bridge.start();
  try {
    await t.bridge.mqtt?.waitConnected(5000);
    const port = t.bridge.embeddedPort as number;
    const url = `mqtt://127.0.0.1:${port}`;
    const watcher = await client(url);
    await watcher.c.subscribeAsync('homeassistant/#', { qos: 1 });
    const config = await until('a discovery config', () => watcher.got.find((g) => g.topic.endsWith('/config')));
    const m = t.ctx.config.mqtt;
    const result = await haCleanup({
      config: { ...t.ctx.config, mqtt: { ...m, embedded: { ...m.embedded, port } } },
      instanceId: t.ctx.instanceId,
      version: '0',
      logger: t.ctx.logger,
      supervisor: null,
      quietMs: 150,
    });
    assert.ok(result.removed.includes(config.topic));
    await until('the config emptied', () =>
      watcher.got.find((g) => g.topic === config.topic && g.payload === '') ? true : undefined,
    );
    await watcher.c.endAsync();
  } finally {
    await t.bridge.stop();
    clearSecrets();
  }
});

test('a clean stop still says offline, and it stands', async () => {
  const t = build({ embedded: { port: 0 } });
  await t.bridge.start();
  await t.bridge.mqtt?.waitConnected(5000);
  const url = `mqtt://127.0.0.1:${t.bridge.embeddedPort}`;
  const creds = loadBrokerCredentials(t.ctx.config.dataDir);
  const watcher = await client(url, creds);
  await watcher.c.subscribeAsync('arrgus/status', { qos: 1 });
  await until('online', () => watcher.got.find((g) => g.payload === 'online'));
  const from = watcher.got.length;
  const stopping = t.bridge.stop();
  await until('offline', () => watcher.got.slice(from).find((g) => g.payload === 'offline'));
  await stopping;
  assert.ok(!watcher.got.slice(from).some((g) => g.payload === 'online'));
  clearSecrets();
});

test('beyond loopback without a password: it starts, and only clients with the generated credentials get in', async () => {
  const t = build({ embedded: { port: 0, host: '0.0.0.0' } });
  await t.bridge.start();
  try {
    await t.bridge.mqtt?.waitConnected(5000);
    const url = `mqtt://127.0.0.1:${t.bridge.embeddedPort}`;
    await assert.rejects(client(url), /bad username or password/i);
    const ok = await client(url, loadBrokerCredentials(t.ctx.config.dataDir));
    await ok.c.endAsync();
    assert.ok(t.logs.some((l) => l.includes('clients must log in as arrgus')));
  } finally {
    await t.bridge.stop();
    clearSecrets();
  }
  const open = build({ embedded: { port: 0, host: '0.0.0.0', allowAnonymous: true } });
  await open.bridge.start();
  assert.ok(open.logs.some((l) => l.includes('WARN') && l.includes('ANONYMOUS clients are accepted')));
  await open.bridge.stop();
  clearSecrets();
});
