import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type NtfyTarget, notifyTargetSchema } from '../config/notify.ts';
import { ManualClock } from '../core/clock.ts';
import { createNtfy } from './ntfy.ts';
import { alertContent, T0 } from './test-fixtures.ts';
import { ntfyContract, type Peer, startPeer } from './test-peers.ts';
import { DeliveryError } from './types.ts';

const peers: Peer[] = [];
after(() => Promise.all(peers.map((p) => p.close())));

async function setup(token = 'tk_secret1') {
  const peer = await startPeer(ntfyContract({ token }));
  peers.push(peer);
  const target = notifyTargetSchema.parse({
    name: 'phone',
    url: `ntfy://${token}@${peer.url.slice(7)}/arrgus`,
  }) as NtfyTarget;
  return { peer, target };
}

const signal = () => AbortSignal.timeout(2000);

test('publishes JSON with title, markdown body, priority and tags from severity, and a click link', async () => {
  const { peer, target } = await setup();
  await createNtfy(target, new ManualClock(T0)).send({ id: 'x-1', content: alertContent() }, signal());
  assert.equal(peer.accepted.length, 1);
  const m = peer.accepted[0]?.json as Record<string, unknown>;
  assert.equal(m.topic, 'arrgus');
  assert.equal(m.priority, 4);
  assert.deepEqual(m.tags, ['warning', 'sonarr', 'database']);
  assert.equal(m.click, 'http://arrgus.local:8099/issues/fp-db-locked');
  assert.equal(m.markdown, true);
  assert.match(String(m.title), /sonarr: SQLite database is locked/);
  assert.match(String(m.message), /\*\*Suppressed:\*\* 3 more/);
  assert.doesNotMatch(String(m.message), /0123456789abcdef0123/, 'the apikey in the sample is redacted');
});

test("a wrong token is reported as 401 with ntfy's own error text", async () => {
  const { target } = await setup('tk_right');
  const wrong = { ...target, token: 'tk_wrong' };
  await assert.rejects(
    createNtfy(wrong, new ManualClock(T0)).send({ id: 'x', content: alertContent() }, signal()),
    (e: unknown) =>
      e instanceof DeliveryError && e.kind === 'auth' && e.status === 401 && /unauthorized/.test(e.message),
  );
});

test('429 carries Retry-After; a huge message is cut below the size limit instead of failing', async () => {
  const { peer, target } = await setup();
  peer.fault = () => ({
    status: 429,
    headers: { 'retry-after': '7' },
    body: '{"code":42901,"http":429,"error":"limit reached"}',
  });
  await assert.rejects(
    createNtfy(target, new ManualClock(T0)).send({ id: 'x', content: alertContent() }, signal()),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'rate-limited' && e.retryAfterMs === 7000,
  );
  peer.fault = undefined;
  const big = { ...alertContent(), message: 'x'.repeat(20_000) };
  await createNtfy(target, new ManualClock(T0)).send({ id: 'y', content: big }, signal());
  const sent = peer.accepted.at(-1)?.json as { message: string } | undefined;
  assert.ok(Buffer.byteLength(sent?.message ?? 'x'.repeat(5000)) < 4096);
});
