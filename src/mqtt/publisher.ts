/**
 * Turns a stream of changes into few MQTT messages. Ten thousand open issues changing at once must not become ten
 * thousand messages:
 * - States are retained snapshots: a change only marks its topic dirty; dirty topics are rendered and published
 *   together at most once per `minStateInterval` (first change goes out at once, the burst after it is merged into
 *   one trailing publication), and a payload equal to the last one sent is not sent again.
 * - Events go out immediately while the source's token bucket has tokens (`eventBurst`, refilled at
 *   `eventsPerMinute`); beyond that they are held and merged into one summary event per event type when tokens return.
 */
import type { Logger } from '../core/logger.ts';
import { SEVERITY_RANK } from '../core/types.ts';
import { type EventPayload, summaryEvent } from './states.ts';

export interface OutboundMessage {
  topic: string;
  payload: string;
}

export interface PublisherOptions {
  /** Publishes one message; false when not connected (nothing is queued). */
  send(topic: string, payload: string, retain: boolean): boolean;
  /** Renders the current state of the given keys (one summary of the issues serves them all). */
  render(keys: ReadonlySet<string>): OutboundMessage[];
  now(): number;
  minStateInterval: number;
  eventBurst: number;
  eventsPerMinute: number;
  logger: Logger;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** Held events by type: the first samples and the total. */
  held: Map<string, { samples: EventPayload[]; total: number; topic: string }>;
}

const MAX_SAMPLES = 20;

export class Publisher {
  private readonly o: PublisherOptions;
  private readonly dirty = new Set<string>();
  private readonly last = new Map<string, string>();
  private readonly buckets = new Map<string, Bucket>();
  private lastFlush = Number.NEGATIVE_INFINITY;
  private flushTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Counters for the bench and the bridge's debug log. */
  readonly counts = { states: 0, unchanged: 0, events: 0, summaries: 0, held: 0, dropped: 0 };

  constructor(opts: PublisherOptions) {
    this.o = opts;
  }

  /** Marks state keys changed; they are published at the next flush the rate limit allows. */
  markDirty(...keys: string[]): void {
    if (this.stopped) return;
    for (const k of keys) this.dirty.add(k);
    this.schedule();
  }

  /**
   * Publishes the given keys now (command echoes, reconnection). `force` also resends payloads equal to the last
   * ones: after a reconnection the broker may have lost them.
   */
  flushNow(keys: Iterable<string>, force = false): void {
    if (this.stopped) return;
    for (const k of keys) this.dirty.add(k);
    this.flush(force);
  }

  /** Forgets what was sent, so the next flush republishes everything (after a reconnection). */
  resetSent(): void {
    this.last.clear();
  }

  /** Publishes an empty retained message (removes a retained state or config) and forgets the topic. */
  clear(topic: string): void {
    this.last.delete(topic);
    this.o.send(topic, '', true);
  }

  publishEvent(bucketKey: string, topic: string, event: EventPayload): void {
    if (this.stopped) return;
    const b = this.bucket(bucketKey);
    if (b.tokens >= 1 && b.held.size === 0) {
      b.tokens -= 1;
      this.sendEvent(topic, event);
      return;
    }
    const group = b.held.get(event.event_type) ?? { samples: [], total: 0, topic };
    group.total++;
    if (group.samples.length < MAX_SAMPLES) group.samples.push(event);
    else if (SEVERITY_RANK[event.severity] > Math.max(...group.samples.map((s) => SEVERITY_RANK[s.severity]))) {
      group.samples[MAX_SAMPLES - 1] = event;
    }
    b.held.set(event.event_type, group);
    this.counts.held++;
    this.scheduleDrain();
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.flushTimer = null;
    this.drainTimer = null;
  }

  private schedule(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlush + this.o.minStateInterval - this.o.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush(false);
    }, wait);
  }

  private flush(force: boolean): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.dirty.size === 0) return;
    const keys = new Set(this.dirty);
    this.dirty.clear();
    this.lastFlush = this.o.now();
    let messages: OutboundMessage[];
    try {
      messages = this.o.render(keys);
    } catch (err) {
      this.o.logger.warn('Could not build the MQTT states; they are tried again at the next change.', { error: err });
      return;
    }
    for (const m of messages) {
      if (!force && this.last.get(m.topic) === m.payload) {
        this.counts.unchanged++;
        continue;
      }
      if (this.o.send(m.topic, m.payload, true)) {
        this.last.set(m.topic, m.payload);
        this.counts.states++;
      }
    }
  }

  private bucket(key: string): Bucket {
    const now = this.o.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.o.eventBurst, updatedAt: now, held: new Map() };
      this.buckets.set(key, b);
    }
    const refill = ((now - b.updatedAt) / 60_000) * this.o.eventsPerMinute;
    b.tokens = Math.min(this.o.eventBurst, b.tokens + refill);
    b.updatedAt = now;
    return b;
  }

  private sendEvent(topic: string, event: EventPayload): void {
    if (this.o.send(topic, JSON.stringify(event), false)) {
      if (event.summary) this.counts.summaries++;
      else this.counts.events++;
    } else {
      this.counts.dropped++;
    }
  }

  private scheduleDrain(): void {
    if (this.drainTimer || this.stopped) return;
    // The time for one token to come back.
    const wait = Math.ceil(60_000 / this.o.eventsPerMinute);
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      this.drain();
    }, wait);
  }

  private drain(): void {
    let pending = false;
    for (const key of this.buckets.keys()) {
      const b = this.bucket(key);
      for (const [type, group] of b.held) {
        if (b.tokens < 1) break;
        b.tokens -= 1;
        b.held.delete(type);
        const only = group.total === 1 ? group.samples[0] : undefined;
        this.sendEvent(group.topic, only ?? summaryEvent(group.samples, group.total, this.o.now()));
      }
      if (b.held.size) pending = true;
    }
    if (pending) this.scheduleDrain();
  }
}
