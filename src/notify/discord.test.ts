import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type DiscordTarget, notifyTargetSchema } from '../config/notify.ts';
import { ManualClock } from '../core/clock.ts';
import { createDiscord } from './discord.ts';
import { alertContent, T0 } from './test-fixtures.ts';
import { discordContract, type Peer, startPeer } from './test-peers.ts';
import { DeliveryError } from './types.ts';

const peers: Peer[] = [];
after(() => Promise.all(peers.map((p) => p.close())));

async function setup(token = 'tok_en') {
  const peer = await startPeer(discordContract({ id: '1234', token: 'tok_en' }));
  peers.push(peer);
  const target = notifyTargetSchema.parse({
    name: 'd',
    type: 'discord',
    webhookUrl: `${peer.url}/api/webhooks/1234/${token}`,
    username: 'Arrgus',
  }) as DiscordTarget;
  return { peer, target };
}

test('sends one embed coloured by severity with the facts as fields, waiting for the message', async () => {
  const { peer, target } = await setup();
  const long = { ...alertContent(), title: 'T'.repeat(400), facts: [{ label: 'Where', value: 'v'.repeat(2000) }] };
  await createDiscord(target, new ManualClock(T0)).send(
    { id: '1', content: alertContent() },
    AbortSignal.timeout(2000),
  );
  await createDiscord(target, new ManualClock(T0)).send({ id: '2', content: long }, AbortSignal.timeout(2000));
  assert.equal(peer.accepted.length, 2, 'over-long title and field are clipped to Discord limits');
  assert.match(peer.accepted[0]?.path ?? '', /\?wait=true$/);
  const embed = (peer.accepted[0]?.json as { embeds: Array<Record<string, unknown>> } | undefined)?.embeds[0];
  assert.equal(embed?.color, 0xe67e22);
  assert.equal(embed?.url, 'http://arrgus.local:8099/issues/fp-db-locked');
  assert.ok(Array.isArray(embed?.fields) && embed.fields.length >= 4);
});

test('wrong token is 401, 429 takes retry_after from the body', async () => {
  const { target } = await setup('wrong');
  await assert.rejects(
    createDiscord(target, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'auth' && /Invalid Webhook Token/.test(e.message),
  );
  const ok = await setup();
  ok.peer.fault = () => ({
    status: 429,
    body: '{"message":"You are being rate limited.","retry_after":1.5,"global":false}',
  });
  await assert.rejects(
    createDiscord(ok.target, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'rate-limited' && e.retryAfterMs === 1500,
  );
});
