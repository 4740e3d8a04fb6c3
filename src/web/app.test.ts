import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { testContext } from '../core/testing.ts';
import { createWebApp, type HealthReport } from './app.ts';

function setup(config: Record<string, unknown> = {}) {
  // Ingest tests push to names they invent: allow a few new sources unless a test says otherwise.
  const web = { ingestNewSources: 10, ...((config.web as object | undefined) ?? {}) };
  const { ctx } = testContext({ ...config, web });
  const pushed: Array<{ source: string; app: string; lines: string[] }> = [];
  const app = createWebApp(ctx, {
    health: (): HealthReport => ({
      status: 'ok',
      version: '0.0.0-test',
      uptimeSeconds: 1,
      sources: [{ name: 'sonarr', files: ['/config/logs/sonarr.txt'], api: 'http://sonarr.lan:8989' }],
      notifications: [{ name: 'phone', lastError: 'HTTP 401 from ntfy.example.com' }],
    }),
    pushLines: (source, a, lines) => {
      pushed.push({ source, app: a, lines });
      return lines.length;
    },
  });
  return { app, pushed };
}

describe('web: health and auth', () => {
  test('GET /api/health answers without a token even when one is configured', async () => {
    const { app } = setup({ web: { token: 'sekrit-token-1' } });
    const res = await app.request('/api/health');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as HealthReport).status, 'ok');
  });

  test('/api/health tells outsiders only status and version; paths, hosts and notifiers need the token', async () => {
    const { app } = setup({ web: { token: 'sekrit-token-1' } });
    for (const authorization of [undefined, 'Bearer wrong-token-1', 'Basic c2Vrcml0LXRva2VuLTE=']) {
      const res = await app.request('/api/health', authorization ? { headers: { authorization } } : {});
      assert.deepEqual(await res.json(), { status: 'ok', version: '0.0.0-test' }, String(authorization));
    }
    const full = await app.request('/api/health', { headers: { authorization: 'bearer sekrit-token-1' } });
    const body = (await full.json()) as HealthReport;
    assert.ok(Array.isArray(body.sources) && Array.isArray(body.notifications));
    // Beyond loopback without a token anyone may ask: status, version and a warning, nothing else.
    const open = setup({ web: { host: '0.0.0.0' } });
    const bare = (await (await open.app.request('/api/health')).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(bare).sort(), ['status', 'version', 'warning']);
    assert.match(String(bare.warning), /without web\.token/);
  });

  test('other routes require the bearer token when configured', async () => {
    const { app } = setup({ web: { token: 'sekrit-token-1' } });
    const none = await app.request('/api/ingest', { method: 'POST', body: '["x"]' });
    assert.equal(none.status, 401);
    const wrong = await app.request('/api/ingest', {
      method: 'POST',
      body: '["x"]',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(wrong.status, 401);
    const ok = await app.request('/api/ingest', {
      method: 'POST',
      body: '["x"]',
      headers: { authorization: 'Bearer sekrit-token-1', 'content-type': 'application/json' },
    });
    assert.equal(ok.status, 202);
  });

  test('unknown routes get a JSON 404', async () => {
    const { app } = setup();
    const res = await app.request('/nope');
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: string }).error, /no route/);
  });
});

