/**
 * Alerts: when a key (an issue, a rule, or a category per source) reaches `threshold` occurrences within a sliding
 * `window`, an alert fires; the key then stays quiet for `cooldown`, counting what it swallows (`suppressed`, carried
 * into the next alert of the key). When the key has been quiet for a whole window, a `resolved` event pairs with the
 * alert that opened (same id). An alert still firing after its cooldown, with the threshold met again, is announced
 * again (same id, new count and suppressed). An alert keyed on one issue ends at once when that issue is resolved
 * (`endEpisode`). State alerts (silent sources, API health problems) fire and clear on demand. While a source (or
 * everything) is muted, events are held, not emitted: at unmute, alerts still firing are
 * announced and resolutions of announced alerts are delivered; episodes that began and ended inside the mute vanish.
 *
 * Memory per key is bounded whatever the rate: the timestamps of the last `threshold` occurrences, a few numbers and
 * at most one alert. Keys are pruned once idle.
 */
import { createHash } from 'node:crypto';
import type { Alert } from '../core/types.ts';
import { LEVEL_RANK } from '../core/types.ts';

export interface AlertPolicy {
  enabled: boolean;
  threshold: number;
  windowMs: number;
  cooldownMs: number;
}

/** What an alert is about: copied into the alert when it fires. */
export type AlertSubject = Pick<
  Alert,
  'key' | 'title' | 'source' | 'app' | 'category' | 'severity' | 'level' | 'fingerprint'
>;

export interface KeyState {
  subject: AlertSubject;
  policy: AlertPolicy;
  kind: Alert['kind'];
  /** Last `threshold` occurrence times, ascending. */
  times: number[];
  lastAt: number;
  cooldownUntil: number;
  suppressed: number;
  alert: Alert | null;
  /** The current alert's `fired` event went out (false while held by a mute). */
  sent: boolean;
  /** A resolution of an announced alert, held by a mute. */
  heldResolved: Alert | null;
  /** State alerts: the condition holds. */
  stateActive: boolean;
}

export type EmitAlert = (kind: 'fired' | 'resolved', alert: Alert, at: number) => void;

export interface AlertEngineOptions {
  isMuted: (source: string) => boolean;
  emit: EmitAlert;
  /** Idle keys kept at most (suppressed counts waiting for a next alert). */
  maxKeys?: number;
}

export class AlertEngine {
  private readonly opts: AlertEngineOptions;
  private readonly keys = new Map<string, KeyState>();

  constructor(opts: AlertEngineOptions) {
    this.opts = opts;
  }

  /** One occurrence of `subject` at `at` (the record's time, never ahead of the clock). */
  occurrence(subject: AlertSubject, policy: AlertPolicy, at: number): void {
    if (!policy.enabled) return;
    const st = this.state(subject, policy, 'threshold');
    insertSorted(st.times, at, policy.threshold);
    if (at > st.lastAt) st.lastAt = at;
    const met = countSince(st.times, at - policy.windowMs) >= policy.threshold;
    if (at < st.cooldownUntil || (st.alert && !met)) {
      st.suppressed++;
      return;
    }
    if (met) this.fire(st, at);
  }

  /** A state alert (silent source, API problem) is active from now on. */
  raise(subject: AlertSubject, policy: AlertPolicy, kind: Alert['kind'], at: number): void {
    if (!policy.enabled) return;
    const st = this.state(subject, policy, kind);
    st.stateActive = true;
    st.lastAt = Math.max(st.lastAt, at);
    if (!st.alert && at >= st.cooldownUntil) this.fire(st, at);
    else if (!st.alert) st.suppressed++;
  }

  /** A state alert's condition cleared. */
  clear(key: string, at: number): void {
    const st = this.keys.get(key);
    if (!st) return;
    st.stateActive = false;
    if (st.alert) this.resolve(st, at);
  }

  /**
   * What `key` counts is over now, not a window later: the issue behind an issue-keyed alert was resolved (by hand, by
   * auto-resolve, or by its API no longer listing it). The firing alert resolves at once (paired with its opener) and
   * the occurrences before the resolution leave the window, so they can never help a recurrence reach the threshold
   * (with a cooldown shorter than the window they could). The cooldown and the suppressed count stay, as after a
   * resolution by quiet: a recurrence inside the cooldown is counted and announced when the cooldown ends, one after
   * it alerts on its own occurrences. `pruned`: the issue was dropped rather than resolved (see `Alert.pruned`).
   */
  endEpisode(key: string, at: number, pruned = false): void {
    const st = this.keys.get(key);
    if (!st) return;
    st.stateActive = false;
    st.times.length = 0;
    if (!st.alert) return;
    // The issue was dropped, not fixed: the resolution goes to the history, and no one is notified of it.
    if (pruned) st.alert.pruned = true;
    this.resolve(st, at);
  }

