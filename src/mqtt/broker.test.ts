/**
 * The embedded broker's access rules, with real mqtt.js clients: anonymous clients read everything and publish only
 * outside the guarded topics; logged-in clients publish anywhere; wrong passwords are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { memoryLogger } from '../core/logger.ts';
import { EmbeddedBroker } from './broker.ts';
import { client, until } from './test-clients.ts';

const writer = { username: 'arrgus', password: 'generated-password-123' };

let markers = 0;

/** What a client subscribing now gets as retained on `topic` (waited for behind a marker, not for a fixed time). */
async function retainedOn(url: string, topic: string): Promise<string | undefined> {
  const w = await client(url, writer);
  const marker = `marker/${++markers}`;
  await w.c.publishAsync(marker, 'x', { retain: true, qos: 1 });
  await w.c.subscribeAsync([topic, marker], { qos: 1 });
  // Retained messages are sent in subscription order: once the marker is in, so is anything on `topic`.
  await until('the marker', () => (w.got.some((g) => g.topic === marker) ? true : undefined));
  await w.c.publishAsync(marker, '', { retain: true, qos: 1 });
  await w.c.endAsync();
  return w.got.find((g) => g.topic === topic)?.payload;
}

describe('the embedded broker on loopback with generated credentials', { timeout: 60_000 }, () => {
  const logs = memoryLogger('debug');
  const broker = new EmbeddedBroker(
    {
      host: '127.0.0.1',
      port: 0,
      allowAnonymous: false,
      writer,
      guarded: ['arrgus', 'homeassistant'],
      open: ['homeassistant/status'],
    },
    logs,
  );
  let url = '';
  let watcher: Awaited<ReturnType<typeof client>>;
  before(async () => {
    await broker.start();
    url = `mqtt://127.0.0.1:${broker.port}`;
    watcher = await client(url, writer);
    await watcher.c.subscribeAsync('#', { qos: 1 });
  });
  after(async () => {
    await watcher.c.endAsync();
    await broker.stop();
  });

  test('says at start that anonymous clients are read-only', () => {
    assert.ok(logs.lines.some((l) => l.includes('anonymous clients are accepted, read-only under their topics')));
  });

  test('an anonymous client reads everything', async () => {
    const anon = await client(url);
    await anon.c.subscribeAsync('#', { qos: 1 });
    await watcher.c.publishAsync('arrgus/plex/state', '{"ok":true}', { qos: 1 });
    await until('the state at the anonymous client', () => anon.got.find((g) => g.topic === 'arrgus/plex/state'));
    await anon.c.endAsync();
  });

  for (const [what, topic, payload, retain] of [
    ['switch maintenance on', 'arrgus/bridge/mute/set', 'ON', false],
    ['say Arrgus is offline', 'arrgus/status', 'offline', true],
    ['add a discovery config', 'homeassistant/switch/fake/config', '{"command_topic":"arrgus/x"}', true],
  ] as const) {
    test(`an anonymous client cannot ${what}: it is disconnected and nothing is delivered or retained`, async () => {
      const refused = broker.refusedPublishes;
      const anon = await client(url);
      anon.c.publish(topic, payload, { qos: 1, retain });
      await anon.closed;
      // Whatever the broker accepted from it was routed before it closed the connection; a marker after proves it.
      await watcher.c.publishAsync('after/refusal', topic, { qos: 1 });
      await until('the marker', () => watcher.got.find((g) => g.topic === 'after/refusal' && g.payload === topic));
      assert.ok(!watcher.got.some((g) => g.topic === topic && g.payload === payload));
      assert.equal(await retainedOn(url, topic), undefined);
      assert.equal(broker.refusedPublishes, refused + 1);
      // One WARN a minute however many: the first refusal wrote it.
      assert.equal(logs.lines.filter((l) => l.includes('anonymous MQTT client tried to publish')).length, 1);
    });
  }

  test("an anonymous client's last will on a guarded topic is not published", async () => {
    const refused = broker.refusedPublishes;
    const anon = await client(url, { will: { topic: 'arrgus/status', payload: Buffer.from('offline'), retain: true } });
    anon.c.stream.destroy(); // vanishes without DISCONNECT: the broker would publish the will
    await until('the refusal of the will', () => (broker.refusedPublishes > refused ? true : undefined));
    assert.ok(!watcher.got.some((g) => g.topic === 'arrgus/status' && g.payload === 'offline'));
    assert.equal(await retainedOn(url, 'arrgus/status'), undefined);
  });

  test("an anonymous client may publish Home Assistant's birth and topics of its own", async () => {
    const anon = await client(url);
    await anon.c.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await anon.c.publishAsync('garden/sprinkler', 'on', { qos: 1 });
    await until('both', () =>
      watcher.got.some((g) => g.topic === 'homeassistant/status') &&
      watcher.got.some((g) => g.topic === 'garden/sprinkler')
        ? true
        : undefined,
    );
    await anon.c.endAsync();
  });

  test('a client logged in with the credentials publishes commands and retained state', async () => {
    const ha = await client(url, writer);
    await ha.c.publishAsync('arrgus/bridge/mute/set', 'ON', { qos: 1 });
    await until('the command', () =>
      watcher.got.find((g) => g.topic === 'arrgus/bridge/mute/set' && g.payload === 'ON'),
    );
    await ha.c.publishAsync('arrgus/status', 'online', { qos: 1, retain: true });
    assert.equal(await retainedOn(url, 'arrgus/status'), 'online');
    await ha.c.publishAsync('$SYS/x', 'y', { qos: 0 }).catch(() => {});
    await ha.closed;
  });

  test('a wrong password is refused', async () => {
    await assert.rejects(client(url, { username: 'arrgus', password: 'wrong' }), /bad username or password/i);
    await assert.rejects(client(url, { username: 'someone', password: writer.password }), /bad username or password/i);
  });
});

test('beyond loopback without allowAnonymous: only clients with the credentials get in', {
  timeout: 30_000,
}, async () => {
  const logs = memoryLogger('debug');
  const broker = new EmbeddedBroker(
    { host: '0.0.0.0', port: 0, allowAnonymous: false, writer, guarded: ['arrgus'], open: [] },
    logs,
  );
  await broker.start();
  try {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    await assert.rejects(client(url), /bad username or password/i);
    const ok = await client(url, writer);
    await ok.c.endAsync();
    assert.ok(logs.lines.some((l) => l.includes('clients must log in as arrgus')));
  } finally {
    await broker.stop();
  }
});