describe('web: POST /api/ingest', () => {
  test('accepts a JSON array of strings with app and source from the query', async () => {
    const { app, pushed } = setup();
    const res = await app.request('/api/ingest?app=sonarr&source=sonarr-4k', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['2024-01-10 08:01:27.9|Error|X|boom', 'second']),
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: 2 });
    assert.deepEqual(pushed, [
      { source: 'sonarr-4k', app: 'sonarr', lines: ['2024-01-10 08:01:27.9|Error|X|boom', 'second'] },
    ]);
  });

  test('accepts NDJSON objects and groups them by source and app, keeping order', async () => {
    const { app, pushed } = setup();
    const body = [
      JSON.stringify({ line: 'a1', app: 'plex', source: 'plex' }),
      JSON.stringify({ line: 'b1', app: 'radarr', source: 'radarr' }),
      JSON.stringify({ line: 'a2\n  at frame', app: 'plex', source: 'plex' }),
    ].join('\n');
    const res = await app.request('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    assert.equal(res.status, 202);
    assert.deepEqual(pushed, [
      { source: 'plex', app: 'plex', lines: ['a1', 'a2', '  at frame'] },
      { source: 'radarr', app: 'radarr', lines: ['b1'] },
    ]);
  });

  for (const [name, body, type, pattern] of [
    ['invalid JSON', '[1,', 'application/json', /not valid JSON/],
    ['wrong item shape', '[{"msg": "x"}]', 'application/json', /expected log lines/],
    ['bad NDJSON line', '"ok"\n{oops', 'application/x-ndjson', /NDJSON line 2/],
    ['empty body', '', 'application/json', /empty body/],
    ['unknown app', '[{"line":"x","app":"kodi"}]', 'application/json', /app/],
  ] as const) {
    test(`answers 400 with the reason for ${name}`, async () => {
      const { app, pushed } = setup();
      const res = await app.request('/api/ingest', { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, pattern);
      assert.equal(pushed.length, 0);
    });
  }

  test('answers 400 for an unknown app in the query', async () => {
    const { app } = setup();
    const res = await app.request('/api/ingest?app=kodi', { method: 'POST', body: '["x"]' });
    assert.equal(res.status, 400);
  });

  test('answers 413 for a body over the limit, declared or streamed', async () => {
    const { app, pushed } = setup({ web: { maxBodyBytes: 2048 } });
    const big = JSON.stringify(['x'.repeat(5000)]);
    const declared = await app.request('/api/ingest', {
      method: 'POST',
      body: big,
      headers: { 'content-length': String(big.length) },
    });
    assert.equal(declared.status, 413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const streamed = await app.request('/api/ingest', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(pushed.length, 0);
  });
});

describe('web: webhooks under a web token', () => {
  test('webhooks skip the bearer check but need the token (query, header or bearer) when no source secret is set', async () => {
    const { ctx } = testContext({
      web: { token: 'sekrit-token-1' },
      sources: [{ name: 'sonarr', app: 'sonarr', path: '/x' }],
    });
    const { webhookRoutes } = await import('./webhook-routes.ts');
    const { WebhookReceiver } = await import('../sources/webhooks.ts');
    const receiver = new WebhookReceiver({ clock: ctx.clock, logger: ctx.logger });
    const app = createWebApp(ctx, {
      health: (): HealthReport => ({ status: 'ok', version: 'x', uptimeSeconds: 0 }),
      mounts: [{ path: '/', app: webhookRoutes(ctx, { receiver }) }],
    });
    const body = JSON.stringify({ eventType: 'Test' });
    const headers = { 'content-type': 'application/json' };
    assert.equal((await app.request('/api/webhooks/sonarr', { method: 'POST', body, headers })).status, 401);
    assert.equal(
      (await app.request('/api/webhooks/sonarr?token=sekrit-token-1', { method: 'POST', body, headers })).status,
      200,
    );
    const viaBearer = await app.request('/api/webhooks/sonarr', {
      method: 'POST',
      body,
      headers: { ...headers, authorization: 'Bearer sekrit-token-1' },
    });
    assert.equal(viaBearer.status, 200);
    // Other routes still need the bearer header.
    assert.equal((await app.request('/api/webhooks?token=sekrit-token-1')).status, 401);
  });
});

describe('web: bounds', () => {
  test('ingest creates only configured sources unless web.ingestNewSources allows a few more', async () => {
    const { app, pushed } = setup({
      web: { ingestNewSources: 2 },
      sources: [{ name: 'sonarr', app: 'sonarr', path: '/x' }],
    });
    const push = (source: string) =>
      app.request(`/api/ingest?app=sonarr&source=${source}`, { method: 'POST', body: '["line"]' });
    assert.equal((await push('sonarr')).status, 202);
    assert.equal((await push('http')).status, 202);
    assert.equal((await push('new-1')).status, 202);
    assert.equal((await push('new-2')).status, 202);
    assert.equal((await push('new-1')).status, 202);
    const refused = await push('new-3');
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { error: string }).error, /web\.ingestNewSources/);
    assert.equal(pushed.filter((p) => p.source === 'new-3').length, 0);
  });

  test('test notifications and ingest requests are rate limited with 429 and Retry-After', async () => {
    const { ctx } = testContext({ web: { testNotificationsPerMinute: 3, ingestRequestsPerMinute: 5 } });
    let sent = 0;
    const notify = new Hono().post('/api/notifiers/:name/test', (c) => {
      sent++;
      return c.json({ ok: true });
    });
    const app = createWebApp(ctx, {
      health: (): HealthReport => ({ status: 'ok', version: 'x', uptimeSeconds: 0 }),
      pushLines: (_s, _a, lines) => lines.length,
      mounts: [{ path: '/', app: notify }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await app.request('/api/notifiers/a/test', { method: 'POST' })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    assert.equal(sent, 3);
    const limited = await app.request('/api/notifiers/a/test', { method: 'POST' });
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const ingest: number[] = [];
    for (let i = 0; i < 8; i++) {
      ingest.push((await app.request('/api/ingest?source=http', { method: 'POST', body: '["x"]' })).status);
    }
    assert.deepEqual(ingest, [202, 202, 202, 202, 202, 429, 429, 429]);
  });
});
