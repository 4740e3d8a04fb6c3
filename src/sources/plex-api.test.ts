import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeApp, FakeIssueService, fixture } from '../../test/api-fakes.ts';
import { validateConfig } from '../config/load.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { clearSecrets } from '../core/redact.ts';
import type { SessionEvent } from '../core/session-types.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { ApiPoller } from './api-poller.ts';
import { PlexApi } from './plex-api.ts';

const TOKEN = 'plexTok3nSECRETxyz';
const T0 = Date.UTC(2026, 0, 1, 20, 0);

interface Body {
  MediaContainer: { size: number; Metadata?: Array<Record<string, unknown>> };
}

async function setup(fake: FakeApp) {
  await fake.start();
  const config = validateConfig({ sources: [{ name: 'plex', app: 'plex', url: fake.url, token: TOKEN }] });
  const source = config.sources[0];
  assert.ok(source);
  const clock = new ManualClock(T0);
  const logger = memoryLogger();
  const issues = new FakeIssueService();
  const events: SessionEvent[] = [];
  const tracker = new SessionTracker({ clock, logger, issues, emit: (e) => events.push(e) });
  const api = new PlexApi({ clock, logger, issues, tracker }, source);
  const poller = new ApiPoller(
    { clock, logger, issues },
    { source: 'plex', app: 'plex', label: 'Plex', intervalMs: 1000, run: (s) => api.poll(s) },
  );
  return { api, poller, tracker, events, issues, clock, logger };
}

describe('PlexApi', () => {
  const fakes: FakeApp[] = [];
  after(async () => {
    for (const f of fakes) await f.stop();
    clearSecrets();
  });

  it('a session lifecycle with a transcode change, from real /status/sessions answers', async () => {
    const full = JSON.parse(fixture('plex-sessions.json')) as Body;
    const movieOnly = (m: (x: Record<string, unknown>) => void): string => {
      const b = structuredClone(full);
      const movie = b.MediaContainer.Metadata?.[1] as Record<string, unknown>;
      m(movie);
      b.MediaContainer.Metadata = [movie];
      return JSON.stringify(b);
    };
    let body = fixture('plex-sessions-empty.json');
    const fake = new FakeApp().route('/status/sessions', () => ({ body }));
    fakes.push(fake);
    const { poller, tracker, events, clock } = await setup(fake);
    await poller.pollOnce();
    body = movieOnly(() => {});
    for (let i = 0; i < 3; i++) {
      await poller.pollOnce();
      clock.advance(30_000);
    }
    body = movieOnly((m) => {
      (m.Player as Record<string, unknown>).state = 'playing';
    });
    await poller.pollOnce();
    // Quality lowered on the client: Plex now transcodes the movie in software.
    body = movieOnly((m) => {
      (m.Player as Record<string, unknown>).state = 'playing';
      m.TranscodeSession = {
        videoDecision: 'transcode',
        audioDecision: 'copy',
        speed: 1.4,
        throttled: false,
        transcodeHwRequested: false,
        videoCodec: 'h264',
        sourceVideoCodec: 'h264',
      };
    });
    await poller.pollOnce();
    await poller.pollOnce();
    assert.equal(tracker.summary().softwareTranscodes, 1);
    body = fixture('plex-sessions-empty.json');
    await poller.pollOnce();
    assert.deepEqual(
      events.map((e) => e.kind),
      ['started', 'resumed', 'transcode_changed', 'stopped'],
    );
    assert.equal(events[0]?.session.state, 'paused');
    assert.equal(events[0]?.session.key, 'plex/4e1c9a7f0b2d/812');
    assert.equal(tracker.history(5)[0]?.title, 'Arrival (2016)');
    const req = fake.requests[0];
    assert.equal(req?.headers['x-plex-token'], TOKEN);
    assert.equal(req?.headers.accept, 'application/json');
    assert.equal(req?.query.get('X-Plex-Token'), null, 'the token travels in a header, not the URL');
  });

  it('servers that answer XML work the same', async () => {
    const fake = new FakeApp().route('/status/sessions', {
      body: fixture('plex-sessions.xml'),
      contentType: 'text/xml',
    });
    fakes.push(fake);
    const { poller, tracker } = await setup(fake);
    await poller.pollOnce();
    const s = tracker.summary();
    assert.equal(s.active, 2);
    assert.equal(s.transcodes, 1);
    assert.equal(s.softwareTranscodes, 1);
    assert.equal(s.bandwidthKbps, 14_500);
    assert.deepEqual(
      s.trouble.map((t) => t.reason),
      ['slow_transcode'],
    );
  });

  it('a failed playback is linked to the Plex log issue of the same minutes', async () => {
    const failing = JSON.parse(fixture('plex-sessions.json')) as Body;
    (failing.MediaContainer.Metadata?.[0]?.TranscodeSession as Record<string, unknown>).error = true;
    let body = fixture('plex-sessions.json');
    const fake = new FakeApp().route('/status/sessions', () => ({ body }));
    fakes.push(fake);
    const { poller, events, issues, clock, logger } = await setup(fake);
    issues.addLogIssue('plex', 'plex-transcoder-exit', T0 + 30_000, T0 + 90_000);
    await poller.pollOnce();
    clock.advance(60_000);
    body = JSON.stringify(failing);
    await poller.pollOnce();
    clock.advance(20_000);
    body = fixture('plex-sessions-empty.json');
    await poller.pollOnce();
    const failed = events.filter((e) => e.kind === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.session.user, 'alice');
    assert.deepEqual(failed[0]?.session.issueIds, ['plex-transcoder-exit']);
    assert.deepEqual(issues.issues.get('plex-transcoder-exit')?.users, ['alice']);
    assert.deepEqual(
      events.filter((e) => e.kind === 'stopped').map((e) => e.session.user),
      ['bob'],
    );
    for (const line of logger.lines) assert.ok(!line.includes(TOKEN));
  });

  it('a wrong token is a connectivity problem, and the token is in no log line', async () => {
    const fake = new FakeApp().route('/status/sessions', {
      status: 401,
      body: fixture('plex-401.body'),
      contentType: 'text/html',
    });
    fakes.push(fake);
    const { poller, issues, logger } = await setup(fake);
    await poller.pollOnce();
    assert.match(issues.open()[0]?.title ?? '', /rejects the configured credentials/);
    for (const line of logger.lines) assert.ok(!line.includes(TOKEN));
  });

  it('notifications poke on state changes only, not on progress ticks', async () => {
    const fake = new FakeApp();
    fakes.push(fake);
    const { api } = await setup(fake);
    const note = JSON.parse(fixture('plex-notification-playing.json'));
    const entry = note.NotificationContainer.PlaySessionStateNotification[0];
    assert.equal(api.isChange(JSON.stringify(note)), true);
    entry.viewOffset += 10_000;
    assert.equal(api.isChange(JSON.stringify(note)), false);
    entry.state = 'paused';
    assert.equal(api.isChange(JSON.stringify(note)), true);
    assert.equal(api.isChange('{"NotificationContainer":{"type":"transcodeSession.end","size":1}}'), true);
    assert.equal(api.isChange('{"NotificationContainer":{"type":"activity","size":1}}'), false);
  });
});
