/**
 * Waiting in tests: poll a condition until it holds, never sleep a fixed time (a loaded machine runs every timer and
 * child late). The deadline only runs out when the test fails, so it is generous.
 */

export interface WaitOptions {
  /** Give up after this long (default 30 s). */
  ms?: number;
  /** Poll every this many ms (default 20). */
  every?: number;
  /** A throw from `fn` counts as "not yet" (e.g. a server still starting); the last one is named on timeout. */
  retryErrors?: boolean;
}

/** Polls `fn` until it returns something other than undefined, and resolves with it; throws naming `what` on timeout. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  opts: number | WaitOptions = {},
): Promise<T> {
  const { ms = 30_000, every = 20, retryErrors = false } = typeof opts === 'number' ? { ms: opts } : opts;
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      if (!retryErrors) throw err;
      lastError = err;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

type Condition = () => boolean | Promise<boolean>;

/** Polls until `ok` holds; without a `what`, the timeout names the condition's source. */
export function until(ok: Condition, ms?: number): Promise<void>;
export function until(what: string, ok: Condition, ms?: number): Promise<void>;
export async function until(a: string | Condition, b?: Condition | number, c?: number): Promise<void> {
  const [what, ok, ms] = typeof a === 'string' ? [a, b as Condition, c] : [String(a), a, b as number | undefined];
  await waitFor(what, async () => ((await ok()) ? true : undefined), ms ?? 30_000);
}
