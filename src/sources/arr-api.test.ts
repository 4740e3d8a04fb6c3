import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, FakeIssueService, fixture } from '../../test/api-fakes.ts';
import { validateConfig } from '../config/load.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { clearSecrets } from '../core/redact.ts';
import { ApiPoller } from './api-poller.ts';
import { ArrApi } from './arr-api.ts';

const KEY = '0123456789abcdef0123456789abcdef';

async function setup(app: string, fake: FakeApp, stuckAfterMs = 0) {
  await fake.start();
  const config = validateConfig({ sources: [{ name: app, app, url: `${fake.url}/${app}`, apiKey: KEY }] });
  const source = config.sources[0];
  assert.ok(source);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logger = memoryLogger();
  const issues = new FakeIssueService();
  const deps = { clock, logger, issues };
  const api = new ArrApi(deps, source, { stuckAfterMs });
  const poller = new ApiPoller(deps, { source: app, app, label: app, intervalMs: 1000, run: (s) => api.poll(s) });
  return { api, poller, issues, clock, logger };
}

describe('ArrApi', () => {
  const fakes: FakeApp[] = [];
  after(async () => {
    for (const f of fakes) await f.stop();
    clearSecrets();
  });

  it('health items are states: open once, stay open across many polls, resolve when gone, reopen when back', async () => {
    let health = fixture('sonarr-health.json');
    const fake = new FakeApp()
      .json('/sonarr/api/v3/system/status', fixture('sonarr-system-status.json'))
      .route('/sonarr/api/v3/health', () => ({ body: health }))
      .json('/sonarr/api/v3/queue', fixture('sonarr-queue-empty.json'));
    fakes.push(fake);
    const { api, poller, issues, clock, logger } = await setup('sonarr', fake);
    for (let i = 0; i < 25; i++) {
      await poller.pollOnce();
      clock.advance(30_000);
    }
    assert.equal(poller.status().ok, true);
    assert.equal(api.info.version, '4.0.14.2939');
    const open = issues
      .open()
      .map((i) => i.key)
      .sort();
    assert.deepEqual(open, ['health:DownloadClientCheck', 'health:IndexerRssCheck', 'health:UpdateCheck']);
    assert.equal(issues.transitions.length, 3, 'polling again changes nothing');
    assert.match(
      issues.issues.get('sonarr|health:DownloadClientCheck')?.message ?? '',
      /Connection refused .*wiki\.servarr/,
    );
    health = JSON.stringify(JSON.parse(health).filter((h: { source: string }) => h.source !== 'IndexerRssCheck'));
    await poller.pollOnce();
    await poller.pollOnce();
    assert.deepEqual(
      issues.transitions.slice(3).map((t) => `${t.kind} ${t.id}`),
      ['resolved sonarr|health:IndexerRssCheck'],
    );
    health = fixture('sonarr-health-empty.json');
    await poller.pollOnce();
    assert.equal(issues.open().length, 0);
    health = fixture('sonarr-health.json');
    await poller.pollOnce();
    assert.equal(issues.transitions.filter((t) => t.kind === 'reopened').length, 3);
    assert.equal(issues.issues.size, 3, 'no duplicate issues, ever');
    assert.ok(fake.requests.every((r) => r.headers['x-api-key'] === KEY));
    for (const line of logger.lines) assert.ok(!line.includes(KEY));
  });

  it('queue items flagged with warnings become one problem per download once stuck long enough', async () => {
    let queue = fixture('sonarr-queue.json');
    const fake = new FakeApp()
      .json('/radarr/api/v3/system/status', '{}')
      .json('/radarr/api/v3/health', '[]')
      .route('/radarr/api/v3/queue', () => ({ body: queue }));
    fakes.push(fake);
    const { poller, issues, clock } = await setup('radarr', fake, 600_000);
    await poller.pollOnce();
    assert.equal(issues.open().length, 0, 'not stuck yet');
    clock.advance(600_000);
    await poller.pollOnce();
    const open = issues.open();
    assert.equal(open.length, 1);
    assert.equal(open[0]?.key, 'queue:A1B2C3D4E5F60718293A4B5C6D7E8F9012345678');
    assert.match(open[0]?.message ?? '', /Automatic import is not possible/);
    queue = fixture('sonarr-queue-empty.json');
    await poller.pollOnce();
    assert.equal(issues.open().length, 0);
  });

  it('Prowlarr: disabled indexers by name under /api/v1, no queue', async () => {
    const fake = new FakeApp()
      .json('/prowlarr/api/v1/system/status', '{"appName":"Prowlarr","version":"1.30.2"}')
      .json('/prowlarr/api/v1/health', '[]')
      .json('/prowlarr/api/v1/indexerstatus', fixture('prowlarr-indexerstatus.json'))
      .json('/prowlarr/api/v1/indexer', fixture('prowlarr-indexer.json'));
    fakes.push(fake);
    const { poller, issues } = await setup('prowlarr', fake);
    await poller.pollOnce();
    await poller.pollOnce();
    assert.deepEqual(
      issues.open().map((i) => i.title),
      ['Prowlarr disabled the indexer NZBgeek after failures'],
    );
    assert.equal(fake.requests.filter((r) => r.path.endsWith('/indexer')).length, 1, 'names are cached');
    assert.ok(!fake.requests.some((r) => r.path.includes('queue')));
  });

  it('an unexpected answer shape fails the poll instead of resolving everything', async () => {
    const fake = new FakeApp()
      .json('/lidarr/api/v1/system/status', '{}')
      .json('/lidarr/api/v1/health', '{"oops":true}');
    fakes.push(fake);
    const { poller, issues } = await setup('lidarr', fake);
    await poller.pollOnce();
    assert.equal(poller.status().ok, false);
    assert.match(poller.status().lastError ?? '', /health: expected a JSON array/);
    assert.equal(issues.syncCalls, 0);
  });
});
