import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, FakeIssueService, fixture } from '../../test/api-fakes.ts';
import { validateConfig } from '../config/load.ts';
import type { SourceConfig, SourceInput } from '../config/sources.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { clearSecrets, registerSecret } from '../core/redact.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { ApiPoller } from './api-poller.ts';
import { tautulliSessionsFor } from './api-pollers.ts';
import { TautulliApi } from './tautulli-api.ts';

const KEY = 'tautullikey0123456789abcdef';

async function setup(fake: FakeApp, sessionsFor?: Pick<SourceConfig, 'name' | 'app'>) {
  await fake.start();
  const config = validateConfig({ sources: [{ name: 'tautulli', app: 'tautulli', url: fake.url, apiKey: KEY }] });
  const source = config.sources[0];
  assert.ok(source);
  registerSecret(KEY);
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 21));
  const logger = memoryLogger();
  const issues = new FakeIssueService();
  const tracker = new SessionTracker({ clock, logger, issues });
  const deps = { clock, logger, issues, tracker };
  // Timeouts are generous (a loaded machine answers late) except in the poller a test builds to see one fire.
  const api = new TautulliApi(deps, source, sessionsFor ? { timeoutMs: 60_000, sessionsFor } : { timeoutMs: 60_000 });
  const pollerWithTimeout = (timeoutMs: number) =>
    new ApiPoller(deps, {
      source: source.name,
      app: source.app,
      label: `Tautulli API at ${fake.url}`,
      intervalMs: 1000,
      timeoutMs,
      run: (s) => api.poll(s),
    });
  return { poller: pollerWithTimeout(30_000), pollerWithTimeout, issues, tracker, logger, clock };
}

function routes(fake: FakeApp, activity: () => string, status = () => fixture('tautulli-status.json')): void {
  fake.route('/api/v2', (req) => ({
    body: req.query.get('cmd') === 'get_activity' ? activity() : status(),
  }));
}

