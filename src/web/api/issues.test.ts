import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { apiHarness, rec } from './testing.ts';

const FREE = 'Not enough free space (1048576) to import: /mnt/media/Movies/Tag (2018)/Tag.mkv (8214147983)';
const DB = 'database is locked';
const T0 = Date.UTC(2026, 0, 1, 10);

type H = Awaited<ReturnType<typeof apiHarness>>;
let h: H | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function withIssues() {
  h = await apiHarness();
  const lines = [];
  for (let i = 0; i < 30; i++) lines.push(rec(T0 + i * 1000, 'debug', `tick ${i}`));
  for (let i = 0; i < 5; i++) lines.push(rec(T0 + 40_000 + i, 'warn', FREE, { logger: 'FreeSpaceSpecification' }));
  for (let i = 0; i < 12; i++)
    lines.push(rec(T0 + 50_000 + i, 'error', DB, { logger: 'Database', source: 'sonarr', app: 'sonarr' }));
  for (let i = 0; i < 5; i++) lines.push(rec(T0 + 60_000 + i * 1000, 'info', `after ${i}`));
  h.feed(lines);
  return h;
}

type Item = {
  id: string;
  title: string;
  category: string;
  severity: string;
  status: string;
  count: number;
  impact: number;
};

describe('api: /api/issues', () => {
  test('lists issues with the required fields and filters by status, source, severity and text', async () => {
    const h = await withIssues();
    const all = await h.get('/api/issues');
    assert.equal(all.status, 200);
    const items = all.body.items as Item[];
    assert.equal(items.length, 2);
    for (const i of items)
      for (const k of ['id', 'title', 'category', 'severity', 'status', 'count', 'impact']) assert.ok(k in i, k);
    assert.equal(all.body.next, null);
    const sonarr = (await h.get('/api/issues?source=sonarr')).body.items as Item[];
    assert.equal(sonarr.length, 1);
    assert.equal(sonarr[0]?.count, 12);
    assert.equal(((await h.get('/api/issues?status=resolved')).body.items as Item[]).length, 0);
    assert.equal(((await h.get('/api/issues?status=open,resolved')).body.items as Item[]).length, 2);
    assert.equal(((await h.get('/api/issues?text=FREE%20DISK')).body.items as Item[]).length, 1);
    const byCount = (await h.get('/api/issues?sort=count')).body.items as Item[];
    assert.deepEqual(
      byCount.map((i) => i.count),
      [12, 5],
    );
  });

  test('pages with a cursor: every issue exactly once', async () => {
    h = await apiHarness();
    const lines = [];
    for (let k = 0; k < 7; k++)
      for (let i = 0; i <= k; i++)
        lines.push(rec(T0 + k * 100 + i, 'error', `Failure kind${'x'.repeat(k)} happened`, { logger: `L${k}` }));
    h.feed(lines);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<H['get']>> = await h.get(
        `/api/issues?sort=count&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      for (const i of page.body.items as Item[]) seen.push(i.id);
      cursor = page.body.next as string | null;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    assert.equal(pages, 3);
  });

  for (const [q, pattern] of [
    ['limit=100000', /limit/],
    ['limit=0', /limit/],
    ['limit=abc', /limit/],
    ['status=broken', /status/],
    ['sort=random', /sort/],
    ['cursor=zzzz', /cursor/],
    ['bogus=1', /unknown parameter "bogus"/],
    ['severity=huge', /severity/],
  ] as const) {
    test(`answers 400 naming the problem for ?${q}`, async () => {
      h = await apiHarness();
      const res = await h.get(`/api/issues?${q}`);
      assert.equal(res.status, 400);
      assert.match(res.body.error ?? '', pattern);
    });
  }

  test('detail: samples with the lines around them, histogram, timeline, incident; 404 for unknown ids', async () => {
    const h = await withIssues();
    const items = (await h.get('/api/issues?source=radarr')).body.items as Item[];
    const id = items[0]?.id as string;
    const d = await h.get(`/api/issues/${id}`);
    assert.equal(d.status, 200);
    const samples = d.body.samples as Array<{
      message: string;
      before: Array<{ message: string }>;
      after: Array<{ message: string }>;
    }>;
    assert.ok(samples.length >= 1);
    assert.equal(samples[0]?.message, FREE);
    assert.deepEqual(
      samples[0]?.before.map((l) => l.message),
      ['tick 27', 'tick 28', 'tick 29'],
    );
    assert.equal(samples[0]?.after.length, 3);
    const hist = d.body.histogram as Array<{ hour: string; count: number }>;
    assert.deepEqual(hist, [{ hour: new Date(T0).toISOString(), count: 5 }]);
    const timeline = d.body.timeline as Array<{ kind: string }>;
    assert.equal(timeline[0]?.kind, 'opened');
    assert.ok('incident' in d.body);
    assert.ok(!('analysis' in d.body));
    const missing = await h.get('/api/issues/nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error ?? '', /issue "nope" not found/);
  });

  test('actions change the status, show in the timeline, and answer 404/400 for unknown ids and actions', async () => {
    const h = await withIssues();
    const id = ((await h.get('/api/issues?source=sonarr')).body.items as Item[])[0]?.id as string;
    const post = (action: string, issue = id) => h.get(`/api/issues/${issue}/${action}`, { method: 'POST' });
    assert.equal((await post('acknowledge')).body.status, 'acknowledged');
    assert.equal((await post('resolve')).body.status, 'resolved');
    assert.equal((await post('reopen')).body.status, 'open');
    assert.equal((await post('mute')).body.status, 'muted');
    assert.equal((await post('unmute')).body.status, 'open');
    const kinds = ((await h.get(`/api/issues/${id}`)).body.timeline as Array<{ kind: string }>).map((t) => t.kind);
    // Reopening is one status change of its own (not a mute and an unmute), and not a detected regression.
    assert.deepEqual(kinds, ['opened', 'acknowledged', 'resolved', 'reopened', 'muted', 'unmuted']);
    assert.equal((await post('acknowledge')).body.status, 'acknowledged');
    const reopened = (await post('reopen')).body;
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.regressed, false);
    assert.equal((await post('acknowledge', 'nope')).status, 404);
    const bad = await post('explode');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error ?? '', /action/);
  });
});
