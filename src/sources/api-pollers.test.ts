import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, FakeIssueService, fixture, waitFor } from '../../test/api-fakes.ts';
import { clearSecrets } from '../core/redact.ts';
import { testContext } from '../core/testing.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { ApiPollers } from './api-pollers.ts';

describe('ApiPollers', () => {
  const sonarr = new FakeApp().json('/api/v3/system/status', fixture('sonarr-system-status.json'));
  const plex = new FakeApp().json('/status/sessions', fixture('plex-sessions.json'));
  after(async () => {
    await sonarr.stop();
    await plex.stop();
    clearSecrets();
  });

  it('starts one poller per source with a url, pokes on demand and stops cleanly (sockets included)', async () => {
    sonarr
      .json('/api/v3/health', fixture('sonarr-health.json'))
      .json('/api/v3/queue', fixture('sonarr-queue-empty.json'));
    await sonarr.start();
    await plex.start();
    const { ctx, logs } = testContext({
      sources: [
        { name: 'sonarr', app: 'sonarr', url: sonarr.url, apiKey: 'sonarr-key-0123456789', apiInterval: '1m' },
        { name: 'plex', app: 'plex', url: plex.url, token: 'plex-token-0123456789', apiInterval: '1m' },
        { name: 'tautulli', app: 'tautulli', url: 'http://127.0.0.1:9' },
        { name: 'radarr', app: 'radarr', path: '/logs/radarr' },
        { name: 'off', app: 'lidarr', url: 'http://127.0.0.1:9', enabled: false },
      ],
    });
    const issues = new FakeIssueService();
    const tracker = new SessionTracker({ clock: ctx.clock, logger: ctx.logger, issues });
    const pollers = new ApiPollers(ctx, { issues, tracker }, { stuckAfterMs: 0 });
    pollers.start();
    assert.deepEqual(
      pollers.status().map((s) => s.source),
      ['sonarr', 'plex'],
    );
    assert.equal(pollers.poke('tautulli'), false);
    await waitFor(() => pollers.status().every((s) => s.ok === true), 30_000, 'both first polls');
    assert.equal(tracker.active().length, 2);
    assert.equal(issues.open().filter((i) => i.source === 'sonarr').length, 3);
    const before = plex.requests.filter((r) => r.path === '/status/sessions').length;
    assert.equal(pollers.poke('plex'), true);
    await waitFor(
      () => plex.requests.filter((r) => r.path === '/status/sessions').length > before,
      2000,
      'the poked poll',
    );
    await pollers.stop();
    assert.deepEqual(pollers.status(), []);
    for (const l of logs) assert.ok(!l.includes('sonarr-key-0123456789') && !l.includes('plex-token-0123456789'), l);
  });

  it('polls Tautulli when it has a key, attributing its activity to the Plex source that has no poller', async () => {
    const tautulli = new FakeApp().route('/api/v2', (req) => ({
      body: fixture(req.query.get('cmd') === 'get_activity' ? 'tautulli-activity.json' : 'tautulli-status.json'),
    }));
    await tautulli.start();
    try {
      const { ctx, logs } = testContext({
        sources: [
          { name: 'plex', app: 'plex', path: '/logs/plex' },
          { name: 'tautulli', app: 'tautulli', url: tautulli.url, apiKey: 'tautulli-key-0123456789' },
        ],
      });
      const tracker = new SessionTracker({ clock: ctx.clock, logger: ctx.logger });
      const pollers = new ApiPollers(ctx, { tracker });
      pollers.start();
      assert.deepEqual(
        pollers.status().map((s) => s.source),
        ['tautulli'],
      );
      await waitFor(() => pollers.status()[0]?.ok === true, 30_000, 'the first Tautulli poll');
      assert.deepEqual(
        tracker
          .active()
          .map((s) => s.key)
          .sort(),
        ['plex/9c1e4f0a-7b2d-4e8a-b3c6-1f5d9e0a2c47/7801', 'plex/b7f3a1c9e2d04f55/5521'],
      );
      await pollers.stop();
      for (const l of logs) assert.ok(!l.includes('tautulli-key-0123456789'), l);
    } finally {
      await tautulli.stop();
    }
  });
});
