/**
 * Stale entities are removed at start whatever the broker remembers: the topics published by the last run are kept in
 * dataDir, so a source removed from the configuration loses its entities even on a broker that forgot every retained
 * message (the embedded broker after a restart, a reinstalled Mosquitto).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ConfigInput } from '../config/schema.ts';
import { silentLogger } from '../core/logger.ts';
import { testContext } from '../core/testing.ts';
import { MqttBridge } from './bridge.ts';
import { EmbeddedBroker } from './broker.ts';
import { FakeIssues, FakeMutes, FakeStats } from './fakes.ts';
import { Recorder } from './recorder.ts';

const stops: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

/** A broker that has never seen Arrgus (nothing retained). */
async function freshBroker(): Promise<string> {
  const b = new EmbeddedBroker({ host: '127.0.0.1', port: 0, allowAnonymous: false }, silentLogger);
  await b.start();
  stops.push(() => b.stop());
  return `mqtt://127.0.0.1:${b.port}`;
}

/** One run of the bridge; `logs` is its live log. */
async function run(
  url: string,
  dataDir: string,
  sources: ConfigInput['sources'],
): Promise<{ bridge: MqttBridge; logs: string[] }> {
  const { ctx, logs } = testContext({ dataDir, sources, mqtt: { url, minStateInterval: '20ms', stateInterval: '1h' } });
  ctx.instanceId = 'stale';
  const bridge = new MqttBridge({
    ctx,
    issues: new FakeIssues(ctx.bus),
    mutes: new FakeMutes(ctx.bus),
    stats: new FakeStats(),
    supervisor: null,
    random: () => 0,
  });
  await bridge.start();
  stops.push(() => bridge.stop());
  return { bridge, logs };
}

test('a removed source loses its entities at the next start even on a broker that forgot them', async () => {
  const { ctx } = testContext();
  const dataDir = ctx.config.dataDir;
  const both = [
    { name: 'plex', app: 'plex' as const, path: '/logs/plex' },
    { name: 'sonarr', app: 'sonarr' as const, path: '/logs/sonarr' },
  ];
  const { bridge: first } = await run(await freshBroker(), dataDir, both);
  // The first run recorded what it published.
  const deadline = Date.now() + 10_000;
  let listed: string[] = [];
  while (!listed.some((t) => t.includes('sonarr_')) && Date.now() < deadline) {
    try {
      listed = (JSON.parse(readFileSync(join(dataDir, 'mqtt-published.json'), 'utf8')) as { topics: string[] }).topics;
    } catch {
      // Not written yet: the bridge writes it once connected.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const sonarrConfigs = listed.filter((t) => t.startsWith('homeassistant/') && t.includes('/sonarr_'));
  assert.ok(sonarrConfigs.length > 5, listed.join('\n'));
  assert.ok(listed.includes('arrgus/sonarr/state'));
  await first.stop();

  // A broker with no memory, Home Assistant (the recorder) listening, and the configuration without sonarr.
  const url = await freshBroker();
  const ha = await new Recorder(url, ['homeassistant/#', 'arrgus/#']).start();
  stops.push(() => ha.stop());
  ha.publish('arrgus/probe', 'x', false);
  await ha.waitFor((m) => m.topic === 'arrgus/probe');
  await run(url, dataDir, [both[0] as (typeof both)[number]]);
  for (const topic of [...sonarrConfigs, 'arrgus/sonarr/state', 'arrgus/sonarr/availability'])
    await ha.waitFor((m) => m.topic === topic && m.payload === '', 5000);
  // plex stays, and the list now names only what this configuration publishes.
  assert.ok(!ha.messages.some((m) => m.topic.includes('/plex_') && m.payload === ''));
  const now = (JSON.parse(readFileSync(join(dataDir, 'mqtt-published.json'), 'utf8')) as { topics: string[] }).topics;
  assert.ok(!now.some((t) => t.includes('sonarr')));
  assert.ok(now.some((t) => t.includes('/plex_')));
});

test('another instance on the same base topic: its states are left alone and the log says what to change', async () => {
  const { ctx } = testContext();
  const url = await freshBroker();
  const other = await new Recorder(url, ['arrgus/#']).start();
  stops.push(() => other.stop());
  other.publish('arrgus/bridge/state', JSON.stringify({ instance_id: 'someoneelse', version: '0.1.0' }), true);
  other.publish('arrgus/radarr/state', JSON.stringify({ source: 'radarr' }), true);
  await other.waitFor((m) => m.topic === 'arrgus/radarr/state');
  const { logs } = await run(url, ctx.config.dataDir, [{ name: 'plex', app: 'plex', path: '/logs/plex' }]);
  const deadline = Date.now() + 5000;
  while (!logs.some((l) => l.includes('Another Arrgus instance (someoneelse)')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    logs.some((l) => l.includes('give each instance its own mqtt.baseTopic')),
    logs.join('\n'),
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!other.messages.some((m) => m.topic === 'arrgus/radarr/state' && m.payload === ''));
});
