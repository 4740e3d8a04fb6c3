/**
 * How one delivery is tried and when it is tried again, apart from the queue that orders them: a send bounded by the
 * target's timeout (and by `stop()`), and exponential backoff with jitter that honours the receiver's `Retry-After`.
 * Pure except for the timer, so the numbers can be tested without a queue.
 */
import { asDeliveryError } from './delivery-log.ts';
import { type Delivery, DeliveryError, type Notifier, type SendResult } from './types.ts';

/** Longest wait a `Retry-After` can impose: a broken header must not park a target for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

export interface BackoffOptions {
  /** First delay (ms); doubles per attempt. */
  initial: number;
  /** Cap of the doubled delay (ms). */
  max: number;
  /** [0, 1); `Math.random` by default. */
  random?: () => number;
}

/**
 * Delay before attempt `attempt + 1`: exponential backoff with equal jitter (half fixed, half random), so retries of
 * many Arrgus instances do not line up, and never sooner than the receiver's `Retry-After` (capped).
 */
export function retryDelay(attempt: number, o: BackoffOptions, retryAfterMs?: number): number {
  const exp = Math.min(o.max, o.initial * 2 ** Math.min(attempt - 1, 30));
  const jittered = exp / 2 + (o.random ?? Math.random)() * (exp / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.round(Math.max(jittered, floor));
}

/**
 * One send under `timeoutMs`. `abort` is the caller's (so `stop()` can cancel the send in flight); a timeout aborts
 * it with a `timeout` failure. Races the abort too, so a channel that ignores its signal cannot wedge the queue.
 */
export async function sendWithTimeout(
  notifier: Notifier,
  delivery: Delivery,
  timeoutMs: number,
  abort: AbortController,
): Promise<SendResult | undefined> {
  const timer = setTimeout(
    () => abort.abort(new DeliveryError(`no answer within ${timeoutMs} ms`, { kind: 'timeout' })),
    timeoutMs,
  );
  const aborted = new Promise<never>((_, reject) => {
    abort.signal.addEventListener('abort', () => reject(asDeliveryError(abort.signal.reason)), { once: true });
  });
  aborted.catch(() => undefined); // the race below observes it; this only keeps an unraced rejection quiet
  try {
    return await Promise.race([notifier.send(delivery, abort.signal), aborted]);
  } finally {
    clearTimeout(timer);
  }
}
