import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type AiConfig, aiSchema } from '../config/ai.ts';
import { EventBus } from '../core/bus.ts';
import { ManualClock } from '../core/clock.ts';
import type { ArrgusEvents } from '../core/events.ts';
import { memoryLogger } from '../core/logger.ts';
import type { Issue } from '../core/types.ts';
import { StateStore } from '../store/state.ts';
import { FakeProvider, goodAnswer } from './fake-provider.ts';
import { AiService } from './service.ts';
import { plainIssue } from './test-fixtures.ts';

const servers: FakeProvider[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function setup(extra: Partial<AiConfig> = {}, protocol: AiConfig['provider'] = 'ollama') {
  const fake = await new FakeProvider(protocol).start();
  servers.push(fake);
  const config = aiSchema.parse({ enabled: true, provider: protocol, url: fake.url, model: 'm1', ...extra });
  const issues = new Map<string, Issue>();
  for (const id of ['a', 'b', 'c']) issues.set(id, plainIssue(id));
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 11));
  const logger = memoryLogger();
  const sleeps: number[] = [];
  const ai = new AiService({
    config,
    salt: 'test',
    clock,
    logger,
    issues: { get: (id) => issues.get(id), incidents: () => [] },
    // Backoff and Retry-After waits are recorded, not waited: the tests check the delays asked for.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  ai.start();
  return { fake, ai, issues, clock, logs: logger.lines, sleeps };
}

test('an analysis is stored with model, tokens and latency; links outside the app documentation are dropped', async () => {
  const { fake, ai } = await setup();
  fake.script({ kind: 'answer', text: goodAnswer(), inputTokens: 800, outputTokens: 120 });
  assert.equal(ai.analyze('a')?.state, 'queued');
  await ai.idle();
  const v = ai.view('a');
  assert.equal(v.status, 'done');
  assert.equal(v.analysis?.model, 'm1');
  assert.equal(v.analysis?.inputTokens, 800);
  assert.equal(v.analysis?.outputTokens, 120);
  assert.equal(v.analysis?.repaired, false);
  assert.ok((v.analysis?.latencyMs ?? -1) >= 0);
  assert.deepEqual(v.analysis?.links, ['https://wiki.servarr.com/sonarr/troubleshooting']);
  assert.equal(ai.summary('a'), JSON.parse(goodAnswer()).summary);
  assert.equal(ai.analyze('nope'), undefined);
});

test('the same evidence is never sent twice: the second request is answered from the cache', async () => {
  const { fake, ai } = await setup();
  fake.script({ kind: 'answer', text: goodAnswer() });
  ai.analyze('a');
  await ai.idle();
  ai.analyze('a');
  await ai.idle();
  assert.equal(fake.requests.length, 1);
  assert.equal(ai.view('a').status, 'done');
  // Forcing asks again.
  fake.script({ kind: 'answer', text: goodAnswer({ summary: 'Second opinion.' }) });
  ai.analyze('a', true);
  await ai.idle();
  assert.equal(fake.requests.length, 2);
  assert.equal(ai.summary('a'), 'Second opinion.');
});

test('a schema-violating answer gets one repair retry that names the problem', async () => {
  const { fake, ai } = await setup();
  fake.script(
    {
      kind: 'answer',
      text: JSON.stringify({ summary: 'x', cause: 'y', confidence: 7, evidence: [], fix: [], links: [] }),
    },
    { kind: 'answer', text: goodAnswer() },
  );
  ai.analyze('a');
  await ai.idle();
  assert.equal(fake.requests.length, 2);
  const second = JSON.parse(fake.requests[1]?.body ?? '{}') as { messages: Array<{ role: string; content: string }> };
  assert.deepEqual(
    second.messages.map((m) => m.role),
    ['system', 'user', 'assistant', 'user'],
  );
  assert.match(second.messages[3]?.content ?? '', /confidence/);
  const v = ai.view('a');
  assert.equal(v.status, 'done');
  assert.equal(v.analysis?.repaired, true);
});

test('malformed JSON twice fails the job with the reason, and nothing is stored', async () => {
  const { fake, ai } = await setup({}, 'openai');
  fake.script(
    { kind: 'answer', text: 'Sure! The cause is DNS.' },
    { kind: 'answer', text: '{"summary": "unterminated' },
  );
  ai.analyze('a');
  await ai.idle();
  const v = ai.view('a');
  assert.equal(v.status, 'failed');
  assert.match(v.error ?? '', /not usable twice: the answer is not valid JSON/);
  assert.equal(v.analysis, undefined);
  assert.equal(fake.requests.length, 2);
});

test('429 with Retry-After waits what the server asked, then succeeds', async () => {
  const { fake, ai, sleeps } = await setup({}, 'anthropic');
  fake.script({ kind: 'status', status: 429, retryAfter: '3' }, { kind: 'answer', text: goodAnswer() });
  ai.analyze('a');
  await ai.idle();
  assert.deepEqual(sleeps, [3000]);
  assert.equal(ai.view('a').status, 'done');
});

test('5xx without Retry-After backs off 2 s then 4 s, and gives up after ai.retries', async () => {
  const { fake, ai, sleeps } = await setup({ retries: 2 }, 'gemini');
  fake.script({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
  ai.analyze('a');
  await ai.idle();
  assert.deepEqual(sleeps, [2000, 4000]);
  assert.equal(fake.requests.length, 3);
  const v = ai.view('a');
  assert.equal(v.status, 'failed');
  assert.match(v.error ?? '', /HTTP 503.*after 3 tries/);
});

test('a Retry-After longer than 10 minutes fails the job instead of holding a slot', async () => {
  const { fake, ai, sleeps } = await setup({}, 'openai');
  fake.script({ kind: 'status', status: 429, retryAfter: '3600' });
  ai.analyze('a');
  await ai.idle();
  assert.deepEqual(sleeps, []);
  assert.match(ai.view('a').error ?? '', /retry after 3600 s/);
});

test('a 400 is not retried', async () => {
  const { fake, ai } = await setup({}, 'openai');
  fake.script({ kind: 'status', status: 400, body: '{"error":{"message":"model not found"}}' });
  ai.analyze('a');
  await ai.idle();
  assert.equal(fake.requests.length, 1);
  assert.match(ai.view('a').error ?? '', /HTTP 400: model not found/);
});

test('a hanging server times out per call, is retried, then the job fails', async () => {
  const { fake, ai } = await setup({ timeout: 300, retries: 1 });
  fake.script({ kind: 'hang' }, { kind: 'hang' });
  ai.analyze('a');
  await ai.idle();
  assert.equal(fake.requests.length, 2);
  const v = ai.view('a');
  assert.equal(v.status, 'failed');
  assert.match(v.error ?? '', /no answer from 127\.0\.0\.1:\d+ in time/);
});

test('stop aborts a hanging call at once', async () => {
  const { fake, ai } = await setup({ timeout: 600_000 });
  fake.script({ kind: 'hang' });
  ai.analyze('a');
  while (fake.requests.length === 0) await new Promise((r) => setImmediate(r));
  const started = performance.now();
  await ai.stop();
  // Without the abort, stop() would wait out the 600 s timeout; any bound far below that tells the two apart.
  assert.ok(performance.now() - started < 60_000);
  assert.equal(ai.view('a').status, 'failed');
});

test('the daily token budget stops calls before they are made, and frees up the next UTC day', async () => {
  const { fake, ai, clock } = await setup({ dailyTokenBudget: 3000, maxOutputTokens: 1000 });
  fake.script({ kind: 'answer', text: goodAnswer(), inputTokens: 1500, outputTokens: 500 });
  ai.analyze('a');
  await ai.idle();
  assert.equal(ai.view('a').status, 'done');
  ai.analyze('b');
  await ai.idle();
  assert.equal(fake.requests.length, 1);
  assert.match(ai.view('b').error ?? '', /daily token budget is spent \(2000 of 3000/);
  clock.advance(24 * 3_600_000);
  fake.script({ kind: 'answer', text: goodAnswer() });
  ai.analyze('b');
  await ai.idle();
  assert.equal(ai.view('b').status, 'done');
});

test('concurrency limit: with 1, the second job waits for the first', async () => {
  // The first call hangs until the test drops it (no timeout races a loaded machine); the second answers.
  const { fake, ai } = await setup({ concurrency: 1, timeout: 600_000, retries: 0 });
  fake.script({ kind: 'hang' }, { kind: 'answer', text: goodAnswer() });
  ai.analyze('a');
  ai.analyze('b');
  assert.equal(ai.view('b').status, 'queued');
  while (fake.requests.length === 0) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(fake.requests.length, 1, 'the second job is not sent while the first runs');
  assert.equal(ai.view('b').status, 'queued');
  fake.dropHanging();
  await ai.idle();
  assert.equal(ai.view('a').status, 'failed');
  assert.equal(ai.view('b').status, 'done');
  assert.equal(fake.requests.length, 2);
});

test('the queue is bounded by ai.queueSize', async () => {
  const { fake, ai } = await setup({ concurrency: 1, queueSize: 1, timeout: 300, retries: 0 });
  fake.script({ kind: 'hang' });
  ai.analyze('a'); // running
  ai.analyze('b'); // queued
  assert.throws(() => ai.analyze('c'), /already waiting/);
  await ai.stop();
});

test('analyses and the day spend survive a restart through the state file: no repeat call after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-ai-state-'));
  const fake = await new FakeProvider('ollama').start();
  servers.push(fake);
  const config = aiSchema.parse({ enabled: true, url: fake.url });
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 11));
  const issues = { get: (id: string) => (id === 'a' ? plainIssue('a') : undefined), incidents: () => [] };
  const boot = async () => {
    const state = new StateStore({ dir, logger: memoryLogger(), clock });
    await state.load();
    const ai = new AiService({ config, salt: 't', clock, logger: memoryLogger(), issues, state });
    ai.start();
    return { ai, state };
  };
  const first = await boot();
  fake.script({ kind: 'answer', text: goodAnswer(), inputTokens: 700, outputTokens: 80 });
  first.ai.analyze('a');
  await first.ai.idle();
  await first.ai.stop();
  await first.state.close();
  const second = await boot();
  assert.equal(second.ai.summary('a'), JSON.parse(goodAnswer()).summary);
  assert.equal(second.ai.store.spentOn('2026-01-01'), 780);
  second.ai.analyze('a');
  await second.ai.idle();
  assert.equal(fake.requests.length, 1, 'the cached analysis answered');
  await second.ai.stop();
});

