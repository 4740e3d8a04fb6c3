import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { notifyTargetSchema, type SlackTarget } from '../config/notify.ts';
import { ManualClock } from '../core/clock.ts';
import { createSlack } from './slack.ts';
import { alertContent, T0 } from './test-fixtures.ts';
import { type Peer, slackContract, startPeer } from './test-peers.ts';
import { DeliveryError } from './types.ts';

const peers: Peer[] = [];
after(() => Promise.all(peers.map((p) => p.close())));

test('posts Block Kit with a fallback text, fields and a button; a wrong hook is a 403 invalid_token', async () => {
  const peer = await startPeer(slackContract({ path: '/services/T1/B2/S3' }));
  peers.push(peer);
  const target = notifyTargetSchema.parse({
    name: 's',
    type: 'slack',
    webhookUrl: `${peer.url}/services/T1/B2/S3`,
  }) as SlackTarget;
  await createSlack(target, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000));
  const body = peer.accepted[0]?.json as { text: string; blocks: Array<{ type: string }> };
  assert.match(body.text, /database is locked/);
  assert.deepEqual(
    body.blocks.map((b) => b.type),
    ['header', 'section', 'section', 'section', 'actions'],
  );
  const wrong = { ...target, webhookUrl: `${peer.url}/services/T1/B2/XX` };
  await assert.rejects(
    createSlack(wrong, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'auth' && /invalid_token/.test(e.message),
  );
  peer.fault = () => ({ status: 400, body: 'invalid_payload' });
  await assert.rejects(
    createSlack(target, new ManualClock(T0)).send({ id: '1', content: alertContent() }, AbortSignal.timeout(2000)),
    (e: unknown) => e instanceof DeliveryError && e.permanent && /invalid_payload/.test(e.message),
  );
});
