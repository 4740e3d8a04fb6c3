import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RETRY_AFTER_MS, retryDelay, sendWithTimeout } from './retry-policy.ts';
import { alertContent } from './test-fixtures.ts';
import { DeliveryError, type Notifier } from './types.ts';

test('backoff doubles per attempt up to the cap, with equal jitter', () => {
  const o = { initial: 1000, max: 8000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 40].map((a) => retryDelay(a, { ...o, random: () => 0 })),
    [500, 1000, 2000, 4000, 4000, 4000],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((a) => retryDelay(a, { ...o, random: () => 0.999_999 })),
    [1000, 2000, 4000, 8000, 8000],
  );
});

test("the receiver's Retry-After is a floor, capped so a broken header cannot park a target for days", () => {
  const o = { initial: 1000, max: 8000, random: () => 0 };
  assert.equal(retryDelay(1, o, 30_000), 30_000);
  assert.equal(retryDelay(3, o, 100), 2000);
  assert.equal(retryDelay(1, o, 10 * 86_400_000), MAX_RETRY_AFTER_MS);
});

const content = alertContent();

test('a send that does not answer in time fails as a timeout', async () => {
  let seen: AbortSignal | undefined;
  const slow: Notifier = {
    name: 'slow',
    type: 'webhook',
    send: (_d, signal) => {
      seen = signal;
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined)));
    },
  };
  await assert.rejects(sendWithTimeout(slow, { id: 'x', content }, 30, new AbortController()), (e: unknown) => {
    assert.ok(e instanceof DeliveryError);
    assert.equal(e.kind, 'timeout');
    return true;
  });
  assert.equal(seen?.aborted, true);
});

test('a channel that ignores its signal still lets the caller abort it', async () => {
  let settle: (() => void) | undefined;
  const deaf: Notifier = {
    name: 'deaf',
    type: 'webhook',
    send: () =>
      new Promise((resolve) => {
        settle = () => resolve(undefined);
      }),
  };
  const abort = new AbortController();
  const sent = sendWithTimeout(deaf, { id: 'x', content }, 60_000, abort);
  abort.abort(new DeliveryError('Arrgus is stopping', { kind: 'network' }));
  await assert.rejects(sent, /Arrgus is stopping/);
  settle?.();
});

test("a channel's own error and result pass through unchanged (the queue classifies errors)", async () => {
  const hangUp = new Error('socket hang up');
  const failing: Notifier = { name: 'f', type: 'webhook', send: () => Promise.reject(hangUp) };
  await assert.rejects(
    sendWithTimeout(failing, { id: 'x', content }, 1000, new AbortController()),
    (e) => e === hangUp,
  );
  const partial: Notifier = { name: 'p', type: 'email', send: () => Promise.resolve({ warning: 'one refused' }) };
  assert.deepEqual(await sendWithTimeout(partial, { id: 'x', content }, 1000, new AbortController()), {
    warning: 'one refused',
  });
});