test('ai.autoImpact: issues reaching the impact are analysed on their own, once per opening', async () => {
  const fake = await new FakeProvider('ollama').start();
  servers.push(fake);
  const logger = memoryLogger();
  const bus = new EventBus<ArrgusEvents>(logger);
  const low = { ...plainIssue('low'), impact: 20 };
  const high = { ...plainIssue('high'), impact: 70 };
  const byId = new Map([
    ['low', low],
    ['high', high],
  ]);
  const announced: string[] = [];
  bus.on('analysis', 'test', (e) => {
    announced.push(e.issueId);
  });
  const ai = new AiService({
    config: aiSchema.parse({ enabled: true, url: fake.url, autoImpact: 50 }),
    salt: 't',
    clock: new ManualClock(Date.UTC(2026, 0, 1, 11)),
    logger,
    issues: { get: (id) => byId.get(id), incidents: () => [] },
    bus,
  });
  ai.start();
  fake.script({ kind: 'answer', text: goodAnswer() });
  bus.emit('issue', { kind: 'opened', issue: low, at: 0 });
  bus.emit('issue', { kind: 'opened', issue: high, at: 0 });
  bus.emit('issue', { kind: 'updated', issue: high, at: 1 });
  await ai.idle();
  assert.equal(fake.requests.length, 1);
  assert.equal(ai.view('high').status, 'done');
  assert.equal(ai.view('low').status, 'none');
  assert.deepEqual(announced, ['high']);
  await ai.stop();
});

