import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfig } from '../config/load.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { StateStore } from '../store/state.ts';
import { aiPreviewCommand } from './cli.ts';
import { issueWithSecrets, PLANTED, plainIssue } from './test-fixtures.ts';

async function savedState() {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-ai-cli-'));
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const store = new StateStore({ dir, logger: memoryLogger(), clock });
  await store.load();
  store.register('detect', {
    version: 1,
    snapshot: () => ({
      issues: [issueWithSecrets('abc123'), plainIssue('abd999')],
      alerts: [],
      incidents: { incidents: [], recent: [] },
      mutes: [],
      sources: {},
    }),
  });
  await store.close();
  return { dir, clock };
}

function io(clock: ManualClock) {
  let out = '';
  let err = '';
  return {
    io: { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) }, clock },
    out: () => out,
    err: () => err,
  };
}

test('ai-preview prints the exact redacted text for an issue found by the start of its id', async () => {
  const { dir, clock } = await savedState();
  const config = validateConfig({ dataDir: dir, ai: { provider: 'openai', url: 'http://127.0.0.1:1/v1', model: 'm' } });
  const o = io(clock);
  assert.equal(await aiPreviewCommand(config, 'abc', false, o.io), 0, o.err());
  assert.match(o.out(), /^# openai m at http:\/\/127\.0\.0\.1:1\/v1\/chat\/completions \(ai\.enabled is false/);
  assert.match(o.out(), /----- system -----\nYou are a careful support engineer/);
  assert.match(o.out(), /----- user -----\nIssue: Indexer requests fail with 401/);
  for (const [kind, value] of Object.entries(PLANTED)) {
    if (kind === 'configApiKey') continue;
    assert.ok(!o.out().includes(value), `${kind} printed`);
  }
  const j = io(clock);
  assert.equal(await aiPreviewCommand(config, 'abc123', true, j.io), 0);
  const parsed = JSON.parse(j.out()) as { body: { response_format: { type: string } } };
  assert.equal(parsed.body.response_format.type, 'json_schema');
});

test('ai-preview refuses an ambiguous or unknown id, naming why', async () => {
  const { dir, clock } = await savedState();
  const config = validateConfig({ dataDir: dir });
  const a = io(clock);
  assert.equal(await aiPreviewCommand(config, 'ab', false, a.io), 1);
  assert.match(a.err(), /matches 2 issues/);
  const b = io(clock);
  assert.equal(await aiPreviewCommand(config, 'zzz', false, b.io), 1);
  assert.match(b.err(), /no issue "zzz" .* \(2 issues saved\)/);
  const c = io(clock);
  assert.equal(await aiPreviewCommand(config, undefined, false, c.io), 2);
});
