import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { notifyTargetSchema, type WebhookTarget } from '../config/notify.ts';
import { ManualClock } from '../core/clock.ts';
import { alertContent, T0 } from './test-fixtures.ts';
import { type Peer, startPeer, webhookContract } from './test-peers.ts';
import { DeliveryError } from './types.ts';
import { createWebhook } from './webhook.ts';

const peers: Peer[] = [];
after(() => Promise.all(peers.map((p) => p.close())));

test("default payload is Sentarr's shape, with custom headers, basic auth and an idempotency key", async () => {
  const peer = await startPeer(webhookContract());
  peers.push(peer);
  const target = notifyTargetSchema.parse({
    name: 'ha',
    url: `json://bob:pw12@${peer.url.slice(7)}/api/webhook/arrgus?+X-Trace=abc`,
  }) as WebhookTarget;
  await createWebhook(target, new ManualClock(T0)).send(
    { id: 'inst-9', content: alertContent() },
    AbortSignal.timeout(2000),
  );
  const r = peer.accepted[0];
  const body = r?.json as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['details', 'message', 'severity', 'timestamp', 'title']);
  assert.equal(body.severity, 'high');
  assert.equal(body.timestamp, new Date(T0).toISOString());
  assert.equal((body.details as Record<string, unknown>).fingerprint, 'fp-db-locked');
  assert.equal(r?.headers['x-trace'], 'abc');
  assert.equal(r?.headers['idempotency-key'], 'inst-9');
  assert.equal(r?.headers.authorization, `Basic ${Buffer.from('bob:pw12').toString('base64')}`);
  assert.equal(r?.path, '/api/webhook/arrgus');
});

test('a custom JSON template fills placeholders and inserts the details object', async () => {
  const peer = await startPeer(webhookContract());
  peers.push(peer);
  const target = notifyTargetSchema.parse({
    name: 'custom',
    type: 'webhook',
    url: `${peer.url}/hook`,
    payload: { text: '[{{severity}}] {{title}}', data: '{{details}}', n: 1 },
  }) as WebhookTarget;
  await createWebhook(target, new ManualClock(T0)).send(
    { id: '1', content: alertContent() },
    AbortSignal.timeout(2000),
  );
  const body = peer.accepted[0]?.json as Record<string, unknown>;
  assert.equal(body.text, '[high] sonarr: SQLite database is locked');
  assert.equal((body.data as Record<string, unknown>).alertId, 'alert-1');
  assert.equal(body.n, 1);
});

test('socket failures are classified: refused, DNS, timeout', async () => {
  const refused = notifyTargetSchema.parse({ name: 'r', url: 'json://127.0.0.1:1/x' }) as WebhookTarget;
  await assert.rejects(
    createWebhook(refused, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'refused',
  );
  const dns = notifyTargetSchema.parse({ name: 'd', url: 'json://no-such-host.invalid/x' }) as WebhookTarget;
  await assert.rejects(
    createWebhook(dns, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(5000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'dns' && /DNS/.test(e.message),
  );
  const peer = await startPeer(webhookContract());
  peers.push(peer);
  peer.fault = () => 'hang';
  const hang = notifyTargetSchema.parse({ name: 'h', url: `json://${peer.url.slice(7)}/x` }) as WebhookTarget;
  await assert.rejects(
    createWebhook(hang, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(100)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'timeout',
  );
});