describe('TautulliApi', () => {
  const fakes: FakeApp[] = [];
  const fake = (): FakeApp => {
    const f = new FakeApp();
    fakes.push(f);
    return f;
  };
  after(async () => {
    for (const f of fakes) await f.stop();
    clearSecrets();
  });

  it('get_activity feeds the Plex server it stands in for, with the transcode picture; an empty list ends them', async () => {
    const app = fake();
    let activity = fixture('tautulli-activity.json');
    routes(app, () => activity);
    const { poller, tracker, logger } = await setup(app, { name: 'plex', app: 'plex' });
    await poller.pollOnce();
    assert.equal(poller.status().ok, true);
    const byKey = new Map(tracker.active().map((s) => [s.key, s]));
    const ep = byKey.get('plex/b7f3a1c9e2d04f55/5521');
    assert.ok(ep, [...byKey.keys()].join());
    assert.equal(ep.title, 'The Expanse - S02E11 - Godspeed');
    assert.equal(ep.user, 'alice');
    assert.equal(ep.location, 'wan');
    assert.equal(ep.state, 'playing');
    assert.equal(ep.positionMs, 912_000);
    assert.equal(ep.transcode.decision, 'transcode');
    assert.equal(ep.transcode.videoDecision, 'transcode');
    assert.equal(ep.transcode.hardware, false);
    assert.equal(ep.transcode.speed, 0.8);
    assert.deepEqual(ep.transcode.reasons, ['hardware requested, running in software']);
    assert.deepEqual(ep.transcode.source, {
      container: 'mkv',
      videoCodec: 'hevc',
      audioCodec: 'truehd',
      resolution: '1080p',
      bitrateKbps: 11812,
    });
    assert.equal(ep.transcode.target?.resolution, '720p');
    const movie = byKey.get('plex/9c1e4f0a-7b2d-4e8a-b3c6-1f5d9e0a2c47/7801');
    assert.equal(movie?.title, 'Arrival (2016)');
    assert.equal(movie?.state, 'paused');
    assert.equal(movie?.location, 'lan');
    assert.equal(movie?.user, 'Bob');
    assert.equal(movie?.transcode.decision, 'directplay');
    assert.equal(movie?.transcode.hardware, null);
    const cmds = app.requests.map((r) => r.query.get('cmd'));
    assert.deepEqual(cmds, ['status', 'get_activity']);
    assert.ok(app.requests.every((r) => r.path === '/api/v2' && r.query.get('apikey') === KEY));
    await poller.pollOnce();
    assert.equal(tracker.active().length, 2, 'polling again changes nothing');
    activity = fixture('tautulli-activity-empty.json');
    await poller.pollOnce();
    assert.equal(tracker.active().length, 0);
    assert.equal(tracker.history(5).length, 2);
    for (const l of logger.lines) assert.ok(!l.includes(KEY), l);
  });

  it('without a session target only the status is asked', async () => {
    const app = fake();
    routes(app, () => fixture('tautulli-activity.json'));
    const { poller, tracker } = await setup(app);
    await poller.pollOnce();
    assert.equal(poller.status().ok, true);
    assert.deepEqual(
      app.requests.map((r) => r.query.get('cmd')),
      ['status'],
    );
    assert.equal(tracker.active().length, 0);
  });

  it('401, a refused key in a 200, 500, a slow answer and a refused port are connectivity problems; they resolve', async () => {
    const app = fake();
    let status = fixture('tautulli-status.json');
    routes(
      app,
      () => fixture('tautulli-activity-empty.json'),
      () => status,
    );
    const { poller, pollerWithTimeout, issues, logger } = await setup(app, { name: 'plex', app: 'plex' });
    const problem = () => issues.issues.get('tautulli|connectivity');
    app.failWith = 401;
    await poller.pollOnce();
    assert.equal(problem()?.status, 'open', 'a rejected key opens the problem at once');
    assert.match(problem()?.title ?? '', /rejects the configured credentials/);
    app.failWith = undefined;
    await poller.pollOnce();
    assert.equal(problem()?.status, 'resolved');
    status = fixture('tautulli-apikey-error.json');
    await poller.pollOnce();
    assert.equal(problem()?.status, 'open');
    assert.match(problem()?.message ?? '', /refused the API key: Invalid apikey/);
    status = fixture('tautulli-status.json');
    await poller.pollOnce();
    app.failWith = 500;
    await poller.pollOnce();
    assert.equal(problem()?.status, 'resolved', 'one failure is not yet a problem');
    await poller.pollOnce();
    assert.equal(problem()?.status, 'open');
    assert.match(problem()?.title ?? '', /answers with errors/);
    app.failWith = undefined;
    // A hang, seen by a poller with a short timeout (the others wait long so that a loaded machine is not a hang).
    app.delayMs = 3_600_000;
    const impatient = pollerWithTimeout(150);
    await impatient.pollOnce();
    await impatient.pollOnce();
    assert.match(problem()?.message ?? '', /did not answer within 150 ms/);
    app.delayMs = 0;
    await app.stop();
    await poller.pollOnce();
    assert.match(problem()?.message ?? '', /refused the connection/);
    await app.start();
    await poller.pollOnce();
    assert.equal(problem()?.status, 'resolved');
    for (const l of logger.lines) assert.ok(!l.includes(KEY), l);
  });
});

describe('tautulliSessionsFor', () => {
  const sources = (extra: SourceInput[]) =>
    validateConfig({
      sources: [{ name: 'tautulli', app: 'tautulli', url: 'http://tautulli:8181', apiKey: 'k1234567' }, ...extra],
    }).sources;

  it('the first Plex source without its own poller, else the Tautulli source; none when Plex is polled', () => {
    let all = sources([{ name: 'plex', app: 'plex', path: '/logs/plex' }]);
    assert.deepEqual(tautulliSessionsFor(all, all[0] as (typeof all)[0]), { name: 'plex', app: 'plex' });
    all = sources([{ name: 'plex', app: 'plex', url: 'http://plex:32400', token: 't1234567' }]);
    assert.equal(tautulliSessionsFor(all, all[0] as (typeof all)[0]), undefined);
    all = sources([]);
    assert.deepEqual(tautulliSessionsFor(all, all[0] as (typeof all)[0]), { name: 'tautulli', app: 'tautulli' });
    all = sources([
      { name: 'plex-old', app: 'plex', path: '/logs/old', enabled: false },
      { name: 'plex', app: 'plex', path: '/logs/plex' },
    ]);
    assert.deepEqual(tautulliSessionsFor(all, all[0] as (typeof all)[0]), { name: 'plex', app: 'plex' });
  });
});
