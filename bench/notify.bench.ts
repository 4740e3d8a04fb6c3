/**
 * Notifications: what an alert costs the ingestion path (route + render + durable SQLite enqueue, file-backed WAL),
 * bus throughput with a hung target versus healthy ones, and delivery rate to a loopback webhook.
 * Run: node bench/notify.bench.ts (or npm run bench -- notify).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.ts';
import type { MuteService } from '../src/core/ports.ts';
import { testContext } from '../src/core/testing.ts';
import type { LogRecord } from '../src/core/types.ts';
import { NotifyDispatcher } from '../src/notify/dispatcher.ts';
import { sampleAlert, sampleIssue } from '../src/notify/test-fixtures.ts';
import { startPeer, webhookContract } from '../src/notify/test-peers.ts';
import { openDatabase } from '../src/store/db.ts';
import { Outbox } from '../src/store/outbox.ts';

const noMute: MuteService = { isMuted: () => false, setMuted: () => {}, muted: () => [] };
const dir = mkdtempSync(join(tmpdir(), 'arrgus-notify-bench-'));
let dbN = 0;

function make(notify: unknown[]) {
  const { ctx } = testContext({ notify } as never);
  ctx.clock = systemClock;
  const d = new NotifyDispatcher({ ctx, mute: noMute, outbox: new Outbox(openDatabase(join(dir, `b${dbN++}.db`))) });
  d.start();
  return { ctx, d };
}

const rec: LogRecord = {
  time: 0,
  timeExact: true,
  level: 'error',
  app: 'sonarr',
  source: 'sonarr',
  message: 'x',
  raw: 'x',
  lines: 1,
};

function emitAlerts(ctx: ReturnType<typeof make>['ctx'], n: number): number {
  const t = performance.now();
  for (let i = 0; i < n; i++)
    ctx.bus.emit('alert', { kind: 'fired', alert: sampleAlert({ id: `a${i}` }), at: Date.now(), issue: sampleIssue() });
  return ((performance.now() - t) * 1000) / n;
}

function ingest(ctx: ReturnType<typeof make>['ctx'], n: number, alertEvery: number): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    ctx.bus.emit('record', rec);
    if (i % alertEvery === 0)
      ctx.bus.emit('alert', {
        kind: 'fired',
        alert: sampleAlert({ id: `h${i}` }),
        at: Date.now(),
        issue: sampleIssue(),
      });
  }
  return n / ((performance.now() - t) / 1000);
}

const ok = await startPeer(webhookContract());
const hung = await startPeer(webhookContract());
hung.fault = () => 'hang';
const url = (p: { url: string }) => `json://${p.url.slice(7)}/x`;

// 1. Enqueue cost per alert (targets unreachable-free: deliveries happen after, off the measured loop).
for (const targets of [1, 3]) {
  const { ctx, d } = make(
    Array.from({ length: targets }, (_, i) => ({ name: `t${i}`, url: url(ok), maxQueue: 100_000 })),
  );
  emitAlerts(ctx, 200);
  const us = emitAlerts(ctx, 2000);
  console.log(`enqueue: ${us.toFixed(1)} µs per alert with ${targets} target(s) (route + render + durable insert)`);
  await d.stop();
}

// 2. Ingestion-like throughput: records with one alert per 1000, healthy targets vs one hung.
const healthy = make([
  { name: 'a', url: url(ok) },
  { name: 'b', url: url(ok) },
]);
healthy.ctx.bus.on('record', 'sink', () => {});
ingest(healthy.ctx, 50_000, 1000);
const base = ingest(healthy.ctx, 500_000, 1000);
const withHung = make([
  { name: 'hung', url: url(hung), timeout: '2s' },
  { name: 'b', url: url(ok) },
]);
withHung.ctx.bus.on('record', 'sink', () => {});
ingest(withHung.ctx, 50_000, 1000);
const hungRate = ingest(withHung.ctx, 500_000, 1000);
console.log(
  `bus: ${Math.round(base).toLocaleString('en')} records/s with healthy targets, ${Math.round(hungRate).toLocaleString('en')} records/s with one target hung (${((hungRate / base) * 100).toFixed(0)}%)`,
);
await healthy.d.stop();
await withHung.d.stop();

// 3. Delivery rate to a loopback webhook, one target (sequential by design: order per target).
const deliv = make([{ name: 'w', url: url(ok), maxQueue: 100_000 }]);
const before = ok.accepted.length;
const t = performance.now();
emitAlerts(deliv.ctx, 1000);
while (ok.accepted.length - before < 1000) await new Promise((r) => setTimeout(r, 5));
console.log(
  `delivery: ${Math.round(1000 / ((performance.now() - t) / 1000))} webhook deliveries/s to loopback, one target`,
);
await deliv.d.stop();

console.log(`peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
await ok.close();
await hung.close();
rmSync(dir, { recursive: true, force: true });
