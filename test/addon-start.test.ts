/**
 * The add-on's start path against a fake Home Assistant Supervisor on loopback (`/services/mqtt`, `/addons/self/info`,
 * `/discovery`), configured the way the add-on is: `/data/options.json` with the manifest's default options plus
 * `arrgus.yaml` in the add-on's config folder. With the Mosquitto add-on, Arrgus uses the Supervisor's broker and
 * credentials; without it, Arrgus's own broker listens for Home Assistant with generated credentials and is announced.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { loadConfig } from '../src/config/load.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { subscriber } from '../src/mqtt/test-clients.ts';
import { Mosquitto, mosquittoSkip } from './helpers/mosquitto.ts';
import { waitFor } from './helpers/wait.ts';

const SLUG = '1a2b3c4d_arrgus';
const TOKEN = 'supervisor-token-for-tests';
const manifest = JSON.parse(readFileSync(new URL('../config.json', import.meta.url), 'utf8')) as {
  options: Record<string, unknown>;
};

interface Call {
  method: string;
  path: string;
  auth: string;
  body: unknown;
}

/** A Supervisor that knows a broker (the Mosquitto add-on) or none. */
async function fakeSupervisor(mqttService: object | null): Promise<{ url: string; calls: Call[]; server: Server }> {
  const calls: Call[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const call = {
      method: req.method ?? '',
      path: req.url ?? '',
      auth: req.headers.authorization ?? '',
      body: text ? JSON.parse(text) : null,
    };
    calls.push(call);
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (call.auth !== `Bearer ${TOKEN}`) return send(401, { result: 'error', message: 'Unauthorized' });
    if (call.method === 'GET' && call.path === '/services/mqtt')
      return mqttService
        ? send(200, { result: 'ok', data: mqttService })
        : send(400, { result: 'error', message: 'No mqtt service available' });
    if (call.method === 'GET' && call.path === '/addons/self/info')
      return send(200, { result: 'ok', data: { slug: SLUG, hostname: '1a2b3c4d-arrgus', version: '0.1.0' } });
    if (call.method === 'POST' && call.path === '/discovery')
      return send(200, { result: 'ok', data: { uuid: 'c3a5b6e8f0a94c1e9f0f1f2f3f4f5f6f' } });
    send(404, { result: 'error', message: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, calls, server };
}

/** The add-on's files: the default options as the Supervisor writes them, and arrgus.yaml in the config folder. */
function addonFiles(extraYaml: string): { options: string; configDir: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-addon-start-'));
  const options = join(dir, 'options.json');
  writeFileSync(options, JSON.stringify(manifest.options));
  const configDir = join(dir, 'config');
  mkdirSync(configDir);
  // Loopback-only API and free ports for the test; data in a temp dir instead of /data.
  writeFileSync(
    join(configDir, 'arrgus.yaml'),
    `dataDir: ${join(dir, 'data')}\ninstanceId: addon\nweb:\n  port: 0\n  host: 127.0.0.1\n${extraYaml}`,
  );
  return { options, configDir, dir };
}

/** The last payload per topic a client sees on `filter`, once `enough` holds for them. */
async function watch(
  url: string,
  opts: mqtt.IClientOptions,
  filter: string,
  enough: (m: Map<string, string>) => boolean,
): Promise<Map<string, string>> {
  const { c, got } = await subscriber(url, filter, opts);
  const last = () => new Map(got.map((m) => [m.topic, m.payload]));
  try {
    return await waitFor(`messages on ${filter}`, () => (enough(last()) ? last() : undefined));
  } finally {
    await c.endAsync();
  }
}

const bridgeConfig = (m: Map<string, string>) =>
  [...m].find(([t]) => t.startsWith('homeassistant/') && t.endsWith('/config') && t.includes('addon'));

describe('the add-on start path', { skip: mosquittoSkip }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test('with the Mosquitto add-on: the Supervisor broker and its credentials, the panel through ingress', async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.stop());
    const sup = await fakeSupervisor({
      host: '127.0.0.1',
      port: broker.port,
      ssl: false,
      username: 'addons',
      password: 'secret-from-supervisor',
      protocol: '3.1.1',
    });
    cleanups.push(() => new Promise((r) => sup.server.close(r)));
    const files = addonFiles('');
    const { config, layers } = loadConfig({
      env: {},
      addonOptionsPath: files.options,
      addonConfigDir: files.configDir,
    });
    assert.deepEqual(layers, ['defaults', files.options, join(files.configDir, 'arrgus.yaml')]);
    const logs = memoryLogger('debug');
    const service = new Service(config, {
      logger: logs,
      supervisor: { token: TOKEN, baseUrl: sup.url },
      defaultRoots: { root: files.dir },
    });
    cleanups.push(() => service.stop());
    await service.start();

    const seen = await watch(broker.url, {}, 'homeassistant/#', (m) => bridgeConfig(m) !== undefined);
    const [, payload] = bridgeConfig(seen) as [string, string];
    const cfg = JSON.parse(payload) as {
      dev?: { cu?: string };
      device?: { configuration_url?: string };
      o?: { su?: string };
      origin?: { support_url?: string };
    };
    assert.equal(cfg.dev?.cu ?? cfg.device?.configuration_url, `homeassistant://hassio/ingress/${SLUG}`);
    assert.equal(cfg.o?.su ?? cfg.origin?.support_url, 'https://github.com/arrgus/arrgus');
    assert.equal(service.mqtt.embeddedPort, undefined, 'no embedded broker when the Supervisor offers one');
    assert.ok(sup.calls.some((c) => c.path === '/services/mqtt'));
    assert.ok(!sup.calls.some((c) => c.path === '/discovery'), 'nothing to announce');
    assert.ok(logs.lines.some((l) => l.includes('MQTT broker of Home Assistant')));
    // The startup log says where it looked for logs, with absolute paths.
    assert.ok(
      logs.lines.some((l) => l.includes(`looked in ${files.dir}/`)),
      logs.lines.join('\n'),
    );
    assert.ok(logs.lines.some((l) => l.includes(`data in ${config.dataDir}`)));
    assert.doesNotMatch(logs.lines.join('\n'), /secret-from-supervisor/);
  });

  test('without Mosquitto: the embedded broker listens for Home Assistant with credentials and is announced', async () => {
    const sup = await fakeSupervisor(null);
    cleanups.push(() => new Promise((r) => sup.server.close(r)));
    const files = addonFiles('mqtt:\n  embedded:\n    port: 0\n');
    const { config } = loadConfig({ env: {}, addonOptionsPath: files.options, addonConfigDir: files.configDir });
    const logs = memoryLogger('debug');
    const service = new Service(config, {
      logger: logs,
      supervisor: { token: TOKEN, baseUrl: sup.url },
      defaultRoots: { root: files.dir },
    });
    cleanups.push(() => service.stop());
    await service.start();

    const announce = await waitFor('the MQTT announcement', () => sup.calls.find((c) => c.path === '/discovery'));
    assert.equal(announce.method, 'POST');
    const body = announce.body as {
      service: string;
      config: { host: string; port: number; username: string; password: string };
    };
    assert.equal(body.service, 'mqtt');
    assert.equal(body.config.host, '1a2b3c4d-arrgus');
    assert.equal(body.config.port, service.mqtt.embeddedPort);
    assert.equal(body.config.username, 'arrgus');
    assert.ok(body.config.password.length >= 16);
    // The credentials are kept in dataDir (Home Assistant keeps using them after a restart) and never logged.
    const stored = JSON.parse(readFileSync(join(config.dataDir, 'mqtt-credentials.json'), 'utf8')) as {
      password: string;
    };
    assert.equal(stored.password, body.config.password);
    assert.ok(logs.lines.some((l) => l.includes("offered Arrgus's own broker")));
    assert.doesNotMatch(logs.lines.join('\n'), new RegExp(body.config.password));

    // Home Assistant, from another container: reaches the broker beyond loopback with the announced credentials.
    const url = `mqtt://127.0.0.1:${body.config.port}`;
    const seen = await watch(
      url,
      { username: body.config.username, password: body.config.password },
      'homeassistant/#',
      (m) => bridgeConfig(m) !== undefined,
    );
    const [, payload] = bridgeConfig(seen) as [string, string];
    assert.match(payload, new RegExp(`homeassistant://hassio/ingress/${SLUG}`));
    // ... and nobody gets in without them.
    await assert.rejects(mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 }));
    await assert.rejects(
      mqtt.connectAsync(url, {
        username: 'arrgus',
        password: 'wrong-password',
        reconnectPeriod: 0,
        connectTimeout: 5000,
      }),
    );
  });
});
