import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, fixture } from '../../test/api-fakes.ts';
import { apiSetup } from '../../test/api-setup.ts';
import { clearSecrets } from '../core/redact.ts';
import { QbittorrentApi } from './qbittorrent-api.ts';

const PASSWORD = 'hunter2-qbit-secret';

describe('QbittorrentApi', () => {
  const fake = new FakeApp();
  const other = new FakeApp();
  after(async () => {
    await fake.stop();
    await other.stop();
    clearSecrets();
  });

  it('logs in, reads connection status and errored torrents, and logs in again when the cookie expires', async () => {
    let valid = 'SID=abc';
    let logins = 0;
    fake.route('/api/v2/auth/login', (req) => {
      logins++;
      const ok = new URLSearchParams(req.body).get('password') === PASSWORD;
      return ok
        ? { body: 'Ok.', contentType: 'text/plain', headers: { 'set-cookie': `${valid}; HttpOnly; path=/` } }
        : { body: 'Fails.', contentType: 'text/plain' };
    });
    const guarded = (body: string) => (req: { headers: Record<string, unknown> }) =>
      req.headers.cookie === valid ? { body } : { status: 403, body: 'Forbidden', contentType: 'text/plain' };
    fake.route('/api/v2/transfer/info', guarded(fixture('qbittorrent-transfer-info.json')));
    fake.route('/api/v2/torrents/info', guarded(fixture('qbittorrent-torrents-errored.json')));
    const { poller, issues, logger } = await apiSetup(
      fake,
      { name: 'qbit', app: 'qbittorrent', username: 'admin', password: PASSWORD },
      (d, s) => new QbittorrentApi(d, s),
    );
    await poller.pollOnce();
    assert.equal(poller.status().ok, true, poller.status().lastError ?? '');
    assert.deepEqual(
      issues
        .open()
        .map((i) => i.key)
        .sort(),
      ['state:connection', 'torrent:8c212779b4abde7c6bc608063a0d008b7e40ce32'],
    );
    valid = 'SID=def';
    await poller.pollOnce();
    assert.equal(poller.status().ok, true);
    assert.equal(logins, 2);
    assert.equal(issues.transitions.length, 2);
    for (const l of logger.lines) assert.ok(!l.includes(PASSWORD));
  });

  it('a wrong password ("Fails." with HTTP 200) is refused credentials', async () => {
    const { poller, issues } = await apiSetup(
      other.route('/api/v2/auth/login', { body: 'Fails.', contentType: 'text/plain' }),
      { name: 'qbit2', app: 'qbittorrent', username: 'admin', password: 'not-the-password' },
      (d, s) => new QbittorrentApi(d, s),
    );
    await poller.pollOnce();
    assert.match(issues.open()[0]?.message ?? '', /wrong user name or password/);
  });
});
