import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotifyTarget } from '../config/notify.ts';
import { systemClock } from '../core/clock.ts';
import type { MuteService } from '../core/ports.ts';
import { testContext } from '../core/testing.ts';
import type { Alert } from '../core/types.ts';
import { openDatabase } from '../store/db.ts';
import { Outbox } from '../store/outbox.ts';
import { NotifyDispatcher } from './dispatcher.ts';
import { sampleAlert, sampleIncident, sampleIssue } from './test-fixtures.ts';
import { type Content, type Delivery, DeliveryError, type Notifier } from './types.ts';

export class FakeMute implements MuteService {
  readonly set = new Set<string | null>();
  isMuted(s: string | null): boolean {
    return this.set.has(s);
  }
  setMuted(s: string | null, m: boolean): void {
    if (m) this.set.add(s);
    else this.set.delete(s);
  }
  muted(): Array<string | null> {
    return [...this.set];
  }
}

/** A notifier that records what it got and fails as scripted. */
class Recorder implements Notifier {
  readonly type = 'fake';
  readonly name: string;
  readonly got: Content[] = [];
  /** Delivery ids (the idempotency keys receivers see), in the order sent. */
  readonly ids: string[] = [];
  script: Array<DeliveryError | 'ok'> = [];
  constructor(name: string) {
    this.name = name;
  }
  async send(d: Delivery): Promise<undefined> {
    const next = this.script.shift() ?? 'ok';
    if (next !== 'ok') throw next;
    this.got.push(d.content);
    this.ids.push(d.id);
    return undefined;
  }
}

function setup(notify: unknown[], real = true) {
  const { ctx, clock } = testContext({ notify } as never);
  if (real) ctx.clock = systemClock;
  const mute = new FakeMute();
  const outbox = new Outbox(openDatabase(':memory:'));
  const fakes = new Map<string, Recorder>();
  const d = new NotifyDispatcher({
    ctx,
    mute,
    outbox,
    random: () => 0.5,
    notifierFor: (t: NotifyTarget) => {
      const r = new Recorder(t.name);
      fakes.set(t.name, r);
      return r;
    },
  });
  d.start();
  return { ctx, clock, mute, outbox, d, fakes };
}

/** A quiet period from an hour ago to an hour ahead (UTC), whatever the time the test runs. */
function quietAroundNow() {
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  return { start: hhmm(Date.now() - 3_600_000), end: hhmm(Date.now() + 3_600_000) };
}