test('neighbouring lines come from the log store when it has them, redacted like the rest', async () => {
  const issue = plainIssue('a');
  const ai = new AiService({
    config: aiSchema.parse({ enabled: true }),
    salt: 't',
    clock: new ManualClock(Date.UTC(2026, 0, 1, 11)),
    logger: memoryLogger(),
    issues: { get: (id) => (id === 'a' ? issue : undefined), incidents: () => [] },
    storedAround: (id) =>
      id === 'a' ? { before: ['Connecting to 81.2.69.142 as bob@example.com'], after: ['Retrying in 5 s'] } : undefined,
  });
  const p = await ai.preview('a');
  assert.match(
    p?.user ?? '',
    /Lines around sample 1 in its log:\n {2}before\| Connecting to \[public-ip\] as \[email\]\n/,
  );
  assert.match(p?.user ?? '', /after \| Retrying in 5 s/);
});

test('an API key echoed by the provider in an error never reaches the job error, the API view or the log', async () => {
  const key = 'sk-proj-Abc123Def456Ghi789';
  const { fake, ai, logs } = await setup({ apiKey: key }, 'openai');
  fake.script({ kind: 'status', status: 401, body: `{"error":{"message":"Incorrect API key provided: ${key}."}}` });
  ai.analyze('a');
  await ai.idle();
  const v = ai.view('a');
  assert.equal(v.status, 'failed');
  assert.match(v.error ?? '', /HTTP 401: Incorrect API key provided: \[redacted\]/);
  assert.ok(!JSON.stringify(v).includes(key));
  assert.ok(!JSON.stringify(logs).includes(key));
  assert.equal(fake.requests[0]?.headers.authorization, `Bearer ${key}`);
  assert.ok(!fake.requests[0]?.body.includes(key));
});
