import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type GotifyTarget, notifyTargetSchema } from '../config/notify.ts';
import { ManualClock } from '../core/clock.ts';
import { createGotify } from './gotify.ts';
import { alertContent, T0 } from './test-fixtures.ts';
import { gotifyContract, type Peer, startPeer } from './test-peers.ts';
import { DeliveryError } from './types.ts';

const peers: Peer[] = [];
after(() => Promise.all(peers.map((p) => p.close())));

async function setup() {
  const peer = await startPeer(gotifyContract({ token: 'AppTok3n' }));
  peers.push(peer);
  const target = notifyTargetSchema.parse({
    name: 'g',
    url: `gotify://${peer.url.slice(7)}/AppTok3n?priority=high`,
  }) as GotifyTarget;
  return { peer, target };
}

test('posts to /message with the app key, priority, markdown extras and click URL', async () => {
  const { peer, target } = await setup();
  await createGotify(target, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000));
  const m = peer.accepted[0]?.json as Record<string, Record<string, Record<string, unknown>>>;
  assert.equal(m.priority as unknown, 8);
  assert.equal(m.extras?.['client::display']?.contentType, 'text/markdown');
  assert.deepEqual(m.extras?.['client::notification']?.click, { url: 'http://arrgus.local:8099/issues/fp-db-locked' });
});

test("a bad token fails as auth with Gotify's errorDescription; 500 is a server failure", async () => {
  const { peer, target } = await setup();
  await assert.rejects(
    createGotify({ ...target, token: 'nope' }, new ManualClock(T0)).send(
      { id: '1', content: alertContent() },
      AbortSignal.timeout(2000),
    ),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'auth' && /valid access token/.test(e.message),
  );
  peer.fault = () => ({
    status: 500,
    body: '{"error":"Internal Server Error","errorCode":500,"errorDescription":"db"}',
  });
  await assert.rejects(
    createGotify(target, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'server' && !e.permanent,
  );
});
