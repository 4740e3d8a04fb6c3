/**
 * Loki push, tested with real payloads: protobuf built by protobufjs from Loki's push.proto and compressed by snappyjs
 * (both independent of the decoder under test), JSON and gzip JSON as Promtail, Alloy and Vector send them.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { testContext } from '../core/testing.ts';
import { parseLabels, streamTarget } from '../sources/loki/push.ts';
import { snappyUncompress } from '../sources/loki/snappy.ts';
import { createWebApp } from './app.ts';
import { lokiRoutes } from './loki-routes.ts';

const snappy = createRequire(import.meta.url)('snappyjs') as {
  compress(input: Uint8Array): Uint8Array;
};
const root = protobuf.loadSync(new URL('../../test/fixtures/loki/push.proto', import.meta.url).pathname);
const PushRequest = root.lookupType('logproto.PushRequest');

interface Entry {
  line: string;
  ms?: number;
  meta?: Record<string, string>;
}
function protoPush(streams: Array<{ labels: string; entries: Entry[] }>): Uint8Array {
  const msg = PushRequest.fromObject({
    streams: streams.map((s) => ({
      labels: s.labels,
      entries: s.entries.map((e, i) => ({
        timestamp: { seconds: Math.floor((e.ms ?? 1_767_225_600_000 + i) / 1000), nanos: ((e.ms ?? i) % 1000) * 1e6 },
        line: e.line,
        structuredMetadata: Object.entries(e.meta ?? {}).map(([name, value]) => ({ name, value })),
      })),
      hash: 12345,
    })),
  });
  assert.equal(PushRequest.verify(msg), null);
  return snappy.compress(PushRequest.encode(msg).finish());
}

function setup(config: Parameters<typeof testContext>[0] = {}) {
  const { ctx } = testContext(config);
  const pushed: Array<{ source: string; app: string; lines: string[] }> = [];
  const pushLines = (source: string, app: string, lines: readonly string[]) => {
    pushed.push({ source, app, lines: [...lines] });
    return lines.length;
  };
  const app = createWebApp(ctx, {
    health: () => ({ status: 'ok', version: 't', uptimeSeconds: 0 }),
    pushLines,
    mounts: [{ path: '/', app: lokiRoutes(ctx, { pushLines }) }],
  });
  return { app, pushed };
}

const SONARR =
  '2026-01-01 10:00:00.0|Error|DownloadClient|Unable to connect to qBittorrent: connection refused (127.0.0.1:8080)';

describe('POST /loki/api/v1/push', () => {
  test('protobuf + snappy from Promtail: lines in order, labels name the source and app', async () => {
    const { app, pushed } = setup();
    const body = protoPush([
      {
        labels: '{host="nas", container="sonarr", filename="/config/logs/sonarr.txt"}',
        entries: [{ line: SONARR }, { line: `${SONARR} again`, meta: { trace_id: 'abc' } }],
      },
      {
        labels: '{job="plex", source="plex-livingroom"}',
        entries: [{ line: 'Jan 01, 2026 10:00:00.000 [0x1] ERROR - boom' }],
      },
      { labels: '{job="empty"}', entries: [] },
    ]);
    const res = await app.request('/loki/api/v1/push', {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: body,
    });
    assert.equal(res.status, 204, await res.text());
    assert.deepEqual(pushed, [
      { source: 'nas-sonarr', app: 'sonarr', lines: [SONARR, `${SONARR} again`] },
      { source: 'plex-livingroom', app: 'plex', lines: ['Jan 01, 2026 10:00:00.000 [0x1] ERROR - boom'] },
    ]);
  });

  test('JSON and gzip JSON (Alloy, Vector, Fluent Bit); structured metadata is not a label', async () => {
    const { app, pushed } = setup();
    const json = JSON.stringify({
      streams: [
        {
          stream: { service_name: 'linuxserver-radarr', host: 'box2' },
          values: [
            ['1767225600000000000', 'line one'],
            ['1767225600000000001', 'line two', { trace_id: 'x' }],
          ],
        },
      ],
    });
    for (const [headers, body] of [
      [{ 'content-type': 'application/json' }, json],
      [{ 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' }, gzipSync(json)],
    ] as const) {
      const res = await app.request('/loki/api/v1/push', { method: 'POST', headers, body });
      assert.equal(res.status, 204, await res.text());
    }
    assert.deepEqual(pushed[0], { source: 'box2-linuxserver-radarr', app: 'radarr', lines: ['line one', 'line two'] });
    assert.deepEqual(pushed[1], pushed[0]);
  });

  test('bad bodies get 400 with the reason, unknown types 415, bombs 413', async () => {
    const { app, pushed } = setup({ web: { maxBodyBytes: 65_536 } });
    const post = (body: string | Uint8Array, headers: Record<string, string>) =>
      app.request('/loki/api/v1/push', { method: 'POST', headers, body });
    const proto = { 'content-type': 'application/x-protobuf' };
    let res = await post(Buffer.from('not snappy at all'), proto);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /invalid push request/);
    res = await post(snappy.compress(Buffer.from([0x0a, 0x05, 0x0a, 0x10])), proto); // a field longer than its message
    assert.equal(res.status, 400);
    res = await post(JSON.stringify({ streams: [{ stream: {}, values: [[1, 'x']] }] }), {
      'content-type': 'application/json',
    });
    assert.equal(res.status, 400);
    res = await post('x', { 'content-type': 'text/plain' });
    assert.equal(res.status, 415);
    // Under the body limit on the wire, 1 MB once inflated (over 8 times the limit): refused before it is inflated.
    const bomb = snappy.compress(Buffer.alloc(1 << 20, 0x61));
    assert.ok(bomb.length < 65_536);
    res = await post(bomb, proto);
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { error: string }).error, /decompressed body/);
    res = await post(gzipSync(Buffer.alloc(1 << 20, 0x20)), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 413);
    assert.deepEqual(pushed, []);
  });

  test('the API token applies: without it 401, with it 204', async () => {
    const { app } = setup({ web: { token: 'loki-token-1234' } });
    const body = protoPush([{ labels: '{app="sonarr"}', entries: [{ line: SONARR }] }]);
    const headers = { 'content-type': 'application/x-protobuf' };
    assert.equal((await app.request('/loki/api/v1/push', { method: 'POST', headers, body })).status, 401);
    const ok = await app.request('/loki/api/v1/push', {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer loki-token-1234' },
      body,
    });
    assert.equal(ok.status, 204);
  });
});

describe('labels and snappy', () => {
  test('label sets parse with escapes; the app comes from any service-like label', () => {
    assert.deepEqual(parseLabels('{a="b", c="say \\"hi\\"", d="x\\\\y"}'), { a: 'b', c: 'say "hi"', d: 'x\\y' });
    assert.deepEqual(parseLabels('{}'), {});
    assert.throws(() => parseLabels('a="b"'));
    assert.deepEqual(streamTarget({ compose_service: 'jellyfin' }), { source: 'jellyfin', app: 'jellyfin' });
    assert.deepEqual(streamTarget({ job: 'varlogs' }), { source: 'varlogs', app: 'auto' });
    assert.deepEqual(streamTarget({}), { source: 'loki', app: 'auto' });
    assert.deepEqual(streamTarget({ container: '/sonarr-4k', host: 'nas' }), {
      source: 'nas--sonarr-4k',
      app: 'sonarr',
    });
  });

  test('snappy blocks round-trip, including long copies and overlaps, and hostile ones fail', () => {
    const samples = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(70_000, 'ab'), Buffer.from(SONARR.repeat(500))];
    const random = Buffer.alloc(100_000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + (i >> 3)) & 0xff;
    samples.push(random);
    for (const s of samples) assert.deepEqual(snappyUncompress(snappy.compress(s), 1 << 20), s);
    assert.throws(() => snappyUncompress(snappy.compress(Buffer.alloc(2000)), 1000), /over the limit/);
    assert.throws(() => snappyUncompress(Buffer.from([0x05, 0x01 | (1 << 2), 0x01]), 100), /before the start/);
    assert.throws(() => snappyUncompress(Buffer.from([0x0a, 0x0c, 0x61]), 100), /truncated/);
  });
});
