/**
 * How alerts end with their issue (resolved by hand, by auto-resolve, by an API no longer listing it) and how API
 * health items alert: once per state, however many polls report it. Detector level, on a fake clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { ConfigInput } from '../config/schema.ts';
import type { AlertEvent, IssueEvent } from '../core/events.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { testContext } from '../core/testing.ts';
import type { Level, LogRecord } from '../core/types.ts';
import { Detector } from './detector.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const FREE =
  'Not enough free space (1048576) to import: /mnt/remotes/Plex/Movies/Tag (2018)/Tag (2018) Bluray-1080p.mkv (8214147983)';
const HEALTH: ExternalProblem = {
  key: 'health:IndexerRssCheck',
  source: 'sonarr',
  app: 'sonarr',
  title: 'Indexers unavailable',
  message: 'All indexers are unavailable',
  category: 'indexer',
  severity: 'medium',
};

function rec(time: number, level: Level, message: string): LogRecord {
  return { time, timeExact: true, level, app: 'radarr', source: 'radarr', message, raw: message, lines: 1 };
}

const dirs: string[] = [];
/** Started detectors, stopped even when a test fails (their timers would keep the process alive). */
const started: Detector[] = [];
afterEach(async () => {
  for (const d of started.splice(0)) await d.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(config: ConfigInput = {}, dataDir?: string) {
  const { ctx, clock } = testContext(config);
  const detector = new Detector(ctx, dataDir ? { dataDir, tickIntervalMs: 3_600_000 } : { tickIntervalMs: 3_600_000 });
  const alerts: AlertEvent[] = [];
  /** Issue and alert events in the order they went out. */
  const order: string[] = [];
  ctx.bus.on('issue', 't', (e: IssueEvent) => void order.push(`issue:${e.kind}`));
  ctx.bus.on('alert', 't', (e) => {
    alerts.push(e);
    order.push(`alert:${e.kind}`);
  });
  const feed = (r: LogRecord) => {
    clock.advanceTo(r.time);
    return detector.process(r);
  };
  /** `n` records of `message`, one second apart from now on; returns the issue id. */
  const burst = (n: number, message = FREE, level: Level = 'warn') => {
    let fp = '';
    for (let i = 0; i < n; i++) fp = feed(rec(clock.now() + S, level, message)) ?? '';
    return fp;
  };
  const poll = (problems: ExternalProblem[]) => {
    detector.syncExternal('sonarr', 'health', problems, clock.now());
    detector.tick();
  };
  return { clock, detector, alerts, order, feed, burst, poll };
}

const kinds = (alerts: AlertEvent[]) => alerts.map((e) => e.kind);

describe('an alert ends with its issue', () => {
  test('resolved by hand: the alert resolves at once, paired, after the issue event; a recurrence alerts after the cooldown', () => {
    const { clock, detector, alerts, order, burst } = setup();
    const fp = burst(5);
    assert.deepEqual(kinds(alerts), ['fired']);
    clock.advance(30 * S);
    order.length = 0;
    detector.resolve(fp, clock.now());
    assert.deepEqual(kinds(alerts), ['fired', 'resolved']);
    assert.deepEqual(order, ['issue:resolved', 'alert:resolved']);
    const [fired, resolved] = alerts;
    assert.equal(resolved?.alert.id, fired?.alert.id);
    assert.equal(resolved?.at, clock.now(), 'at once, not a window later');
    assert.equal(resolved?.issue?.status, 'resolved');
    assert.equal(detector.activeAlerts().length, 0);
    detector.tick(clock.now() + 10 * M);
    assert.equal(alerts.length, 2, 'the window ending later adds no second resolution');

    // The issue comes back inside the cooldown (fired at +5s, cooldown 15m): regressed, counted, held.
    clock.set((fired?.at ?? 0) + 12 * M);
    burst(5);
    assert.equal(detector.get(fp)?.regressed, true);
    assert.equal(alerts.length, 2);
    clock.set((fired?.at ?? 0) + 15 * M);
    detector.tick();
    assert.deepEqual(kinds(alerts), ['fired', 'resolved', 'fired'], 'the cooldown is over and it goes on');
    assert.notEqual(alerts[2]?.alert.id, fired?.alert.id);
    assert.equal(alerts[2]?.alert.count, 5);
    assert.equal(alerts[2]?.alert.suppressed, 5, 'what the cooldown held after the resolution');
  });

  test('auto-resolve ends the alert before its window would', () => {
    const { clock, detector, alerts, burst } = setup({ detect: { autoResolve: '1h' }, alerts: { window: '2h' } });
    const fp = burst(5, 'boom', 'error');
    clock.advance(H);
    detector.tick();
    assert.equal(detector.get(fp)?.status, 'resolved');
    assert.deepEqual(kinds(alerts), ['fired', 'resolved']);
    assert.equal(alerts[1]?.at, clock.now());
    assert.equal(alerts[1]?.alert.id, alerts[0]?.alert.id);
  });

  test('rule-keyed alerts span several issues: resolving one leaves the alert to its window', () => {
    const { clock, detector, alerts, burst } = setup({ alerts: { key: 'rule' } });
    const fp = burst(5);
    assert.equal(alerts[0]?.alert.key.startsWith('rule:'), true);
    detector.resolve(fp, clock.now());
    assert.deepEqual(kinds(alerts), ['fired']);
    detector.tick(clock.now() + 5 * M);
    assert.deepEqual(kinds(alerts), ['fired', 'resolved']);
  });
});

describe('API health items', () => {
  test('one alert however many polls report the same state; gone resolves it; back after the cooldown alerts again', () => {
    const { clock, detector, alerts, poll } = setup();
    for (let i = 0; i < 240; i++) {
      poll([HEALTH]);
      clock.advance(M);
    }
    assert.deepEqual(kinds(alerts), ['fired'], 'four hours of polls, one alert');
    assert.equal(detector.activeAlerts().length, 1);
    poll([]);
    assert.deepEqual(kinds(alerts), ['fired', 'resolved']);
    assert.equal(alerts[1]?.alert.id, alerts[0]?.alert.id);
    assert.equal(alerts[1]?.at, clock.now());
    for (let i = 0; i < 20; i++) {
      clock.advance(M);
      poll([]);
    }
    for (let i = 0; i < 60; i++) {
      poll([HEALTH]);
      clock.advance(M);
    }
    assert.deepEqual(kinds(alerts), ['fired', 'resolved', 'fired']);
    assert.notEqual(alerts[2]?.alert.id, alerts[0]?.alert.id);
    assert.equal(alerts[2]?.issue?.regressed, true);
  });

  test('flapping inside the cooldown is held: announced at its end only if still listed', () => {
    const { clock, alerts, poll } = setup();
    const fired = clock.now();
    poll([HEALTH]);
    clock.advance(M);
    poll([]);
    clock.advance(M);
    poll([HEALTH]);
    clock.advance(M);
    poll([]);
    clock.set(fired + 20 * M);
    poll([]);
    assert.deepEqual(kinds(alerts), ['fired', 'resolved'], 'back and gone again inside the cooldown: nothing');
    poll([HEALTH]);
    clock.advance(M);
    poll([]);
    clock.advance(M);
    poll([HEALTH]);
    assert.deepEqual(kinds(alerts), ['fired', 'resolved', 'fired', 'resolved'], 'a new episode, then held');
    for (let i = 0; i < 14; i++) {
      clock.advance(M);
      poll([HEALTH]);
    }
    assert.deepEqual(kinds(alerts), ['fired', 'resolved', 'fired', 'resolved', 'fired'], 'still listed at its end');
  });

  test('resolved by hand while the API still lists it: the alert ends now and comes back after the cooldown', () => {
    const { clock, detector, alerts, poll } = setup();
    poll([HEALTH]);
    const id = detector.list({ source: 'sonarr' })[0]?.id ?? '';
    detector.resolve(id, clock.now());
    assert.deepEqual(kinds(alerts), ['fired', 'resolved']);
    for (let i = 0; i < 30; i++) {
      clock.advance(M);
      poll([HEALTH]);
    }
    assert.deepEqual(kinds(alerts), ['fired', 'resolved', 'fired']);
  });

  test('restart: the alert sent before is neither sent again nor lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arrgus-alert-resolution-'));
    dirs.push(dir);
    const one = setup({}, dir);
    await one.detector.start();
    started.push(one.detector);
    one.poll([HEALTH]);
    await one.detector.stop();
    started.splice(0);
    const two = setup({}, dir);
    two.clock.set(one.clock.now() + M);
    await two.detector.start();
    started.push(two.detector);
    for (let i = 0; i < 30; i++) {
      two.poll([HEALTH]);
      two.clock.advance(M);
    }
    assert.deepEqual(kinds(two.alerts), []);
    two.poll([]);
    assert.deepEqual(kinds(two.alerts), ['resolved']);
    assert.equal(two.alerts[0]?.alert.id, one.alerts[0]?.alert.id);
  });
});
