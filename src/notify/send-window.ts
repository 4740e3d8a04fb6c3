/**
 * A target's sliding window of sends (`notify.*.rateLimit`): at most `max` notifications within `windowMs`. The
 * dispatcher holds what does not fit (scope `burst`) and sends one summary of it once the window has room again, so
 * a storm reaches a phone as a few messages and a digest, not hundreds of pushes. In memory: after a restart the
 * window starts empty (and what was held is summarised at once).
 */
export class SendWindow {
  private readonly max: number;
  private readonly windowMs: number;
  /** Times of the last sends, oldest first; never more than `max`. */
  private readonly times: number[] = [];

  constructor(max: number, windowMs: number) {
    this.max = max;
    this.windowMs = windowMs;
  }

  /** Whether a send now stays within the limit. */
  hasRoom(now: number): boolean {
    return this.times.length < this.max || now - (this.times[0] as number) >= this.windowMs;
  }

  /** Counts a send made now. */
  record(now: number): void {
    if (this.times.length >= this.max) this.times.shift();
    this.times.push(now);
  }

  /** Counts a send now if it fits; false when it must be held. */
  take(now: number): boolean {
    if (!this.hasRoom(now)) return false;
    this.record(now);
    return true;
  }

  /** When the window has room again (now, when it has). */
  roomAt(now: number): number {
    return this.hasRoom(now) ? now : (this.times[0] as number) + this.windowMs;
  }
}
