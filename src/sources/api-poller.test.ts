import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, FakeIssueService, waitFor } from '../../test/api-fakes.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { clearSecrets, registerSecret } from '../core/redact.ts';
import { JsonClient } from './api-http.ts';
import { ApiPoller } from './api-poller.ts';

const KEY = 'k3y-5ecret-abcdef0123456789';

function setup(
  app: FakeApp,
  opts: { intervalMs?: number; timeoutMs?: number; pokeGapMs?: number; maxBackoffMs?: number } = {},
) {
  const logger = memoryLogger();
  const issues = new FakeIssueService();
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const client = new JsonClient({
    baseUrl: app.url,
    verifyTls: true,
    headers: { 'X-Api-Key': KEY },
    // The poller's own timeout is the one under test; this one only bounds a request the poller stopped waiting for.
    timeoutMs: 120_000,
    label: 'Sonarr API',
  });
  let polls = 0;
  const poller = new ApiPoller(
    { clock, logger, issues },
    {
      source: 'sonarr',
      app: 'sonarr',
      label: `Sonarr API at ${app.url}`,
      intervalMs: opts.intervalMs ?? 20,
      // Generous unless a test is about timeouts: a loaded machine answers late, and a late answer is not a failure here.
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxBackoffMs: opts.maxBackoffMs ?? 40,
      ...(opts.pokeGapMs === undefined ? {} : { pokeGapMs: opts.pokeGapMs }),
      run: async (signal) => {
        polls++;
        await client.get('api/v3/health', signal, { apikey: KEY });
      },
    },
  );
  return { logger, issues, clock, poller, polls: () => polls };
}

describe('ApiPoller', () => {
  const apps: FakeApp[] = [];
  after(async () => {
    for (const a of apps) await a.stop();
    clearSecrets();
  });

  it('an API going down and back: a connectivity problem with the reason, resolved when it answers', async () => {
    registerSecret(KEY);
    const app = new FakeApp().json('/api/v3/health', []);
    apps.push(app);
    await app.start();
    const { issues, poller, logger } = setup(app);
    await poller.pollOnce();
    assert.equal(poller.status().ok, true);
    await app.stop();
    await poller.pollOnce();
    assert.equal(issues.open().length, 0, 'one failure is not yet a problem');
    await poller.pollOnce();
    await poller.pollOnce();
    const open = issues.open();
    assert.equal(open.length, 1);
    assert.equal(open[0]?.key, 'connectivity');
    assert.match(open[0]?.title ?? '', /is unreachable/);
    assert.match(open[0]?.message ?? '', /refused the connection/);
    await app.start();
    await poller.pollOnce();
    assert.equal(issues.open().length, 0);
    assert.deepEqual(
      issues.transitions.map((t) => t.kind),
      ['opened', 'resolved'],
    );
    assert.ok(logger.lines.some((l) => l.includes('answers again')));
    assert.equal(logger.lines.filter((l) => l.includes('WARN')).length, 1, 'the outage is warned about once');
    for (const line of logger.lines) assert.ok(!line.includes(KEY), `secret in log: ${line}`);
  });

  it('a 401 opens the problem at once and says the credentials are refused; a 500 answers with errors', async () => {
    const app = new FakeApp().json('/api/v3/health', []);
    apps.push(app);
    await app.start();
    const { issues, poller } = setup(app);
    app.failWith = 401;
    await poller.pollOnce();
    assert.match(issues.open()[0]?.title ?? '', /rejects the configured credentials/);
    app.failWith = 500;
    await poller.pollOnce();
    assert.match(issues.open()[0]?.message ?? '', /HTTP 500/);
    assert.equal(issues.open().length, 1, 'the same key is updated, not duplicated');
  });

  it('times out a slow API without delaying another source, and backs off while failing', async () => {
    const slow = new FakeApp().json('/api/v3/health', []);
    const fast = new FakeApp().json('/api/v3/health', []);
    apps.push(slow, fast);
    await slow.start();
    await fast.start();
    slow.delayMs = 3_600_000; // a hang: the slow API never answers during the test
    // The slow source's first poll hangs (its timeout is far away) while the fast one polls on: checked by counting
    // polls, not by timing them, so a loaded machine cannot fail it.
    const s = setup(slow, { intervalMs: 30, timeoutMs: 60_000 });
    const f = setup(fast, { intervalMs: 30 });
    s.poller.start();
    f.poller.start();
    await waitFor(() => f.polls() >= 4, 30_000, 'the fast source to poll 4 times');
    assert.equal(s.polls(), 1, 'the slow source is still waiting for its first answer');
    assert.equal(s.poller.status().failures, 0);
    await s.poller.stop();
    // With a short timeout the hang becomes failures, and polling goes on.
    const t = setup(slow, { intervalMs: 30, timeoutMs: 80 });
    t.poller.start();
    await waitFor(() => t.poller.status().failures >= 2, 30_000, 'the slow source to time out twice');
    assert.match(t.poller.status().lastError ?? '', /did not answer within 80 ms/);
    await t.poller.stop();
    await f.poller.stop();
    assert.equal(f.poller.status().failures, 0);
  });

  it('poke polls at once and stop leaves no timer behind', async () => {
    const app = new FakeApp().json('/api/v3/health', []);
    apps.push(app);
    await app.start();
    const { poller, polls } = setup(app, { intervalMs: 60_000, pokeGapMs: 0 });
    poller.start();
    await waitFor(() => polls() === 1, 30_000, 'the first poll');
    poller.poke();
    await waitFor(() => polls() === 2, 30_000, 'the poked poll');
    await poller.stop();
    poller.poke();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(polls(), 2);
  });

  /** Pokes as fast as the event loop allows for `ms`; returns how long that really took. */
  async function pokeFlood(poller: ApiPoller, ms: number): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < ms) {
      for (let i = 0; i < 20; i++) poller.poke();
      await new Promise((r) => setImmediate(r));
    }
    return performance.now() - started;
  }

  it('a flood of pokes while the API answers starts at most one poll per poke gap', async () => {
    const app = new FakeApp().json('/api/v3/health', []);
    apps.push(app);
    await app.start();
    const { poller, polls } = setup(app, { intervalMs: 60_000, pokeGapMs: 100 });
    poller.start();
    await waitFor(() => polls() === 1, 30_000, 'the first poll');
    const took = await pokeFlood(poller, 600);
    await waitFor(() => polls() >= 2, 30_000, 'a poked poll');
    const during = polls() - 1;
    await poller.stop();
    // One poll per started gap, plus the one a poke during the last poll queues behind it.
    assert.ok(during <= Math.ceil(took / 100) + 1, `${during} polls in ${Math.round(took)} ms of pokes`);
  });

  it('pokes while the API fails change nothing: the backoff decides when to ask again', async () => {
    const app = new FakeApp().json('/api/v3/health', []);
    apps.push(app);
    await app.start();
    await app.stop();
    const { poller, polls } = setup(app, { intervalMs: 400, maxBackoffMs: 60_000, pokeGapMs: 0 });
    poller.start();
    await waitFor(() => poller.status().failures === 1, 30_000, 'the first failed poll');
    const before = polls();
    const took = await pokeFlood(poller, 500);
    const during = polls() - before;
    await poller.stop();
    // After one failure the next poll is 800 ms away: pokes must not bring it forward (without backoff: hundreds).
    assert.ok(during <= Math.ceil(took / 800), `${during} polls in ${Math.round(took)} ms of pokes while failing`);
  });
});
