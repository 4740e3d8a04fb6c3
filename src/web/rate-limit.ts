/**
 * A token bucket per route: what anyone who reaches the API can trigger (test notifications, ingestion) is bounded
 * in rate, answered 429 with `Retry-After` beyond it. Time comes from the injected clock.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../core/clock.ts';

export interface RateLimitOptions {
  /** Requests allowed per minute, sustained; also the burst. */
  perMinute: number;
  clock: Clock;
  /** What is limited, for the 429 message. */
  what: string;
  /** Only these methods count (default: all). */
  methods?: readonly string[];
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perMinute: number;
  private readonly clock: Clock;

  constructor(perMinute: number, clock: Clock) {
    this.perMinute = perMinute;
    this.clock = clock;
    this.tokens = perMinute;
    this.last = clock.now();
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }
}

export function rateLimit(opts: RateLimitOptions): MiddlewareHandler {
  const bucket = new TokenBucket(opts.perMinute, opts.clock);
  return async (c, next) => {
    if (opts.methods && !opts.methods.includes(c.req.method)) return next();
    const wait = bucket.take();
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.json(
        {
          error: `too many ${opts.what}: at most ${opts.perMinute} a minute; try again in ${Math.ceil(wait / 1000)} s`,
          status: 429,
        },
        429,
      );
    }
    await next();
  };
}
