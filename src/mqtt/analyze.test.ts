import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand, runCommand } from './commands.ts';
import { buildDiscovery, type DiscoveryInput } from './discovery.ts';
import { FakeIssues, FakeMutes, makeIssue } from './fakes.ts';
import { loadHaSchema, validateDiscovery } from './ha-validator.ts';
import { sourceState } from './states.ts';
import { topics } from './topics.ts';

function referenceInput(): DiscoveryInput {
  return {
    prefix: 'homeassistant',
    topics: topics('arrgus'),
    instanceId: 'ref',
    version: '1.0.0',
    sources: [
      { name: 'plex', slug: 'plex', app: 'plex' },
      { name: 'sonarr', slug: 'sonarr', app: 'sonarr' },
      { name: 'Sonarr 4K', slug: 'sonarr_4k', app: 'sonarr' },
    ],
    notifiers: [],
    testNotification: false,
  };
}

const bySlug = new Map([['sonarr', 'sonarr']]);

test('analyze commands: PRESS on a source, {"issue":id} on a source or the bridge; the bridge needs an id', () => {
  assert.ok(topics('arrgus').commandFilters.includes('arrgus/+/analyze/set'));
  assert.deepEqual(parseCommand('arrgus', 'arrgus/sonarr/analyze/set', 'PRESS', bySlug), {
    ok: true,
    command: { kind: 'analyze', source: 'sonarr' },
  });
  assert.deepEqual(parseCommand('arrgus', 'arrgus/bridge/analyze/set', '{"issue":"fp1"}', bySlug), {
    ok: true,
    command: { kind: 'analyze', source: null, issueId: 'fp1' },
  });
  const noId = parseCommand('arrgus', 'arrgus/bridge/analyze/set', 'PRESS', bySlug);
  assert.equal(noId.ok, false);
  const bad = parseCommand('arrgus', 'arrgus/sonarr/analyze/set', '{"id":1}', bySlug);
  assert.ok(!bad.ok && /analyze expects/.test(bad.error));
});

test('the source button analyses its top open issue; without AI the command says it is off', async () => {
  const issues = new FakeIssues();
  issues.add(
    makeIssue({ id: 'low', sources: ['sonarr'], impact: 10 }),
    makeIssue({ id: 'top', sources: ['sonarr'], impact: 80 }),
    makeIssue({ id: 'other', sources: ['plex'], impact: 99 }),
  );
  const asked: string[] = [];
  const deps = {
    issues,
    mutes: new FakeMutes(),
    now: () => 0,
    analyze: (id: string) => {
      asked.push(id);
      return { ok: true, message: `Analysis of issue ${id} is queued.` };
    },
  };
  const r = await runCommand({ kind: 'analyze', source: 'sonarr' }, deps);
  assert.deepEqual(asked, ['top']);
  assert.equal(r.message, 'Analysis of issue top is queued.');
  await runCommand({ kind: 'analyze', source: null, issueId: 'low' }, deps);
  assert.deepEqual(asked, ['top', 'low']);
  const off = await runCommand({ kind: 'analyze', source: 'sonarr' }, { issues, mutes: new FakeMutes(), now: () => 0 });
  assert.equal(off.ok, false);
  assert.match(off.message, /ai\.enabled/);
});

test('the top issue carries the analysis summary as an attribute once one exists', () => {
  const top = makeIssue({ id: 'top', sources: ['sonarr'], impact: 80 });
  const base = {
    name: 'sonarr',
    app: 'sonarr',
    stats: undefined,
    issues: { open: 1, top },
    alerts: [],
    muted: false,
    maintenance: false,
    now: 0,
  };
  assert.equal(sourceState(base).top_issue?.analysis, undefined);
  const s = sourceState({
    ...base,
    analysis: (id) => (id === 'top' ? 'DNS does not resolve the indexer.' : undefined),
  });
  assert.equal(s.top_issue?.analysis, 'DNS does not resolve the indexer.');
});

test('with AI on, each source gets a valid "Analyse top issue" button', () => {
  const without = buildDiscovery(referenceInput());
  const withAi = buildDiscovery({ ...referenceInput(), analyze: true });
  const buttons = withAi.filter((m) => m.topic.includes('/button/') && m.topic.includes('analyze'));
  assert.equal(buttons.length, 3);
  assert.equal(withAi.length, without.length + 3);
  assert.equal(buttons[0]?.payload.command_topic, 'arrgus/plex/analyze/set');
  const schema = loadHaSchema();
  if (schema)
    assert.deepEqual(
      buttons.flatMap((m) => validateDiscovery(schema, m.topic, m.payload)),
      [],
    );
});
