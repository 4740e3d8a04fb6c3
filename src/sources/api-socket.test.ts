import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { waitFor } from '../../test/api-fakes.ts';
import { FakeMediaSocketServer } from '../../test/helpers/fake-media-sockets.ts';
import { memoryLogger } from '../core/logger.ts';
import { ReconnectingSocket, type ReconnectingSocketOptions } from './api-socket.ts';

const TOKEN = 'sock3tTOKENvalue42';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function server(): FakeMediaSocketServer {
  return new FakeMediaSocketServer({
    path: '/notify',
    authorized: (url) => url.searchParams.get('token') === TOKEN,
  });
}

function client(fake: FakeMediaSocketServer, over: Partial<ReconnectingSocketOptions> = {}) {
  const logger = memoryLogger();
  const opens: boolean[] = [];
  const messages: string[] = [];
  const delays: number[] = [];
  let closes = 0;
  const socket = new ReconnectingSocket({
    label: 'test notifications',
    logger,
    url: () => {
      const u = new URL('/notify', fake.url.replace('http', 'ws'));
      u.searchParams.set('token', TOKEN);
      return u;
    },
    onOpen: (_send, reopened) => opens.push(reopened),
    onMessage: (data) => messages.push(data),
    onClose: () => closes++,
    onRetry: (ms) => delays.push(ms),
    minDelayMs: 20,
    maxDelayMs: 400,
    // Long enough that no connection in these tests counts as stable by accident on a stalled machine.
    stableMs: 30_000,
    // random 1: every delay is the whole backoff step (20, 40, 80, ...), so the schedule is checked exactly.
    random: () => 1,
    ...over,
  });
  return { socket, logger, opens, messages, delays, closes: () => closes };
}

// Deadlines for conditions: generous, since a loaded machine runs every timer late; they only run out on a failure.
const LONG = 30_000;

describe('ReconnectingSocket against a real websocket server', () => {
  const fakes: FakeMediaSocketServer[] = [];
  const sockets: ReconnectingSocket[] = [];
  const make = async () => {
    const f = await server().start();
    fakes.push(f);
    return f;
  };
  after(async () => {
    for (const s of sockets) s.stop();
    for (const f of fakes) await f.stop();
  });

  it('connects with the token, receives messages, and comes back after the server closes it', async () => {
    const fake = await make();
    const c = client(fake);
    sockets.push(c.socket);
    c.socket.start();
    await waitFor(() => fake.open.length === 1, LONG, 'the first connection');
    assert.equal(fake.connections[0]?.url.searchParams.get('token'), TOKEN);
    fake.broadcast({ hello: 1 });
    await waitFor(() => c.messages.length === 1, LONG, 'the message');
    assert.deepEqual(JSON.parse(c.messages[0] ?? ''), { hello: 1 });
    const closedAt = Date.now();
    fake.closeAll(1001);
    await waitFor(() => fake.open.length === 1 && fake.connections.length === 2, LONG, 'the reconnection');
    // The server sees the connection before the client's `open` event runs.
    await waitFor(() => c.opens.length === 2, LONG, 'the client to see the reconnection open');
    assert.ok(Date.now() - closedAt >= 15, 'waits before redialling');
    assert.deepEqual(c.opens, [false, true], 'the second open is flagged as a reopening');
    assert.equal(c.closes(), 1);
    assert.ok(c.socket.connected);
    for (const line of c.logger.lines) assert.ok(!line.includes(TOKEN), line);
    c.socket.stop();
    await waitFor(() => fake.open.length === 0, LONG, 'the client to close');
    await sleep(100);
    assert.equal(fake.connections.length, 2, 'no reconnection after stop()');
  });

  it('a server that drops every connection at once is redialled with a growing delay, not in a storm', async () => {
    const fake = await make();
    fake.dropOnOpen = true;
    const c = client(fake);
    sockets.push(c.socket);
    c.socket.start();
    await waitFor(() => c.delays.length >= 5, LONG, 'five redials');
    c.socket.stop();
    assert.ok(fake.connections.length >= 5, `${fake.connections.length} connections were accepted and dropped`);
    // The delays themselves, not wall-clock gaps (a busy machine stretches those): resetting on every open would
    // redial at 20 ms forever.
    assert.deepEqual(c.delays.slice(0, 5), [20, 40, 80, 160, 320]);
  });

  it('a connection that stayed up forgives the backoff', async () => {
    const fake = await make();
    fake.dropOnOpen = true;
    // 1 s: far longer than a dropped connection lasts even on a stalled machine (at 60 ms, a load of 15 let drops
    // count as stable), short enough to wait for.
    const c = client(fake, { stableMs: 1000 });
    sockets.push(c.socket);
    c.socket.start();
    await waitFor(() => c.socket.backoffSteps >= 3, LONG, 'the backoff to grow over a few drops');
    fake.dropOnOpen = false;
    await waitFor(() => fake.open.length === 1 && c.socket.connected, LONG, 'a connection that stays');
    const grown = Math.max(...c.delays);
    assert.ok(grown >= 80, `the delay had grown to ${grown} ms`);
    await waitFor(() => c.socket.backoffSteps === 0, LONG, 'the connection to count as stable');
    const before = fake.connections.length;
    fake.closeAll();
    await waitFor(() => fake.connections.length === before + 1, LONG, 'the reconnection');
    assert.equal(c.delays.at(-1), 20, 'back at the minimum delay, not the grown one');
    c.socket.stop();
  });

  it('a refused upgrade (HTTP 401) is retried with backoff and never connects or logs the token', async () => {
    const fake = await make();
    const c = client(fake, {
      url: () => {
        const u = new URL('/notify', fake.url.replace('http', 'ws'));
        u.searchParams.set('token', 'wrong-token-123');
        return u;
      },
    });
    sockets.push(c.socket);
    c.socket.start();
    await waitFor(() => c.closes() >= 4, LONG, 'four refused attempts');
    c.socket.stop();
    assert.equal(fake.connections.length, 0);
    assert.deepEqual(c.delays.slice(0, 4), [20, 40, 80, 160], 'each refusal waits longer');
    // Node's WebSocket (undici's fetch) sends the handshake a second time after a 401, so the server sees up to two
    // requests per attempt; an attempt in flight when the socket stops is refused without being counted as closed.
    assert.ok(fake.refused >= c.closes(), `${fake.refused} refused requests for ${c.closes()} attempts`);
    assert.ok(fake.refused <= 2 * c.closes() + 2, `${fake.refused} refused requests for ${c.closes()} attempts`);
    assert.deepEqual(c.opens, []);
    assert.ok(!c.logger.lines.some((l) => l.includes('wrong-token-123')));
  });

  it('a handshake that never completes is abandoned and retried', async () => {
    const fake = await make();
    fake.hangUpgrades = true;
    const c = client(fake, { connectTimeoutMs: 300 });
    sockets.push(c.socket);
    c.socket.start();
    await waitFor(() => fake.upgrades >= 2, LONG, 'a second attempt after the hung one');
    assert.ok(c.logger.lines.some((l) => l.includes('did not connect in time')));
    fake.hangUpgrades = false;
    await waitFor(() => fake.open.length === 1, LONG, 'the connection once the server answers');
    c.socket.stop();
  });
});
