import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { validateConfig } from '../config/load.ts';
import { ManualClock } from '../core/clock.ts';
import { notifyTestCommand } from './cli.ts';
import { gotifyContract, type Peer, selfSignedCert, startPeer } from './test-peers.ts';

const peers: Peer[] = [];
after(() => Promise.all(peers.map((p) => p.close())));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: { write: (s: string) => out.push(s) },
      err: { write: (s: string) => err.push(s) },
      clock: new ManualClock(0),
    },
  };
}

test('reports success, 401, refused, TLS and unknown target exactly', async () => {
  const peer = await startPeer(gotifyContract({ token: 'good' }));
  peers.push(peer);
  const { key, cert } = selfSignedCert();
  const tls = createServer({ key, cert }, (_q, r) => r.end('{}'));
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  const tlsPort = (tls.address() as AddressInfo).port;
  const config = validateConfig({
    notify: [
      { name: 'ok', url: `gotify://${peer.url.slice(7)}/good` },
      { name: 'bad-token', url: `gotify://${peer.url.slice(7)}/badtoken` },
      { name: 'down', url: 'gotify://127.0.0.1:1/xxxx' },
      { name: 'self-signed', url: `gotifys://127.0.0.1:${tlsPort}/xxxx` },
    ],
  });
  try {
    const a = io();
    assert.equal(await notifyTestCommand(config, 'ok', a.io), 0);
    assert.match(a.out.join(''), /✓ ok \(gotify\): delivered in \d+ ms/);
    const b = io();
    assert.equal(await notifyTestCommand(config, 'bad-token', b.io), 1);
    assert.match(b.err.join(''), /HTTP 401.*\[auth, status 401\]/);
    const c = io();
    assert.equal(await notifyTestCommand(config, 'down', c.io), 1);
    assert.match(c.err.join(''), /connection refused by 127\.0\.0\.1:1 \[refused\]/);
    const d = io();
    assert.equal(await notifyTestCommand(config, 'self-signed', d.io), 1);
    assert.match(d.err.join(''), /TLS: .*self-signed.*\[tls\]/);
    const e = io();
    assert.equal(await notifyTestCommand(config, 'nope', e.io), 2);
    assert.match(e.err.join(''), /no target named "nope"; configured targets: ok, bad-token, down, self-signed/);
  } finally {
    tls.close();
  }
});
