import assert from 'node:assert/strict';
import { test } from 'node:test';
import { until, waitFor } from './wait.ts';

test('waitFor resolves with the first defined value, and a throw fails at once unless retried', async () => {
  let n = 0;
  assert.equal(await waitFor('three polls', () => (++n >= 3 ? n : undefined), { every: 1 }), 3);
  await assert.rejects(
    waitFor('x', () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  let tries = 0;
  const v = await waitFor(
    'a server',
    () => {
      if (++tries < 3) throw new Error('not up');
      return 'up';
    },
    { every: 1, retryErrors: true },
  );
  assert.equal(v, 'up');
});

test('a timeout names what was awaited, or the condition itself', async () => {
  await assert.rejects(
    until('the moon', () => false, 30),
    /timed out waiting for the moon/,
  );
  await assert.rejects(
    until(() => 1 + 1 === 3, 30),
    /timed out waiting for \(\) => 1 \+ 1 === 3/,
  );
  await assert.rejects(
    waitFor('a server', () => Promise.reject(new Error('refused')), { ms: 30, retryErrors: true }),
    /timed out waiting for a server \(last error: Error: refused\)/,
  );
});
