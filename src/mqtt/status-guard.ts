/**
 * Keeps `<base>/status` true while Arrgus is up. Anything else that says otherwise there (another client publishing a
 * retained `offline`, a second instance's goodbye or last will on the same base topic, an empty retained message that
 * deletes it) would leave every Arrgus entity in Home Assistant unavailable until the next restart. Arrgus listens to
 * its own status topic and answers such a message with `online` again: at once the first time, then at most once per
 * `minIntervalMs`, so a client publishing in a loop costs one message a second, not a loop of our own. One WARN a
 * minute says it happened.
 */
import type { Logger } from '../core/logger.ts';

export interface StatusGuardOptions {
  topic: string;
  /** Publishes the retained `online`. */
  publishOnline: () => void;
  logger: Logger;
  now: () => number;
  minIntervalMs?: number;
}

const LOG_MS = 60_000;

export class StatusGuard {
  private readonly o: StatusGuardOptions;
  private active = false;
  private lastFix = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private fixes = 0;
  private loggedAt = Number.NEGATIVE_INFINITY;

  constructor(o: StatusGuardOptions) {
    this.o = o;
  }

  /** Arrgus said `online`: from now on anything else on the topic is corrected. */
  start(): void {
    this.active = true;
  }

  /** Arrgus is going: its own `offline` must stand. */
  stop(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A message arrived on the status topic. */
  seen(payload: string): void {
    if (!this.active || payload.trim() === 'online' || this.timer) return;
    const wait = this.lastFix + (this.o.minIntervalMs ?? 1000) - this.o.now();
    if (wait <= 0) {
      this.fix();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.active) this.fix();
    }, wait);
    this.timer.unref();
  }

  private fix(): void {
    const now = this.o.now();
    this.lastFix = now;
    this.fixes++;
    this.o.publishOnline();
    if (now - this.loggedAt < LOG_MS) return;
    const times = this.fixes > 1 ? ` (${this.fixes} times since the last warning)` : '';
    this.o.logger.warn(
      `Another MQTT client said Arrgus is not online on ${this.o.topic}; Arrgus is up and published "online" again${times}.`,
    );
    this.fixes = 0;
    this.loggedAt = now;
  }
}