const until = async (cond: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Fires an alert; alerts with different titles are different alerts (ids), as detection makes them. */
const fire = (ctx: ReturnType<typeof setup>['ctx'], over: Partial<Alert> = {}) =>
  ctx.bus.emit('alert', {
    kind: 'fired',
    alert: sampleAlert({ ...(over.title ? { id: `alert-${over.title}` } : {}), ...over }),
    at: ctx.clock.now(),
    issue: sampleIssue(),
  });

test('routes by severity, source and event kind; resolved only reaches targets that heard the start', async () => {
  const { ctx, d, fakes } = setup([
    { name: 'all', url: 'json://h/x', minSeverity: 'info', events: ['alert', 'opened', 'resolved'] },
    { name: 'critical', url: 'json://h/x', minSeverity: 'critical' },
    { name: 'plex-only', url: 'json://h/x', sources: ['plex'] },
    { name: 'issues', url: 'json://h/x', events: ['opened', 'resolved'] },
  ]);
  fire(ctx);
  ctx.bus.emit('issue', { kind: 'opened', issue: sampleIssue(), at: ctx.clock.now() });
  ctx.bus.emit('alert', {
    kind: 'resolved',
    alert: sampleAlert({ state: 'resolved', resolvedAt: ctx.clock.now() }),
    at: ctx.clock.now(),
  });
  await until(() => fakes.get('all')?.got.length === 3);
  await until(() => fakes.get('issues')?.got.length === 1);
  assert.deepEqual(
    fakes.get('all')?.got.map((c) => c.kind),
    ['alert', 'opened', 'resolved'],
  );
  assert.equal(fakes.get('critical')?.got.length, 0);
  assert.equal(fakes.get('plex-only')?.got.length, 0);
  assert.deepEqual(
    fakes.get('issues')?.got.map((c) => c.kind),
    ['opened'],
  );
  await d.stop();
});

test('retries with backoff in order, honours Retry-After, reports unhealthy, then recovers', async () => {
  const { ctx, d, fakes } = setup([{ name: 'w', url: 'json://h/x', retry: { initial: '10ms', max: '40ms' } }]);
  const w = fakes.get('w') as Recorder;
  const down = () => new DeliveryError('connection refused by h', { kind: 'refused' });
  w.script = [
    down(),
    down(),
    new DeliveryError('rate limited', { kind: 'rate-limited', status: 429, retryAfterMs: 150 }),
  ];
  const t0 = Date.now();
  fire(ctx, { id: 'a1', title: 'first' });
  fire(ctx, { id: 'a2', title: 'second' });
  await until(() => d.health()[0]?.healthy === false);
  assert.equal(d.health()[0]?.queued, 2);
  assert.match(d.health()[0]?.lastError ?? '', /rate limited/);
  await until(() => w.got.length === 2);
  assert.ok(Date.now() - t0 >= 150, 'Retry-After of 150 ms was waited out');
  assert.deepEqual(
    w.got.map((c) => c.title),
    ['sonarr: first', 'sonarr: second'],
  );
  const h = d.health()[0];
  assert.equal(h?.healthy, true);
  assert.equal(h?.queued, 0);
  assert.ok(h?.lastSuccessAt);
  const outcomes = d
    .deliveryLog('w')
    .map((l) => l.outcome)
    .reverse();
  assert.deepEqual(outcomes, ['retry', 'retry', 'retry', 'sent', 'sent']);
  await d.stop();
});

test('a refused payload is failed for good and the queue moves on', async () => {
  const { ctx, d, fakes, outbox } = setup([{ name: 'w', url: 'json://h/x' }]);
  const w = fakes.get('w') as Recorder;
  w.script = [new DeliveryError('rejected (HTTP 400)', { kind: 'rejected', status: 400, permanent: true })];
  fire(ctx, { title: 'bad' });
  fire(ctx, { title: 'good' });
  await until(() => w.got.length === 1);
  assert.equal(w.got[0]?.title, 'sonarr: good');
  assert.equal(outbox.count('w', 'failed'), 1);
  assert.equal(d.health()[0]?.failed, 1);
  await d.stop();
});

test('mute holds notifications and sends one summary when it ends; quiet hours hold below break-through', async () => {
  const { ctx, d, fakes, mute } = setup([
    { name: 'w', url: 'json://h/x', events: ['alert', 'incident', 'resolved'] },
    {
      name: 'night',
      url: 'json://h/x',
      quietHours: { ...quietAroundNow(), breakThrough: 'critical', timezone: 'UTC' },
    },
  ]);
  mute.setMuted('sonarr', true);
  fire(ctx, { title: 'one' });
  fire(ctx, { title: 'two', severity: 'critical' });
  ctx.bus.emit('incident', { kind: 'opened', incident: sampleIncident({ sources: ['radarr'] }), at: ctx.clock.now() });
  await until(() => fakes.get('w')?.got.length === 1);
  assert.equal(fakes.get('w')?.got[0]?.kind, 'incident', 'radarr is not muted');
  mute.setMuted('sonarr', false);
  ctx.bus.emit('mute', { source: 'sonarr', muted: false, at: ctx.clock.now() });
  await until(() => fakes.get('w')?.got.length === 2);
  const summary = fakes.get('w')?.got[1];
  assert.equal(summary?.kind, 'summary');
  assert.match(summary?.title ?? '', /2 notifications held while sonarr was muted/);
  assert.equal(summary?.severity, 'critical');
  const night = fakes.get('night') as Recorder;
  // The mute summary counts for "night" too; then quiet hours: only critical breaks through.
  await until(() => night.got.length === 2);
  fire(ctx, { title: 'quiet one', severity: 'high' });
  fire(ctx, { title: 'loud one', severity: 'critical' });
  await until(() => night.got.length === 3);
  assert.equal(night.got[2]?.title, 'sonarr: loud one');
  await d.stop();
});

test('a burst beyond the rate limit is held and sent as one summary when the window has room; targets apart', async () => {
  // The log's clock, moved by hand: what fits in the window does not depend on how fast this machine runs.
  const { ctx, clock, d, fakes, outbox } = setup(
    [
      { name: 'phone', url: 'json://h/x', rateLimit: { max: 3, window: '1s' } },
      { name: 'log', url: 'json://h/x', rateLimit: { max: 100, window: '1s' } },
    ],
    false,
  );
  for (let i = 0; i < 12; i++) fire(ctx, { title: `storm ${i}`, severity: i === 7 ? 'critical' : 'medium' });
  d.flush();
  const phone = fakes.get('phone') as Recorder;
  assert.equal(outbox.heldCount('phone', 'burst'), 9, 'three go out, nine are held');
  assert.equal(outbox.heldCount('log', 'burst'), 0, 'another target has its own window');
  await until(() => (fakes.get('log') as Recorder).got.length === 12);
  await until(() => phone.got.length === 3);
  assert.deepEqual(
    phone.got.map((c) => c.title),
    ['sonarr: storm 0', 'sonarr: storm 1', 'sonarr: storm 2'],
  );
  // A second later the window has room again: one summary of the nine, the most severe first.
  clock.advance(1000);
  await until(() => phone.got.length === 4);
  const summary = phone.got[3];
  assert.equal(summary?.kind, 'summary');
  assert.match(summary?.title ?? '', /^9 notifications held while more than 3 came within /);
  assert.equal(summary?.severity, 'critical');
  assert.equal(summary?.facts[0]?.value.startsWith('sonarr: storm 7'), true);
  assert.equal(outbox.heldCount('phone', 'burst'), 0);
  // The summary counted as a send: two more fit in this second, the third is held.
  for (let i = 0; i < 3; i++) fire(ctx, { title: `after ${i}` });
  d.flush();
  assert.equal(outbox.heldCount('phone', 'burst'), 1);
  await d.stop();
});

test('held notifications are bounded by maxQueue; the summary counts the ones not kept', async () => {
  const { ctx, d, fakes, mute } = setup([{ name: 'w', url: 'json://h/x', maxQueue: 5, rateLimit: noLimit }]);
  mute.setMuted(null, true);
  for (let i = 0; i < 40; i++) fire(ctx, { title: `muted ${i}`, severity: i === 3 ? 'high' : 'low' });
  d.flush();
  mute.setMuted(null, false);
  ctx.bus.emit('mute', { source: null, muted: false, at: ctx.clock.now() });
  const w = fakes.get('w') as Recorder;
  await until(() => w.got.length === 1);
  const summary = w.got[0];
  assert.match(summary?.title ?? '', /^40 notifications held while maintenance mode was on/);
  assert.match(summary?.message ?? '', /35 more, less severe, were not kept/);
  assert.equal(summary?.severity, 'high', 'the most severe one was kept');
  await d.stop();
});

test('notify-test sends through the target now and reports the exact reason', async () => {
  const { d, fakes } = setup([{ name: 'w', url: 'json://h/x' }], false);
  (fakes.get('w') as Recorder).script = [new DeliveryError('DNS: cannot resolve h (ENOTFOUND)', { kind: 'dns' })];
  const bad = await d.test('w');
  assert.deepEqual([bad?.ok, bad?.failure, bad?.error], [false, 'dns', 'DNS: cannot resolve h (ENOTFOUND)']);
  const good = await d.test('w');
  assert.equal(good?.ok, true);
  assert.equal(await d.test('nope'), undefined);
  await d.stop();
});

// The queue-bound tests below lift the rate limit: they are about what reaches the outbox.
const noLimit = { max: 1000, window: 0 };

test('a flood into a full queue logs one summary WARN a minute, not one per dropped notification', async () => {
  const { ctx, d, fakes } = setup([{ name: 'slow', url: 'json://h/x', maxQueue: 10, rateLimit: noLimit }]);
  const slow = fakes.get('slow') as Recorder;
  slow.script = Array.from({ length: 10_000 }, () => new DeliveryError('down', { kind: 'network' }));
  for (let i = 0; i < 300; i++) fire(ctx, { id: `alert-${i}` });
  // Ingestion flushes before it commits the lines' positions; otherwise the burst is committed at the end of the turn.
  d.flush();
  const warns = (ctx.logger as unknown as { lines: string[] }).lines.filter((l) => l.includes('is full'));
  assert.equal(warns.length, 1, warns.join('\n'));
  await d.stop();
});

test('an announcement made again (the same lines read again after a crash) is not sent again', async () => {
  const { ctx, d, fakes, outbox } = setup([{ name: 'w', url: 'json://h/x', events: ['alert', 'opened'] }]);
  const w = fakes.get('w') as Recorder;
  const at = ctx.clock.now();
  // Fresh objects each time, as detection rebuilds them from the same records.
  const announce = () => {
    ctx.bus.emit('issue', { kind: 'opened', issue: sampleIssue({ firstSeen: at }), at });
    ctx.bus.emit('alert', { kind: 'fired', alert: sampleAlert({ id: 'a-1' }), at, issue: sampleIssue() });
  };
  announce();
  await until(() => w.got.length === 2);
  announce();
  // Still firing after the cooldown: announced again, at a later time; that one goes out.
  ctx.bus.emit('alert', { kind: 'fired', alert: sampleAlert({ id: 'a-1' }), at: at + 1, issue: sampleIssue() });
  await until(() => w.got.length >= 3);
  await d.stop();
  assert.deepEqual(
    w.got.map((c) => c.kind),
    ['opened', 'alert', 'alert'],
  );
  assert.equal(new Set(w.ids).size, 3);
  assert.ok(w.ids.every((id) => id.startsWith(`${ctx.instanceId}-`)));
  assert.equal(outbox.count('w', 'sent'), 3);
});

test('a burst of events is committed to the outbox together, at the end of the turn or when ingestion flushes', async () => {
  const { ctx, d, fakes, outbox } = setup([{ name: 'slow', url: 'json://h/x', maxQueue: 10, rateLimit: noLimit }]);
  const slow = fakes.get('slow') as Recorder;
  slow.script = Array.from({ length: 10_000 }, () => new DeliveryError('down', { kind: 'network' }));
  for (let i = 0; i < 50; i++) fire(ctx, { id: `burst-${i}` });
  assert.equal(outbox.count('slow', 'pending'), 0, 'nothing committed inside the burst');
  await Promise.resolve();
  assert.equal(outbox.count('slow', 'pending'), 10);
  assert.equal(outbox.count('slow', 'dropped'), 40);
  for (let i = 0; i < 5; i++) fire(ctx, { id: `later-${i}` });
  d.flush();
  assert.equal(outbox.count('slow', 'dropped'), 45, 'flush commits at once');
  // Beyond 1000 buffered requests a burst commits without waiting for the turn to end.
  for (let i = 0; i < 1000; i++) fire(ctx, { id: `big-${i}` });
  assert.equal(outbox.count('slow', 'dropped'), 1045);
  await d.stop();
});

test('an alert that ended because its issue was dropped at the cap is not notified; one that resolved is', async () => {
  const { ctx, d, fakes, outbox } = setup([{ name: 'all', url: 'json://h/x', events: ['alert', 'resolved'] }]);
  const all = fakes.get('all') as Recorder;
  const at = ctx.clock.now();
  fire(ctx, { id: 'dropped' });
  fire(ctx, { id: 'fixed' });
  const ended = (id: string, pruned: boolean) =>
    ctx.bus.emit('alert', {
      kind: 'resolved',
      alert: sampleAlert({ id, state: 'resolved', resolvedAt: at, ...(pruned ? { pruned } : {}) }),
      at,
    });
  ended('dropped', true);
  ended('fixed', false);
  d.flush();
  const rows = () => outbox.count('all', 'pending') + outbox.count('all', 'sent');
  assert.equal(rows(), 3, 'two alerts and one resolution queued');
  await until(() => all.got.length === 3);
  await d.stop();
  assert.equal(rows(), 3);
  assert.deepEqual(
    all.got.map((c) => c.kind),
    ['alert', 'alert', 'resolved'],
  );
  assert.equal(outbox.count('all', 'sent'), 3);
});
