import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttemptLog } from '../notify/delivery.ts';
import { createNotifyRoutes } from './notify-routes.ts';

const entry: AttemptLog = {
  at: 1,
  target: 'phone',
  id: 3,
  kind: 'alert',
  title: 't',
  attempt: 2,
  outcome: 'retry',
  durationMs: 5,
  error: 'connection refused by h',
  failure: 'refused',
};

const app = createNotifyRoutes({
  deliveryLog: (target, limit) => (target === undefined || target === 'phone' ? [entry].slice(0, limit) : []),
  targetNames: () => ['phone', 'mail'],
  test: async (name) =>
    name === 'phone'
      ? { ok: true, target: 'phone', type: 'ntfy', durationMs: 12 }
      : name === 'mail'
        ? {
            ok: false,
            target: 'mail',
            type: 'email',
            durationMs: 9,
            error: 'SMTP server refused the login (535)',
            failure: 'auth',
            status: 535,
          }
        : undefined,
});

test('GET /api/notifications/log lists attempts, filters by target, refuses unknown targets', async () => {
  const res = await app.request('/api/notifications/log?target=phone&limit=5');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { attempts: [entry] });
  assert.equal((await app.request('/api/notifications/log?target=pager')).status, 404);
});

test('POST /api/notifiers/:name/test answers 200, 502 with the reason, or 404', async () => {
  assert.equal((await app.request('/api/notifiers/phone/test', { method: 'POST' })).status, 200);
  const bad = await app.request('/api/notifiers/mail/test', { method: 'POST' });
  assert.equal(bad.status, 502);
  assert.equal(((await bad.json()) as { failure: string }).failure, 'auth');
  assert.equal((await app.request('/api/notifiers/none/test', { method: 'POST' })).status, 404);
});
