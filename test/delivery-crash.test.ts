/**
 * The crash window between a delivery and the commit of the follow positions: the whole service runs as a child
 * process, reads an ERROR line, opens an issue and fires an alert, delivers both to a real HTTP receiver, and is
 * SIGKILLed before it commits how far it read. The restart reads the same lines again and detection announces the
 * same issue and alert again; the receiver must still get each exactly once.
 *
 * The window is held open on purpose: `ingest.checkpointInterval` is an hour, so nothing read after the first clean
 * stop is ever committed (the production default, 200 ms, makes it short, not absent).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Peer, type PeerRequest, startPeer, webhookContract } from '../src/notify/test-peers.ts';
import { plexLine } from './helpers/log-lines.ts';
import { waitFor } from './helpers/wait.ts';

const CHILD = new URL('./helpers/service-child.ts', import.meta.url).pathname;

interface Life {
  port: number;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

async function start(config: string): Promise<Life> {
  const p = spawn(process.execPath, [CHILD, config], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`the service exited (${code}) before it was ready`)));
  });
  return {
    port,
    kill: (signal) => {
      p.kill(signal);
      return exited;
    },
  };
}

async function api<T>(life: Life, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${life.port}${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

const dirs: string[] = [];
const peers: Peer[] = [];
after(async () => {
  await Promise.all(peers.map((p) => p.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Details {
  kind: string;
  fingerprint?: string;
}
const details = (r: PeerRequest) => (r.json as { details: Details }).details;

/** A followed Plex log, a receiver, and the config of a service that reads the one and notifies the other. */
async function setup(name: string) {
  const peer = await startPeer(webhookContract());
  peers.push(peer);
  const dir = mkdtempSync(join(tmpdir(), `arrgus-delivery-${name}-`));
  dirs.push(dir);
  const logDir = join(dir, 'plex');
  const logFile = join(logDir, 'Plex Media Server.log');
  mkdirSync(logDir);
  writeFileSync(logFile, plexLine(new Date(), 'INFO', 'Plex Media Server v1.41.5.9522 - Docker - GMT 00:00'));
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      instanceId: 'crash',
      web: { port: 0, host: '127.0.0.1' },
      mqtt: { enabled: false },
      ingest: { checkpointInterval: '1h', idleFlush: '100ms' },
      alerts: { threshold: 1, window: '5m' },
      sources: [{ name: 'plex', app: 'plex', path: logDir, timezone: 'UTC' }],
      notify: [{ name: 'hook', url: `json://${peer.url.slice('http://'.length)}/hook`, events: ['opened', 'alert'] }],
    }),
  );
  // Life 0: a clean start and stop commits the position at the end of the file.
  const zero = await start(config);
  assert.equal(await zero.kill('SIGTERM'), 0);
  const error = (msg: string) => {
    appendFileSync(logFile, plexLine(new Date(), 'ERROR', msg));
    appendFileSync(logFile, plexLine(new Date(), 'INFO', 'Request: [127.0.0.1:5500 (Loopback)] GET /identity'));
  };
  return { peer, config, error };
}

/**
 * Life 2: the lines of life 1 are read again, then a new ERROR line. Deliveries go out in enqueue order, so once the
 * new line's alert is in, anything the lines read again were going to send has been sent.
 */
async function restartAndSettle(config: string, peer: Peer, problem: string, error: (msg: string) => void) {
  const life = await start(config);
  error('Transcoder exited with code 1: No space left on device');
  await waitFor('the alert of the new line', () =>
    peer.accepted.some((r) => details(r).kind === 'alert' && details(r).fingerprint !== problem) ? true : undefined,
  );
  const { items } = await api<{ items: Array<{ name: string; totalRecords: number }> }>(life, '/api/sources');
  await life.kill('SIGKILL');
  // The scenario happened: the restart read life 1's two records again before the new ERROR (the INFO after it may
  // still wait for its idle flush). Without the lines read again it would have 2 at most.
  assert.ok((items.find((s) => s.name === 'plex')?.totalRecords ?? 0) >= 3, JSON.stringify(items));
}

test('SIGKILL after a delivery, before the positions are committed: the lines read again are not announced twice', {
  timeout: 180_000,
}, async () => {
  const { peer, config, error } = await setup('sent');
  // Life 1: an ERROR line becomes an issue and an alert, both delivered; killed before any position is committed.
  const life = await start(config);
  error('Failed to begin transaction: database is locked');
  await waitFor('both notifications marked sent', async () => {
    const { attempts } = await api<{ attempts: Array<{ outcome: string }> }>(life, '/api/notifications/log');
    return attempts.filter((a) => a.outcome === 'sent').length === 2 ? true : undefined;
  });
  await life.kill('SIGKILL');
  assert.equal(peer.accepted.length, 2);
  const problem = details(peer.accepted[0] as PeerRequest).fingerprint as string;
  assert.ok(problem);

  await restartAndSettle(config, peer, problem, error);
  const about = peer.accepted.filter((r) => details(r).fingerprint === problem);
  assert.deepEqual(
    about.map((r) => details(r).kind),
    ['opened', 'alert'],
    'the first problem was announced once per kind',
  );
  assert.equal(new Set(peer.all.map((r) => r.headers['idempotency-key'])).size, peer.all.length);
  assert.ok(peer.all.every((r) => String(r.headers['idempotency-key']).startsWith('crash-')));
});

test('SIGKILL while the receiver holds a delivery: it is sent again after the restart under the same key, once', {
  timeout: 180_000,
}, async () => {
  const { peer, config, error } = await setup('held');
  // The receiver takes the first request and never answers it: Arrgus dies not knowing whether it arrived.
  peer.fault = () => 'hang';
  const life = await start(config);
  error('Failed to begin transaction: database is locked');
  await waitFor('the first request at the receiver', () => (peer.all.length > 0 ? true : undefined));
  await life.kill('SIGKILL');
  peer.fault = undefined;
  const held = peer.all[0] as PeerRequest;
  assert.equal(details(held).kind, 'opened');
  const problem = details(held).fingerprint as string;

  await restartAndSettle(config, peer, problem, error);
  const about = peer.accepted.filter((r) => details(r).fingerprint === problem);
  assert.deepEqual(
    about.map((r) => details(r).kind),
    ['opened', 'alert'],
    'the first problem was announced once per kind',
  );
  // The one request that may have arrived twice carries one key both times: the receiver can drop the second.
  assert.equal(about[0]?.headers['idempotency-key'], held.headers['idempotency-key']);
  assert.equal(new Set(peer.all.map((r) => r.headers['idempotency-key'])).size, peer.all.length - 1);
});