  tick(now: number): void {
    for (const [key, st] of this.keys) {
      const { windowMs, threshold } = st.policy;
      if (st.alert && !st.stateActive && st.kind === 'threshold' && now - st.lastAt >= windowMs) {
        this.resolve(st, now);
      } else if (!st.alert && now >= st.cooldownUntil) {
        // Held by the cooldown and still true: announce now, with what was swallowed.
        if (st.stateActive || (st.suppressed > 0 && countSince(st.times, now - windowMs) >= threshold))
          this.fire(st, now);
      }
      const idle =
        !st.alert && !st.heldResolved && !st.stateActive && now >= st.cooldownUntil && now - st.lastAt >= windowMs;
      if (idle && st.suppressed === 0) this.keys.delete(key);
    }
    this.bound();
  }

  /** Delivers what a mute held, for sources no longer muted. */
  flushHeld(now: number): void {
    for (const st of this.keys.values()) {
      if (this.opts.isMuted(st.subject.source)) continue;
      if (st.heldResolved) {
        this.opts.emit('resolved', st.heldResolved, now);
        st.heldResolved = null;
      }
      if (st.alert && !st.sent) {
        this.opts.emit('fired', st.alert, now);
        st.sent = true;
      }
    }
  }

  active(): Alert[] {
    const out: Alert[] = [];
    for (const st of this.keys.values()) if (st.alert) out.push(st.alert);
    return out.sort((a, b) => b.firedAt - a.firedAt);
  }

  snapshot(): KeyState[] {
    return [...this.keys.values()];
  }

  restore(states: readonly KeyState[]): void {
    this.keys.clear();
    for (const s of states) this.keys.set(s.subject.key, s);
  }

  private state(subject: AlertSubject, policy: AlertPolicy, kind: Alert['kind']): KeyState {
    let st = this.keys.get(subject.key);
    if (!st) {
      st = {
        subject: { ...subject },
        policy,
        kind,
        times: [],
        lastAt: 0,
        cooldownUntil: 0,
        suppressed: 0,
        alert: null,
        sent: false,
        heldResolved: null,
        stateActive: false,
      };
      this.keys.set(subject.key, st);
    } else {
      if (LEVEL_RANK[subject.level] > LEVEL_RANK[st.subject.level]) st.subject.level = subject.level;
      if (subject.title !== st.subject.title) st.subject.title = subject.title;
      st.policy = policy;
    }
    return st;
  }

  private fire(st: KeyState, at: number): void {
    const count = st.kind === 'threshold' ? countSince(st.times, at - st.policy.windowMs) : 0;
    const s = st.subject;
    if (st.alert) {
      st.alert.count = count;
      st.alert.suppressed = st.suppressed;
      st.alert.level = s.level;
    } else {
      st.alert = {
        id: alertId(s.key, at),
        key: s.key,
        kind: st.kind,
        state: 'firing',
        title: s.title,
        source: s.source,
        app: s.app,
        category: s.category,
        severity: s.severity,
        level: s.level,
        count,
        suppressed: st.suppressed,
        threshold: st.policy.threshold,
        windowMs: st.policy.windowMs,
        firedAt: at,
        ...(s.fingerprint ? { fingerprint: s.fingerprint } : {}),
      };
      st.sent = false;
    }
    st.suppressed = 0;
    st.cooldownUntil = at + st.policy.cooldownMs;
    if (this.opts.isMuted(s.source)) return;
    this.opts.emit('fired', st.alert, at);
    st.sent = true;
  }

  private resolve(st: KeyState, at: number): void {
    const alert = st.alert;
    if (!alert) return;
    alert.state = 'resolved';
    alert.resolvedAt = at;
    st.alert = null;
    if (!st.sent) return;
    if (this.opts.isMuted(st.subject.source)) st.heldResolved = alert;
    else this.opts.emit('resolved', alert, at);
  }

  private bound(): void {
    const max = this.opts.maxKeys ?? 5000;
    if (this.keys.size <= max) return;
    const idle = [...this.keys.values()]
      .filter((s) => !s.alert && !s.stateActive && !s.heldResolved)
      .sort((a, b) => a.lastAt - b.lastAt);
    for (const s of idle.slice(0, this.keys.size - max)) this.keys.delete(s.subject.key);
  }
}

/** Keeps the `cap` largest values, ascending; out-of-order times land in place. */
function insertSorted(times: number[], t: number, cap: number): void {
  const n = times.length;
  if (cap <= 0) {
    times.length = 0;
    return;
  }
  // In order (the usual case): append, dropping the oldest when full, without splice's garbage array.
  if (n === 0 || (times[n - 1] as number) <= t) {
    if (n < cap) times.push(t);
    else if (n === cap) {
      for (let k = 1; k < n; k++) times[k - 1] = times[k] as number;
      times[n - 1] = t;
    } else {
      times.push(t);
      times.splice(0, times.length - cap);
    }
    return;
  }
  let i = n;
  while (i > 0 && (times[i - 1] as number) > t) i--;
  times.splice(i, 0, t);
  if (times.length > cap) times.splice(0, times.length - cap);
}

function countSince(times: readonly number[], from: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && (times[i] as number) >= from; i--) n++;
  return n;
}

function alertId(key: string, at: number): string {
  return `${at.toString(36)}-${createHash('sha1').update(key).digest('hex').slice(0, 8)}`;
}
