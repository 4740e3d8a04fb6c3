import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Alert } from '../core/types.ts';
import { AlertEngine, type AlertPolicy, type AlertSubject } from './alerts.ts';

const T0 = Date.UTC(2026, 0, 1);
const S = 1000;
const M = 60 * S;
const policy: AlertPolicy = { enabled: true, threshold: 5, windowMs: 5 * M, cooldownMs: 15 * M };
const subject: AlertSubject = {
  key: 'issue:abc',
  title: 'Disk full',
  source: 'radarr',
  app: 'radarr',
  category: 'disk',
  severity: 'high',
  level: 'warn',
  fingerprint: 'abc',
};

let events: Array<{ kind: string; alert: Alert; at: number }>;
let muted: Set<string>;
let engine: AlertEngine;
beforeEach(() => {
  events = [];
  muted = new Set();
  engine = new AlertEngine({
    isMuted: (s) => muted.has(s),
    emit: (kind, alert, at) => events.push({ kind, alert: structuredClone(alert), at }),
  });
});
const hit = (at: number, p = policy) => engine.occurrence(subject, p, at);

describe('alert engine', () => {
  test('fires at the Nth occurrence inside the window, not before', () => {
    for (let i = 0; i < 4; i++) hit(T0 + i * M);
    assert.equal(events.length, 0);
    hit(T0 + 4 * M);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.kind, 'fired');
    assert.equal(events[0]?.alert.count, 5);
    assert.equal(events[0]?.alert.fingerprint, 'abc');
  });

  test('occurrences spread wider than the window never fire (sliding window)', () => {
    for (let i = 0; i < 20; i++) hit(T0 + i * 90 * S);
    assert.equal(events.length, 0);
  });

  test('cooldown swallows occurrences and carries the count into the next alert; resolved pairs with the opener', () => {
    for (let i = 0; i < 5; i++) hit(T0 + i * S);
    for (let i = 0; i < 7; i++) hit(T0 + 10 * S + i * S); // while firing, inside cooldown
    engine.tick(T0 + 10 * M); // quiet for a whole window: resolved
    assert.deepEqual(
      events.map((e) => e.kind),
      ['fired', 'resolved'],
    );
    assert.equal(events[1]?.alert.id, events[0]?.alert.id);
    // Recurs within the cooldown (ends at T0 + 15m + 4s): held, counted.
    for (let i = 0; i < 6; i++) hit(T0 + 11 * M + i * S);
    assert.equal(events.length, 2);
    engine.tick(T0 + 15 * M + 5 * S); // cooldown over and the threshold still met in the last window: announce
    assert.equal(events.length, 3);
    const next = events[2]?.alert as Alert;
    assert.equal(next.kind, 'threshold');
    assert.notEqual(next.id, events[0]?.alert.id);
    assert.equal(
      next.suppressed,
      13,
      'seven swallowed while firing and six after the resolution, all inside the cooldown',
    );
  });

  test('after the cooldown, a recurrence below the threshold stays quiet', () => {
    for (let i = 0; i < 5; i++) hit(T0 + i * S);
    engine.tick(T0 + 10 * M);
    hit(T0 + 11 * M);
    engine.tick(T0 + 16 * M);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['fired', 'resolved'],
    );
  });

  test('memory per key is bounded whatever the rate', () => {
    for (let i = 0; i < 100_000; i++) hit(T0 + i);
    const [st] = engine.snapshot();
    assert.equal(st?.times.length, policy.threshold);
    assert.equal(events.filter((e) => e.kind === 'fired').length, 1);
  });

  test('a firing alert is announced again after the cooldown if the storm goes on', () => {
    for (let i = 0; i < 20 * 60; i++) hit(T0 + i * S); // 20 minutes, one per second
    const fired = events.filter((e) => e.kind === 'fired');
    assert.equal(fired.length, 2);
    assert.equal(fired[1]?.alert.id, fired[0]?.alert.id);
    assert.ok((fired[1]?.alert.suppressed ?? 0) > 800);
  });

  test('muted: held, not emitted; still firing at unmute is announced; begun and ended inside the mute vanishes', () => {
    muted.add('radarr');
    for (let i = 0; i < 5; i++) hit(T0 + i * S);
    assert.equal(events.length, 0);
    muted.clear();
    engine.flushHeld(T0 + M);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['fired'],
    );
    muted.add('radarr');
    engine.tick(T0 + 10 * M);
    assert.equal(events.length, 1, 'the resolution is held too');
    muted.clear();
    engine.flushHeld(T0 + 11 * M);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['fired', 'resolved'],
    );

    muted.add('radarr');
    for (let i = 0; i < 5; i++) hit(T0 + 30 * M + i * S);
    engine.tick(T0 + 40 * M);
    muted.clear();
    engine.flushHeld(T0 + 41 * M);
    assert.equal(events.length, 2);
  });

  test('out-of-order times land in place', () => {
    for (const t of [5, 1, 3, 2, 4]) hit(T0 + t * S);
    assert.equal(events.length, 1);
  });

  test('state alerts fire at once and clear on demand', () => {
    engine.raise({ ...subject, key: 'silent:radarr' }, policy, 'silent', T0);
    engine.raise({ ...subject, key: 'silent:radarr' }, policy, 'silent', T0 + M);
    engine.tick(T0 + 10 * M);
    assert.deepEqual(
      events.map((e) => [e.kind, e.alert.kind]),
      [['fired', 'silent']],
    );
    engine.clear('silent:radarr', T0 + 11 * M);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['fired', 'resolved'],
    );
  });

  test('disabled policy never fires', () => {
    for (let i = 0; i < 10; i++) hit(T0 + i, { ...policy, enabled: false });
    assert.equal(events.length, 0);
  });

  describe('endEpisode (the issue behind the key was resolved)', () => {
    test('resolves the firing alert at once, paired with its opener; a tick later adds nothing', () => {
      for (let i = 0; i < 5; i++) hit(T0 + i * S);
      engine.endEpisode('issue:abc', T0 + 30 * S);
      assert.deepEqual(
        events.map((e) => [e.kind, e.at]),
        [
          ['fired', T0 + 4 * S],
          ['resolved', T0 + 30 * S],
        ],
      );
      assert.equal(events[1]?.alert.id, events[0]?.alert.id);
      assert.equal(events[1]?.alert.resolvedAt, T0 + 30 * S);
      assert.equal(engine.active().length, 0);
      engine.tick(T0 + 10 * M);
      assert.equal(events.length, 2);
    });

    test('a recurrence inside the cooldown is held and announced when it ends, as a new alert', () => {
      for (let i = 0; i < 5; i++) hit(T0 + i * S);
      engine.endEpisode('issue:abc', T0 + M);
      for (let i = 0; i < 5; i++) hit(T0 + 12 * M + i * S);
      assert.equal(events.length, 2, 'inside the cooldown (ends at T0 + 15m + 4s)');
      engine.tick(T0 + 15 * M);
      assert.equal(events.length, 2);
      engine.tick(T0 + 15 * M + 5 * S);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['fired', 'resolved', 'fired'],
      );
      const next = events[2]?.alert as Alert;
      assert.notEqual(next.id, events[0]?.alert.id);
      assert.equal(next.count, 5);
      assert.equal(next.suppressed, 5);
    });

    test('occurrences before the resolution never count towards the next alert', () => {
      // A cooldown shorter than the window: without the reset, one recurrence would fire on old occurrences.
      const p = { ...policy, windowMs: 30 * M, cooldownMs: M };
      for (let i = 0; i < 5; i++) hit(T0 + i * S, p);
      engine.endEpisode('issue:abc', T0 + 10 * S);
      hit(T0 + 2 * M, p);
      engine.tick(T0 + 3 * M);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['fired', 'resolved'],
      );
      for (let i = 1; i < 5; i++) hit(T0 + 2 * M + i * S, p);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['fired', 'resolved', 'fired'],
        'five occurrences after the resolution: a new alert',
      );
      assert.equal(events[2]?.alert.count, 5);
    });

    test('a key below the threshold, or unknown, emits nothing; a mute holds the resolution', () => {
      for (let i = 0; i < 3; i++) hit(T0 + i * S);
      engine.endEpisode('issue:abc', T0 + 5 * S);
      engine.endEpisode('issue:nope', T0 + 5 * S);
      assert.equal(events.length, 0);
      hit(T0 + 6 * S);
      hit(T0 + 7 * S);
      assert.equal(events.length, 0, 'the three before the resolution no longer count');
      for (let i = 0; i < 3; i++) hit(T0 + 8 * S + i * S);
      assert.equal(events.length, 1);
      muted.add('radarr');
      engine.endEpisode('issue:abc', T0 + M);
      assert.equal(events.length, 1);
      muted.clear();
      engine.flushHeld(T0 + 2 * M);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['fired', 'resolved'],
      );
      assert.equal(events[1]?.alert.id, events[0]?.alert.id);
    });

    test('a state alert ends: the condition no longer holds, so the cooldown end announces nothing', () => {
      const key = { ...subject, key: 'issue:api' };
      const p = { ...policy, threshold: 1 };
      engine.raise(key, p, 'threshold', T0);
      engine.endEpisode('issue:api', T0 + M);
      engine.raise(key, p, 'threshold', T0 + 2 * M); // back inside the cooldown: held
      engine.endEpisode('issue:api', T0 + 3 * M); // and gone again before it ends
      engine.tick(T0 + 20 * M);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['fired', 'resolved'],
      );
    });
  });
});
