import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeIssueService, fixture, waitFor } from '../../test/api-fakes.ts';
import { type FakeMediaSocketServer, plexSocketServer } from '../../test/helpers/fake-media-sockets.ts';
import { clearSecrets } from '../core/redact.ts';
import type { SessionEvent } from '../core/session-types.ts';
import { testContext } from '../core/testing.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { ApiPollers } from './api-pollers.ts';

const TOKEN = 'plexWSt0kenSECRET77';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Note {
  NotificationContainer: { PlaySessionStateNotification: Array<{ state: string; viewOffset: number }> };
}

describe('Plex notification socket against a real websocket server', () => {
  let fake: FakeMediaSocketServer | undefined;
  let pollers: ApiPollers | undefined;
  after(async () => {
    await pollers?.stop();
    await fake?.stop();
    clearSecrets();
  });

  it('connects with the token, polls on state changes only, and catches up after a reconnection', async () => {
    let body = fixture('plex-sessions-empty.json');
    fake = await plexSocketServer(TOKEN, () => body).start();
    const server = fake;
    const { ctx, logs } = testContext({
      sources: [{ name: 'plex', app: 'plex', url: server.url, token: TOKEN, apiInterval: '1h' }],
    });
    const events: SessionEvent[] = [];
    const tracker = new SessionTracker({ clock: ctx.clock, logger: ctx.logger, emit: (e) => events.push(e) });
    pollers = new ApiPollers(
      ctx,
      { issues: new FakeIssueService(), tracker },
      { socket: { minDelayMs: 30, maxDelayMs: 200, random: () => 1 } },
    );
    pollers.start();
    const polls = (): number => server.requests.filter((p) => p === '/status/sessions').length;
    await waitFor(() => server.open.length === 1 && polls() === 1, 30_000, 'the socket and the first poll');
    const url = server.connections[0]?.url;
    assert.equal(url?.pathname, '/:/websockets/notifications');
    assert.equal(url?.searchParams.get('X-Plex-Token'), TOKEN);

    // A playback starts: Plex announces it, Arrgus polls at once and sees it.
    body = fixture('plex-sessions.json');
    const note = JSON.parse(fixture('plex-notification-playing.json')) as Note;
    const entry = note.NotificationContainer.PlaySessionStateNotification[0];
    assert.ok(entry);
    server.broadcast(note);
    await waitFor(() => tracker.active().length === 2, 30_000, 'the poll after the notification');
    assert.equal(polls(), 2);

    // Progress ticks every few seconds per playback: no poll.
    for (let i = 0; i < 5; i++) {
      entry.viewOffset += 10_000;
      server.broadcast(note);
    }
    server.broadcast({ NotificationContainer: { type: 'activity', size: 1 } });
    await sleep(150);
    assert.equal(polls(), 2, 'progress ticks and unrelated notifications cause no poll');

    entry.state = 'paused';
    server.broadcast(note);
    await waitFor(() => polls() === 3, 30_000, 'the poll after a pause');

    // Plex restarts: the socket drops and comes back; what changed meanwhile was never announced, so it polls.
    body = fixture('plex-sessions-empty.json');
    server.closeAll(1001);
    await waitFor(() => server.connections.length === 2 && server.open.length === 1, 30_000, 'the reconnection');
    await waitFor(() => tracker.active().length === 0, 30_000, 'the catch-up poll');
    assert.ok(events.some((e) => e.kind === 'stopped'));
    await sleep(150);
    assert.equal(server.connections.length, 2, 'one reconnection, no storm');
    assert.equal(polls(), 4);
    for (const line of logs) assert.ok(!line.includes(TOKEN), line);
    await pollers.stop();
    await waitFor(() => server.open.length === 0, 30_000, 'the socket to close on stop');
  });

  it('a wrong token is refused at the upgrade and retried with backoff while polling carries on', async () => {
    const body = fixture('plex-sessions.json');
    const server = await plexSocketServer('the-right-token', () => body).start();
    try {
      const { ctx, logs } = testContext({
        sources: [{ name: 'plex', app: 'plex', url: server.url, token: TOKEN, apiInterval: '1h' }],
      });
      const tracker = new SessionTracker({ clock: ctx.clock, logger: ctx.logger });
      const p = new ApiPollers(
        ctx,
        { issues: new FakeIssueService(), tracker },
        { socket: { minDelayMs: 30, maxDelayMs: 200, random: () => 1 } },
      );
      p.start();
      // The fake HTTP API does not check the token: only the socket is refused here.
      await waitFor(() => tracker.active().length === 2, 30_000, 'the poll');
      // Waits for attempts, not for a time; the backoff schedule itself is checked in api-socket.test.ts.
      await waitFor(() => server.refused >= 4, 30_000, 'a few refused attempts');
      await p.stop();
      assert.equal(server.connections.length, 0);
      assert.ok(tracker.active().length === 2, 'polling carried on');
      for (const line of logs) assert.ok(!line.includes(TOKEN), line);
    } finally {
      await server.stop();
    }
  });
});
