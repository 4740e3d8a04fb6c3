import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, fixture } from '../../test/api-fakes.ts';
import { apiSetup } from '../../test/api-setup.ts';
import { clearSecrets } from '../core/redact.ts';
import { BazarrApi } from './bazarr-api.ts';

const KEY = 'bazarrkey0123456789abcdef';

describe('BazarrApi', () => {
  const fake = new FakeApp();
  after(async () => {
    await fake.stop();
    clearSecrets();
  });

  it('health and throttled providers are states; a missing providers endpoint is not a failure', async () => {
    let health = fixture('bazarr-health.json');
    fake.route('/api/system/health', () => ({ body: health })).json('/api/providers', fixture('bazarr-providers.json'));
    const { poller, issues, logger } = await apiSetup(
      fake,
      { name: 'bazarr', app: 'bazarr', apiKey: KEY },
      (d, s) => new BazarrApi(d, s),
    );
    await poller.pollOnce();
    await poller.pollOnce();
    assert.deepEqual(
      issues
        .open()
        .map((i) => i.key)
        .sort(),
      ['health:Sonarr', 'provider:opensubtitlescom'],
    );
    assert.equal(issues.transitions.length, 2);
    health = '{"data":[]}';
    fake.route('/api/providers', { status: 404, body: '{}' });
    await poller.pollOnce();
    await poller.pollOnce();
    assert.equal(poller.status().ok, true);
    assert.deepEqual(
      issues.open().map((i) => i.key),
      ['provider:opensubtitlescom'],
    );
    assert.equal(fake.requests.filter((r) => r.path === '/api/providers').length, 3, 'asked no more after the 404');
    assert.ok(fake.requests.every((r) => r.headers['x-api-key'] === KEY));
    for (const l of logger.lines) assert.ok(!l.includes(KEY));
  });
});
