import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, fixture } from '../../test/api-fakes.ts';
import { apiSetup } from '../../test/api-setup.ts';
import { clearSecrets } from '../core/redact.ts';
import { SabnzbdApi } from './sabnzbd-api.ts';

const KEY = 'sabkey0123456789abcdef0123';

describe('SabnzbdApi', () => {
  const fake = new FakeApp();
  after(async () => {
    await fake.stop();
    clearSecrets();
  });

  it('recent warnings are states (repeats with other numbers count once); a wrong key is refused credentials', async () => {
    let good = true;
    fake.route('/api', (req) => {
      if (!good) return { body: fixture('sabnzbd-apikey-error.json') };
      return { body: fixture(req.query.get('mode') === 'queue' ? 'sabnzbd-queue.json' : 'sabnzbd-warnings.json') };
    });
    const { poller, issues, logger, clock } = await apiSetup(
      fake,
      { name: 'sab', app: 'sabnzbd', apiKey: KEY },
      (d, s) => new SabnzbdApi(d, s),
    );
    clock.set(1_767_225_300_000);
    await poller.pollOnce();
    const titles = issues
      .open()
      .map((i) => i.title)
      .sort();
    assert.deepEqual(titles, [
      'SABnzbd: Server news.example.com will be ignored for 20 minutes',
      'SABnzbd: Too little diskspace forcing PAUSE',
    ]);
    clock.advance(2 * 86_400_000);
    await poller.pollOnce();
    assert.equal(issues.open().length, 0, 'warnings older than a day resolve');
    good = false;
    await poller.pollOnce();
    assert.match(issues.open()[0]?.title ?? '', /rejects the configured credentials/);
    assert.equal(fake.requests[0]?.query.get('apikey'), KEY);
    for (const l of logger.lines) assert.ok(!l.includes(KEY), l);
  });
});
