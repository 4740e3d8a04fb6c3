import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../test/api-fakes.ts';
import { memoryLogger } from '../core/logger.ts';
import { MqttConnection, safeUrl } from './client.ts';

test('URLs in logs lose their user info', () => {
  assert.equal(safeUrl('mqtt://user:s3cret@broker:1883'), 'mqtt://broker:1883');
  assert.equal(safeUrl('wss://u:p@example.com/mqtt'), 'wss://example.com/mqtt');
  assert.ok(!safeUrl('mqtt://u:p@[bad').includes('p@'));
});

test('retries with growing delays while no broker listens, and logs the failure once as a warning', async () => {
  const log = memoryLogger();
  const c = new MqttConnection(
    {
      url: 'mqtt://u:hunter22@127.0.0.1:1',
      clientId: 'x',
      keepalive: 10,
      reconnectMin: 20,
      reconnectMax: 80,
      random: () => 0.5,
    },
    log,
  );
  await c.start();
  // Waits for the attempts, not for a fixed time: a loaded machine runs the 20-80 ms timers late.
  const failures = () => log.lines.filter((l) => l.includes('attempt failed'));
  await waitFor(() => failures().length >= 3, 30_000, 'three more attempts after the first');
  await c.stop();
  const warns = log.lines.filter((l) => l.includes('WARN'));
  assert.equal(warns.length, 1);
  // Each retry is counted: the log names attempts 1, 2, 3 (the attempt number is what the delay grows with).
  const numbers = failures().map((l) => Number(/"attempt":(\d+)/.exec(l)?.[1]));
  assert.deepEqual(numbers.slice(0, 3), [1, 2, 3], failures().join('\n'));
  assert.ok(!log.lines.some((l) => l.includes('hunter22')));
  assert.equal(c.publish('t', 'x', false), false, 'nothing is queued while offline');
});

test('a missing TLS file is a clear error', async () => {
  const c = new MqttConnection(
    {
      url: 'mqtts://127.0.0.1:1',
      clientId: 'x',
      keepalive: 10,
      reconnectMin: 20,
      reconnectMax: 80,
      tls: { ca: '/nonexistent/ca.pem', rejectUnauthorized: true },
    },
    memoryLogger(),
  );
  await assert.rejects(c.start(), /cannot read the MQTT TLS CA file \/nonexistent\/ca.pem: ENOENT/);
});
