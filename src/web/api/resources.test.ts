import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { apiHarness, rec } from './testing.ts';

const T0 = Date.UTC(2026, 0, 1, 10);
type H = Awaited<ReturnType<typeof apiHarness>>;
let h: H | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function errors(n: number, source = 'radarr', at = T0) {
  return Array.from({ length: n }, (_, i) =>
    rec(at + i * 1000, 'error', 'database is locked', { logger: 'Database', source, app: source }),
  );
}

describe('api: /api/alerts', () => {
  test('lists fired alerts newest first with keyset pages; bad state is a 400', async () => {
    h = await apiHarness({ alerts: { threshold: 1, cooldown: '1s' } });
    h.feed(errors(3, 'radarr'));
    h.feed(errors(3, 'sonarr', T0 + 60_000));
    const all = await h.get('/api/alerts');
    assert.equal(all.status, 200);
    const items = all.body.items as Array<{ id: string; state: string; firedAt: string; issueId: string | null }>;
    assert.ok(items.length >= 2, JSON.stringify(all.body));
    assert.ok(items.every((a, i) => i === 0 || (items[i - 1]?.firedAt ?? '') >= a.firedAt));
    const first = await h.get('/api/alerts?limit=1');
    assert.equal((first.body.items as unknown[]).length, 1);
    assert.equal(typeof first.body.next, 'string');
    const second = await h.get(`/api/alerts?limit=1&cursor=${first.body.next}`);
    assert.notEqual(
      (second.body.items as Array<{ id: string }>)[0]?.id,
      (first.body.items as Array<{ id: string }>)[0]?.id,
    );
    assert.equal(((await h.get('/api/alerts?source=sonarr')).body.items as unknown[]).length, 1);
    assert.equal(((await h.get('/api/alerts?state=resolved')).body.items as unknown[]).length, 0);
    const bad = await h.get('/api/alerts?state=exploded');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error ?? '', /state/);
  });
});

describe('api: /api/incidents', () => {
  test('issues of two sources starting together are one incident listing both; the issue detail names it', async () => {
    h = await apiHarness();
    h.feed([...errors(2, 'radarr'), ...errors(2, 'sonarr', T0 + 5000)]);
    const res = await h.get('/api/incidents');
    assert.equal(res.status, 200);
    const items = res.body.items as Array<{ id: string; issues: Array<{ id: string }>; sources: string[] }>;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.issues.length, 2);
    const issueId = items[0]?.issues[0]?.id as string;
    const detail = await h.get(`/api/issues/${issueId}`);
    const incident = detail.body.incident as { id: string; related: Array<{ id: string }> };
    assert.equal(incident.id, items[0]?.id);
    assert.equal(incident.related.length, 1);
    assert.equal((await h.get('/api/incidents?status=nope')).status, 400);
    assert.equal(((await h.get('/api/incidents?status=resolved')).body.items as unknown[]).length, 0);
  });
});

describe('api: /api/sources', () => {
  test('each source carries the records stored and its rates; limit is bounded', async () => {
    h = await apiHarness();
    h.feed([...errors(4, 'radarr'), rec(T0, 'info', 'hello', { source: 'plex', app: 'plex' })]);
    const res = await h.get('/api/sources');
    assert.equal(res.status, 200);
    const items = res.body.items as Array<{ name: string; records: number; totalRecords: number; files: unknown[] }>;
    assert.deepEqual(
      items.map((s) => [s.name, s.records]),
      [
        ['plex', 1],
        ['radarr', 4],
      ],
    );
    assert.equal((await h.get('/api/sources?limit=501')).status, 400);
  });
});

describe('api: /api/config', () => {
  test('answers the effective config with every secret masked', async () => {
    h = await apiHarness({
      web: { token: 'sekrit-token-1' },
      mqtt: { enabled: false, password: 'mqtt-pass-9' },
      sources: [{ name: 'sonarr', app: 'sonarr', url: 'http://127.0.0.1:8989', apiKey: 'abcdef0123456789' }],
      notify: [{ name: 'phone', url: 'ntfys://tk_abcdefgh@ntfy.example.com/arrgus' }],
    });
    const res = await h.app.request('/api/config', { headers: { authorization: 'Bearer sekrit-token-1' } });
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const secret of ['sekrit-token-1', 'mqtt-pass-9', 'abcdef0123456789', 'tk_abcdefgh']) {
      assert.ok(!text.includes(secret), `${secret} leaked`);
    }
    const body = JSON.parse(text) as { web: { port: number; token: string }; sources: Array<{ url: string }> };
    assert.equal(body.web.port, 8099);
    assert.equal(body.web.token, '[redacted]');
    assert.equal(body.sources[0]?.url, 'http://127.0.0.1:8989');
    assert.equal((await h.app.request('/api/config')).status, 401);
  });
});

describe('api: /api/stats', () => {
  test('counts per level, source and hour over a range; bad times are a 400', async () => {
    h = await apiHarness();
    h.feed([...errors(3), rec(T0 + 3_600_000, 'info', 'later', { source: 'plex', app: 'plex' })]);
    const res = await h.get(`/api/stats?from=${new Date(T0).toISOString()}&to=${T0 + 7_200_000}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 4);
    assert.deepEqual(res.body.byLevel, { error: 3, info: 1 });
    assert.deepEqual(res.body.bySource, { radarr: 3, plex: 1 });
    assert.equal((res.body.byHour as unknown[]).length, 2);
    const only = await h.get(`/api/stats?from=${T0}&to=${T0 + 7_200_000}&source=plex`);
    assert.equal(only.body.total, 1);
    const bad = await h.get('/api/stats?from=yesterday');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error ?? '', /from/);
    assert.equal((await h.get(`/api/stats?from=${T0 + 10}&to=${T0}`)).status, 400);
  });
});

describe('api: /api/openapi.json', () => {
  test('documents every API route with its parameters and answers, from the zod schemas', async () => {
    h = await apiHarness();
    const res = await h.get('/api/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const paths = res.body.paths as Record<
      string,
      Record<string, { parameters: Array<{ name: string }>; responses: Record<string, unknown> }>
    >;
    for (const p of [
      '/api/issues',
      '/api/issues/{id}',
      '/api/issues/{id}/{action}',
      '/api/alerts',
      '/api/incidents',
      '/api/sources',
      '/api/config',
      '/api/stats',
    ]) {
      assert.ok(paths[p], `${p} missing`);
    }
    const list = paths['/api/issues']?.get;
    assert.ok(list?.parameters.some((p) => p.name === 'sort'));
    assert.ok(list?.responses['400']);
    assert.ok(paths['/api/issues/{id}']?.get?.responses['404']);
  });
});
