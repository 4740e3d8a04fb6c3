import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { type ServerType, serve } from '@hono/node-server';
import { until } from '../../../test/helpers/wait.ts';
import { apiHarness, rec } from './testing.ts';

const T0 = Date.UTC(2026, 0, 1, 10);
type H = Awaited<ReturnType<typeof apiHarness>>;
let h: H | null = null;
let server: ServerType | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s) {
    await new Promise<void>((r) => {
      s.close(() => r());
      if ('closeAllConnections' in s) s.closeAllConnections();
    });
  }
  await h?.close();
  h = null;
});

type Line = { id: number; message: string; level: string; source: string; issue: string | null; raw: string };

async function withLines() {
  h = await apiHarness();
  const lines = [];
  for (let i = 0; i < 120; i++) {
    lines.push(
      rec(T0 + i * 1000, 'debug', `Request: [192.168.1.${i % 7}:4${i}] GET /library/metadata/${i} done`, {
        source: 'plex',
        app: 'plex',
        raw: `Jan 01, 2026 10:00:00.000 [7] DEBUG - Request: [192.168.1.${i % 7}:4${i}] GET /library/metadata/${i} done`,
      }),
    );
  }
  lines.push(rec(T0 + 200_000, 'error', 'database is locked while importing', { logger: 'Database' }));
  lines.push(rec(T0 + 201_000, 'info', 'zanzibar quokka appeared', { source: 'sonarr', app: 'sonarr' }));
  h.feed(lines);
  return h;
}

describe('api: /api/logs', () => {
  test('a search out of time answers the lines found so far and a cursor that goes on from there', async () => {
    h = await apiHarness({}, [], {}, 0);
    const lines = [rec(T0, 'fatal', 'transaction aborted')];
    for (let i = 1; i <= 600; i++) lines.push(rec(T0 + i * 1000, 'info', `transaction ${i} committed`));
    h.feed(lines);
    let cursor: string | null = null;
    const found: string[] = [];
    let pages = 0;
    do {
      const path: string = `/api/logs?q=transaction&level=fatal${cursor ? `&cursor=${cursor}` : ''}`;
      const res: { status: number; body: unknown } = await (h as H).get(path);
      assert.equal(res.status, 200);
      const body = res.body as { items: Line[]; next: string | null };
      found.push(...body.items.map((l) => l.message));
      cursor = body.next;
      pages++;
    } while (cursor && pages < 100);
    assert.ok(pages > 1, 'the first page ran out of time before the fatal line');
    assert.deepEqual(found, ['transaction aborted']);
  });

  test('full-text search: a rare term, a common term, a phrase, a prefix, with level and source filters', async () => {
    const h = await withLines();
    const rare = await h.get('/api/logs?q=quokka');
    assert.equal(rare.status, 200);
    assert.deepEqual(
      (rare.body.items as Line[]).map((l) => l.message),
      ['zanzibar quokka appeared'],
    );
    const common = await h.get('/api/logs?q=GET&limit=10');
    assert.equal((common.body.items as Line[]).length, 10);
    assert.equal(typeof common.body.next, 'string');
    // Newest first.
    assert.match((common.body.items as Line[])[0]?.message ?? '', /metadata\/119 /);
    const phrase = await h.get(`/api/logs?q=${encodeURIComponent('"database is locked"')}`);
    assert.equal((phrase.body.items as Line[]).length, 1);
    assert.equal(
      ((await h.get(`/api/logs?q=${encodeURIComponent('"locked database"')}`)).body.items as Line[]).length,
      0,
    );
    assert.equal(((await h.get('/api/logs?q=zanzi*')).body.items as Line[]).length, 1);
    const filtered = await h.get('/api/logs?q=locked&level=error,fatal&source=radarr');
    assert.equal((filtered.body.items as Line[]).length, 1);
    assert.equal(((await h.get('/api/logs?q=locked&level=debug')).body.items as Line[]).length, 0);
    assert.equal(((await h.get('/api/logs?q=locked&source=plex')).body.items as Line[]).length, 0);
    const raw = (common.body.items as Line[])[0]?.raw;
    assert.match(raw ?? '', /^Jan 01, 2026 10:00:00.000 \[7\] DEBUG - Request/);
  });

  test('pages by cursor through every match once; no query lists every line; issue and time filters', async () => {
    const h = await withLines();
    const ids = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<H['get']>> = await h.get(
        `/api/logs?q=GET&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const l of page.body.items as Line[]) ids.add(l.id);
      cursor = page.body.next as string | null;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(ids.size, 120);
    assert.equal(pages, 3);
    const all = await h.get('/api/logs?limit=500');
    assert.equal((all.body.items as Line[]).length, 122);
    const issueId = ((await h.get('/api/issues')).body.items as Array<{ id: string }>)[0]?.id as string;
    const ofIssue = await h.get(`/api/logs?issue=${issueId}`);
    assert.deepEqual(
      (ofIssue.body.items as Line[]).map((l) => l.issue),
      [issueId],
    );
    const window = await h.get(`/api/logs?from=${T0 + 10_000}&to=${new Date(T0 + 20_000).toISOString()}`);
    assert.equal((window.body.items as Line[]).length, 10);
  });

  for (const [q, pattern] of [
    ['q=%22unterminated', /q: .*(unterminated|syntax)/i],
    ['q=AND%20OR', /q: .*syntax/i],
    ['q=nosuchcolumn%3A%20x', /q: .*no such column/i],
    ['limit=100000', /limit/],
    ['level=loud', /level/],
    ['cursor=xyz', /cursor/],
    ['from=tomorrow', /from/],
    [`q=${'x'.repeat(600)}`, /q/],
    ['what=1', /unknown parameter "what"/],
  ] as const) {
    test(`answers 400 naming the problem for ?${q.slice(0, 40)}`, async () => {
      h = await withLines();
      const res = await h.get(`/api/logs?${q}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.error ?? '', pattern);
    });
  }
});

