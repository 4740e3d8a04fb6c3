import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testContext } from '../core/testing.ts';
import { loadBrokerCredentials } from '../store/broker-credentials.ts';
import { MqttBridge } from './bridge.ts';
import { FakeIssues, FakeMutes, FakeStats, makeIssue } from './fakes.ts';
import { Recorder } from './recorder.ts';

test('the analyse button reaches the AI with the top issue, and a finished analysis shows on the top issue', async (t) => {
  const { ctx } = testContext({
    sources: [{ name: 'sonarr', app: 'sonarr', path: '/logs/sonarr' }],
    mqtt: { embedded: { port: 0 }, minStateInterval: '20ms', stateInterval: '1h' },
    homeassistant: { birthDelay: '30ms' },
  });
  const issues = new FakeIssues(ctx.bus);
  issues.add(
    makeIssue({ id: 'top', sources: ['sonarr'], impact: 80 }),
    makeIssue({ id: 'low', sources: ['sonarr'], impact: 5 }),
  );
  const summaries = new Map<string, string>();
  const asked: string[] = [];
  const bridge = new MqttBridge({
    ctx,
    issues,
    mutes: new FakeMutes(ctx.bus),
    stats: new FakeStats(),
    supervisor: null,
    ai: {
      summary: (id) => summaries.get(id),
      analyze: (id) => {
        asked.push(id);
        return { ok: true, message: `Analysis of issue ${id} is queued.` };
      },
    },
  });
  let rec: Recorder | undefined;
  after(async () => {
    await rec?.stop();
    await bridge.stop();
  });
  await bridge.start();
  await bridge.mqtt?.waitConnected(5000);
  // Pressing a button is publishing under arrgus/: Home Assistant logs in with the generated credentials.
  rec = await new Recorder(
    `mqtt://127.0.0.1:${bridge.embeddedPort}`,
    ['#'],
    loadBrokerCredentials(ctx.config.dataDir),
  ).start();
  const button = await rec.waitFor((m) => m.topic === 'homeassistant/button/arrgus_test/sonarr_analyze/config');
  assert.equal(JSON.parse(button.payload).command_topic, 'arrgus/sonarr/analyze/set');
  rec.publish('arrgus/sonarr/analyze/set', 'PRESS');
  const answer = await rec.waitFor((m) => m.topic === 'arrgus/bridge/response' && m.payload.includes('analyze'));
  assert.deepEqual(asked, ['top']);
  assert.equal(JSON.parse(answer.payload).ok, true);
  const from = rec.messages.length;
  summaries.set('top', 'The indexer rejects the API key.');
  ctx.bus.emit('analysis', { issueId: 'top', sources: ['sonarr'], summary: 'The indexer rejects the API key.', at: 1 });
  const state = await rec.waitFor(
    (m) => m.topic === 'arrgus/sonarr/state' && m.payload.includes('"analysis"'),
    5000,
    from,
  );
  assert.equal(JSON.parse(state.payload).top_issue.analysis, 'The indexer rejects the API key.');
  t.diagnostic('top issue attribute republished after the analysis event');
});
