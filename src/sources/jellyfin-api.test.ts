import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, FakeIssueService, fixture } from '../../test/api-fakes.ts';
import { validateConfig } from '../config/load.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { clearSecrets } from '../core/redact.ts';
import type { SessionEvent } from '../core/session-types.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { JellyfinApi } from './jellyfin-api.ts';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

async function setup(fake: FakeApp, app: 'jellyfin' | 'emby') {
  await fake.start();
  const config = validateConfig({ sources: [{ name: app, app, url: fake.url, apiKey: KEY }] });
  const source = config.sources[0];
  assert.ok(source);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logger = memoryLogger();
  const events: SessionEvent[] = [];
  const tracker = new SessionTracker({ clock, logger, emit: (e) => events.push(e) });
  const api = new JellyfinApi({ clock, logger, issues: new FakeIssueService(), tracker }, source);
  return { api, tracker, events, logger };
}

describe('JellyfinApi', () => {
  const fakes: FakeApp[] = [];
  after(async () => {
    for (const f of fakes) await f.stop();
    clearSecrets();
  });

  it('polls /Sessions with the API key headers and tracks the playing sessions', async () => {
    const fake = new FakeApp().json('/Sessions', fixture('jellyfin-sessions.json'));
    fakes.push(fake);
    const { api, tracker, logger } = await setup(fake, 'jellyfin');
    await api.poll(new AbortController().signal);
    assert.equal(tracker.active().length, 2);
    assert.equal(tracker.summary().hardwareTranscodes, 1);
    const h = fake.requests[0]?.headers;
    assert.equal(h?.['x-emby-token'], KEY);
    assert.match(String(h?.authorization), new RegExp(`^MediaBrowser .*Token="${KEY}"`));
    for (const line of logger.lines) assert.ok(!line.includes(KEY));
  });

  it('Emby lives under /emby', async () => {
    const fake = new FakeApp().json('/emby/Sessions', fixture('emby-sessions.json'));
    fakes.push(fake);
    const { api, tracker } = await setup(fake, 'emby');
    await api.poll(new AbortController().signal);
    assert.equal(tracker.active()[0]?.user, 'erin');
  });

  it('websocket Sessions messages are reconciled like polls; ForceKeepAlive is answered', async () => {
    const fake = new FakeApp();
    fakes.push(fake);
    const { api, events } = await setup(fake, 'jellyfin');
    const sent: string[] = [];
    const data = JSON.parse(fixture('jellyfin-sessions.json'));
    api.handleMessage(JSON.stringify({ MessageType: 'Sessions', MessageId: 'x', Data: data }), (d) => sent.push(d));
    api.handleMessage(JSON.stringify({ MessageType: 'Sessions', MessageId: 'y', Data: data }), (d) => sent.push(d));
    api.handleMessage(JSON.stringify({ MessageType: 'Sessions', MessageId: 'z', Data: [] }), (d) => sent.push(d));
    assert.deepEqual(
      events.map((e) => e.kind),
      ['started', 'started', 'stopped', 'stopped'],
    );
    api.handleMessage(JSON.stringify({ MessageType: 'ForceKeepAlive', Data: 60 }), (d) => sent.push(d));
    assert.deepEqual(sent, ['{"MessageType":"KeepAlive"}']);
    api.stopSocket();
  });
});
