/**
 * Time is injected (house rule 5): parsers, rules and windows take a clock, never `Date.now()` directly, so a replay of
 * old logs behaves exactly as live tailing did, and tests advance time by hand.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock moved by hand: tests, and replays driven by the log's own time. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  /** Moves forward only: a log line older than the last one does not turn time back. */
  advanceTo(t: number): void {
    if (t > this.t) this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
