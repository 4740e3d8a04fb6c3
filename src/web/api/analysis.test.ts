import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { FakeProvider, goodAnswer } from '../../ai/fake-provider.ts';
import { AiService } from '../../ai/service.ts';
import { issueWithSecrets, PLANTED, plainIssue } from '../../ai/test-fixtures.ts';
import { aiSchema } from '../../config/ai.ts';
import { testContext } from '../../core/testing.ts';
import type { Issue } from '../../core/types.ts';
import { createWebApp } from '../app.ts';
import { analysisRoutes } from './analysis.ts';

const servers: FakeProvider[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function harness(opts: { enabled?: boolean; queueSize?: number } = {}) {
  const { ctx, clock } = testContext();
  const fake = await new FakeProvider('ollama').start();
  servers.push(fake);
  const issues = new Map<string, Issue>([
    ['a', plainIssue('a')],
    ['b', plainIssue('b')],
    ['s', issueWithSecrets('s')],
  ]);
  const ai =
    opts.enabled === false
      ? undefined
      : new AiService({
          config: aiSchema.parse({
            enabled: true,
            url: fake.url,
            queueSize: opts.queueSize ?? 50,
            // Far above a loaded machine's answer time: no test here is about the timeout (service.test.ts is).
            timeout: 120_000,
            retries: 0,
          }),
          salt: 'x',
          clock,
          logger: ctx.logger,
          issues: { get: (id) => issues.get(id), incidents: () => [] },
        });
  ai?.start();
  // A catch-all action route mounted after ours, like the issue routes: `analyze` must not reach it.
  const actions = new Hono().post('/api/issues/:id/:action', () => {
    throw new HTTPException(400, { message: 'action: unknown' });
  });
  const app = createWebApp(ctx, {
    health: () => ({ status: 'ok', version: 'x', uptimeSeconds: 0 }),
    pushLines: () => 0,
    mounts: [
      { path: '/', app: analysisRoutes({ ai, issues }) },
      { path: '/', app: actions },
    ],
  });
  const call = async (method: string, path: string) => {
    const res = await app.request(path, { method });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  return { fake, ai, call };
}

test('POST analyze answers 202 with where the result appears; GET analysis shows it once done', async () => {
  const { fake, ai, call } = await harness();
  fake.script({ kind: 'answer', text: goodAnswer() });
  const r = await call('POST', '/api/issues/a/analyze');
  assert.equal(r.status, 202);
  assert.equal(r.body.status, 'queued');
  assert.equal(r.headers.get('location'), '/api/issues/a/analysis');
  await ai?.idle();
  const g = await call('GET', '/api/issues/a/analysis');
  assert.equal(g.status, 200);
  assert.equal(g.body.status, 'done');
  const analysis = g.body.analysis as { summary: string; model: string; confidence: number };
  assert.equal(analysis.summary, JSON.parse(goodAnswer()).summary);
  assert.equal(analysis.model, 'qwen2.5:3b-instruct');
  await ai?.stop();
});

test('unknown issues are 404, bad parameters 400 naming the key, a full queue 429', async () => {
  const { fake, ai, call } = await harness({ queueSize: 1 });
  assert.equal((await call('POST', '/api/issues/nope/analyze')).status, 404);
  assert.equal((await call('GET', '/api/issues/nope/analysis')).status, 404);
  assert.equal((await call('GET', '/api/issues/nope/ai-preview')).status, 404);
  const bad = await call('POST', '/api/issues/a/analyze?force=maybe');
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.error), /force/);
  assert.equal((await call('GET', '/api/issues/a/analysis')).body.status, 'none');
  fake.script({ kind: 'hang' });
  assert.equal((await call('POST', '/api/issues/a/analyze')).status, 202); // running
  assert.equal((await call('POST', '/api/issues/s/analyze')).status, 202); // queued
  const again = await call('POST', '/api/issues/a/analyze');
  assert.equal(again.status, 202, 'asking again for a running job returns it');
  assert.equal(again.body.status, 'running');
  const full = await call('POST', '/api/issues/b/analyze');
  assert.equal(full.status, 429);
  assert.match(String(full.body.error), /queueSize/);
  await ai?.stop();
});

test('with ai.enabled false the routes answer 503 naming the key', async () => {
  const { call } = await harness({ enabled: false });
  const r = await call('POST', '/api/issues/a/analyze');
  assert.equal(r.status, 503);
  assert.match(String(r.body.error), /ai\.enabled/);
});

test('the preview is the exact redacted text, with no planted secret', async () => {
  const { ai, call } = await harness();
  const r = await call('GET', '/api/issues/s/ai-preview');
  assert.equal(r.status, 200);
  const text = JSON.stringify(r.body);
  for (const [kind, value] of Object.entries(PLANTED)) {
    if (kind === 'configApiKey') continue; // registered by the config loader, not here
    assert.ok(!text.includes(value), `${kind} in the preview`);
  }
  assert.match(String(r.body.user), /Sample 1 of 3/);
  assert.equal((r.body.body as { model: string }).model, 'qwen2.5:3b-instruct');
  await ai?.stop();
});