/** Reads SSE events from a real HTTP response `enough` says stop. */
function readEvents(port: number, path: string, enough: (events: Array<{ event: string; data: string }>) => boolean) {
  return new Promise<Array<{ event: string; data: string }>>((resolve, reject) => {
    const events: Array<{ event: string; data: string }> = [];
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at = buf.indexOf('\n\n');
        while (at >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ?? '' });
          at = buf.indexOf('\n\n');
        }
        if (enough(events)) {
          req.destroy();
          resolve(events);
        }
      });
      res.on('end', () => resolve(events));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(h: H): Promise<number> {
  return new Promise((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
}

describe('api: /api/logs/stream (SSE over a socket)', () => {
  test('streams new lines that match the filters, after a ready event', async () => {
    h = await apiHarness();
    const harness = h;
    const port = await listen(harness);
    const got = readEvents(port, '/api/logs/stream?level=error&q=locked', (ev) => {
      if (ev.length === 1 && ev[0]?.event === 'ready') {
        harness.ctx.bus.emit('record', rec(T0, 'info', 'database is locked'));
        harness.ctx.bus.emit('record', rec(T0, 'error', 'nothing to see'));
        harness.ctx.bus.emit('record', { ...rec(T0, 'error', 'database is locked again'), issue: 'fp-locked' });
      }
      return ev.some((e) => e.event === 'record');
    });
    const events = await got;
    const records = events.filter((e) => e.event === 'record').map((e) => JSON.parse(e.data) as Line);
    assert.deepEqual(
      records.map((r) => r.message),
      ['database is locked again'],
    );
    assert.equal(records[0]?.issue, 'fp-locked', 'a live line links to the issue it joined');
    // The client went away: its listener is gone.
    await until(() => harness.ctx.bus.listenerCount('record') === 0);
  });

  test('a client that does not read is dropped with a final event, and memory stays bounded', async () => {
    h = await apiHarness({}, [], { maxQueued: 50, dropGraceMs: 60_000 });
    const harness = h;
    const port = await listen(harness);
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('GET /api/logs/stream HTTP/1.1\r\nHost: x\r\n\r\n');
    let text = '';
    sock.on('data', (b: Buffer) => {
      text += b.toString('utf8');
    });
    await until(() => text.includes('event: ready'));
    sock.pause();
    // Lines big enough to fill the socket buffers, then the client's queue.
    const big = 'x'.repeat(16_000);
    let sent = 0;
    while (harness.ctx.bus.listenerCount('record') > 0 && sent < 20_000) {
      harness.ctx.bus.emit('record', rec(T0, 'info', `${sent} ${big}`));
      sent++;
      if (sent % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(harness.ctx.bus.listenerCount('record'), 0, 'the slow client was dropped');
    assert.ok(sent < 20_000);
    sock.resume();
    await until(() => text.includes('event: dropped'));
    const tail = text.slice(text.lastIndexOf('event: '));
    assert.match(tail, /^event: dropped\ndata: .*fell 50 records behind/);
    sock.destroy();
  });
});
