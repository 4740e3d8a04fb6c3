import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FakeIssueService, fixture, waitFor } from '../../test/api-fakes.ts';
import { type FakeMediaSocketServer, jellyfinSocketServer } from '../../test/helpers/fake-media-sockets.ts';
import { clearSecrets } from '../core/redact.ts';
import type { SessionEvent } from '../core/session-types.ts';
import { testContext } from '../core/testing.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { ApiPollers } from './api-pollers.ts';

const KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const typeOf = (m: unknown): unknown => (m as { MessageType?: unknown } | null)?.MessageType;

async function boot(app: 'jellyfin' | 'emby', path = '') {
  let list: unknown[] = JSON.parse(fixture(app === 'emby' ? 'emby-sessions.json' : 'jellyfin-sessions.json'));
  const server = await jellyfinSocketServer(KEY, () => list, { app, forceKeepAliveSeconds: 2 }).start();
  const { ctx, logs } = testContext({
    sources: [{ name: app, app, url: `${server.url}${path}`, apiKey: KEY, apiInterval: '1h' }],
  });
  const events: SessionEvent[] = [];
  const tracker = new SessionTracker({ clock: ctx.clock, logger: ctx.logger, emit: (e) => events.push(e) });
  const pollers = new ApiPollers(
    ctx,
    { issues: new FakeIssueService(), tracker },
    { socket: { minDelayMs: 30, maxDelayMs: 200, random: () => 1 } },
  );
  return {
    server,
    pollers,
    tracker,
    events,
    logs,
    setList: (l: unknown[]) => {
      list = l;
    },
  };
}

describe('Jellyfin and Emby session sockets against a real websocket server', () => {
  const servers: FakeMediaSocketServer[] = [];
  const all: ApiPollers[] = [];
  after(async () => {
    for (const p of all) await p.stop();
    for (const s of servers) await s.stop();
    clearSecrets();
  });

  it('Jellyfin: ApiKey and deviceId, SessionsStart, keep-alives, Sessions reconciled, reconnection', async () => {
    const t = await boot('jellyfin');
    servers.push(t.server);
    all.push(t.pollers);
    t.pollers.start();
    await waitFor(() => t.server.open.length === 1, 30_000, 'the socket');
    const url = t.server.connections[0]?.url;
    assert.equal(url?.pathname, '/socket');
    assert.equal(url?.searchParams.get('ApiKey'), KEY);
    assert.equal(url?.searchParams.get('api_key'), null, 'refused by Jellyfin 12 without legacy authorization');
    assert.equal(url?.searchParams.get('deviceId'), 'arrgus-jellyfin');
    const received = () => t.server.connections[0]?.received ?? [];
    await waitFor(() => received().some((m) => typeOf(m) === 'SessionsStart'), 30_000, 'SessionsStart');
    assert.deepEqual(
      received().find((m) => typeOf(m) === 'SessionsStart'),
      { MessageType: 'SessionsStart', Data: '0,1500' },
    );
    await waitFor(() => t.tracker.active().length === 2, 30_000, 'the sessions');

    // ForceKeepAlive said 2 s: one KeepAlive at once, then one every second.
    await waitFor(() => received().filter((m) => typeOf(m) === 'KeepAlive').length >= 2, 30_000, 'keep-alives');

    // The server pushes the full list whenever it changes: an empty one ends both playbacks.
    t.setList([]);
    t.server.broadcast({ MessageType: 'Sessions', MessageId: 'x1', Data: [] });
    await waitFor(() => t.tracker.active().length === 0, 30_000, 'the playbacks to end');
    assert.deepEqual(
      t.events.map((e) => e.kind),
      ['started', 'started', 'stopped', 'stopped'],
      'no event twice, whether the poll or the socket saw it first',
    );

    // A server restart drops the socket; the client comes back, asks again and gets the current list.
    t.setList(JSON.parse(fixture('jellyfin-sessions.json')));
    t.server.closeAll(1001);
    await waitFor(() => t.server.connections.length === 2 && t.server.open.length === 1, 30_000, 'the reconnection');
    await waitFor(() => t.tracker.active().length === 2, 30_000, 'the list after the reconnection');
    const second = t.server.connections[1]?.received ?? [];
    assert.ok(second.some((m) => typeOf(m) === 'SessionsStart'));
    await sleep(150);
    assert.equal(t.server.connections.length, 2, 'one reconnection, no storm');
    for (const line of t.logs) assert.ok(!line.includes(KEY), line);
    await t.pollers.stop();
    await waitFor(() => t.server.open.length === 0, 30_000, 'the socket to close on stop');
  });

  it('Emby: /embywebsocket with api_key, beside an API under /emby', async () => {
    const t = await boot('emby', '/emby');
    servers.push(t.server);
    all.push(t.pollers);
    t.pollers.start();
    await waitFor(() => t.server.open.length === 1, 30_000, 'the socket');
    const url = t.server.connections[0]?.url;
    assert.equal(url?.pathname, '/embywebsocket');
    assert.equal(url?.searchParams.get('api_key'), KEY);
    await waitFor(() => t.tracker.active()[0]?.user === 'erin', 30_000, 'the Emby session');
    assert.ok(t.server.requests.includes('/emby/Sessions'));
    for (const line of t.logs) assert.ok(!line.includes(KEY), line);
    await t.pollers.stop();
  });
});
