import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { mqttSchema } from '../config/mqtt.ts';
import { memoryLogger } from '../core/logger.ts';
import { announceMqtt, chooseBroker, fetchAddonSelf, fetchSupervisorMqtt, ingressPanelUrl } from './supervisor.ts';

let answer: { status: number; body: unknown } = { status: 200, body: {} };
let auth = '';
const server = createServer((req, res) => {
  auth = req.headers.authorization ?? '';
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer.body));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
after(() => new Promise((r) => server.close(r)));

test('asks the Supervisor with the token and reads the broker', async () => {
  answer = {
    status: 200,
    body: {
      result: 'ok',
      data: {
        host: 'core-mosquitto',
        port: 1883,
        ssl: false,
        username: 'addons',
        password: 'pw-from-supervisor',
        protocol: '3.1.1',
      },
    },
  };
  const log = memoryLogger();
  const got = await fetchSupervisorMqtt({ token: 'sup-token', baseUrl }, log);
  assert.equal(auth, 'Bearer sup-token');
  assert.deepEqual(got, {
    host: 'core-mosquitto',
    port: 1883,
    ssl: false,
    username: 'addons',
    password: 'pw-from-supervisor',
    protocol: '3.1.1',
  });
  const choice = chooseBroker(mqttSchema.parse({}), got);
  assert.deepEqual(choice, {
    kind: 'external',
    url: 'mqtt://core-mosquitto:1883',
    origin: 'supervisor',
    username: 'addons',
    password: 'pw-from-supervisor',
  });
  assert.ok(!log.lines.some((l) => l.includes('pw-from-supervisor') || l.includes('sup-token')));
});

test('no MQTT service (400) or no Supervisor: the configured or embedded broker', async () => {
  answer = { status: 400, body: { result: 'error', message: 'Service not enabled' } };
  assert.equal(await fetchSupervisorMqtt({ token: 't', baseUrl }, memoryLogger()), null);
  assert.equal(
    await fetchSupervisorMqtt({ token: 't', baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 }, memoryLogger()),
    null,
  );
  assert.deepEqual(chooseBroker(mqttSchema.parse({}), null), { kind: 'embedded' });
});

test('user options win over the Supervisor', () => {
  const sup = { host: 'core-mosquitto', port: 8883, ssl: true, username: 'addons', password: 'x' };
  assert.deepEqual(chooseBroker(mqttSchema.parse({ username: 'me', password: 'mine' }), sup), {
    kind: 'external',
    url: 'mqtts://core-mosquitto:8883',
    origin: 'supervisor',
    username: 'me',
    password: 'mine',
  });
  assert.deepEqual(chooseBroker(mqttSchema.parse({ url: 'ws://broker:9001' }), sup), {
    kind: 'external',
    url: 'ws://broker:9001',
    origin: 'config',
  });
});

test('the add-on knows its slug and host name; without the Supervisor, from the container host name', async () => {
  answer = { status: 200, body: { result: 'ok', data: { slug: '1a2b3c4d_arrgus', hostname: '1a2b3c4d-arrgus' } } };
  assert.deepEqual(await fetchAddonSelf({ token: 't', baseUrl }, memoryLogger()), {
    slug: '1a2b3c4d_arrgus',
    hostname: '1a2b3c4d-arrgus',
  });
  const log = memoryLogger();
  const unreachable = { token: 't', baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 };
  assert.deepEqual(await fetchAddonSelf(unreachable, log, 'local-arrgus'), {
    slug: 'local_arrgus',
    hostname: 'local-arrgus',
  });
  assert.ok(log.lines.some((l) => l.includes('Could not reach the Home Assistant Supervisor')));
  assert.equal(ingressPanelUrl('local_arrgus'), 'homeassistant://hassio/ingress/local_arrgus');
});

test('announcing the broker: true when the Supervisor accepts, false (and a warning) when it refuses', async () => {
  const service = { host: 'h', port: 1883, username: 'arrgus', password: 'announced-secret' };
  answer = { status: 200, body: { result: 'ok', data: { uuid: 'u' } } };
  assert.equal(await announceMqtt({ token: 't', baseUrl }, service, memoryLogger()), true);
  answer = { status: 403, body: { result: 'error', message: 'discovery not declared' } };
  const log = memoryLogger();
  assert.equal(await announceMqtt({ token: 't', baseUrl }, service, log), false);
  assert.ok(log.lines.some((l) => l.includes('refused POST /discovery') && l.includes('discovery not declared')));
});
