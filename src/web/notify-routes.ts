/**
 * Notification routes, mounted by the web app: the delivery log and the test button.
 *   GET  /api/notifications/log?target=NAME&limit=N   last attempts, newest first
 *   POST /api/notifiers/:name/test                     sends a test now; 200 delivered, 502 with the reason, 404 unknown
 */
import { Hono } from 'hono';
import type { AttemptLog, TestResult } from '../notify/delivery.ts';

export interface NotifyApi {
  deliveryLog(target?: string, limit?: number): AttemptLog[];
  test(name: string): Promise<TestResult | undefined>;
  targetNames(): string[];
}

export function createNotifyRoutes(api: NotifyApi): Hono {
  const app = new Hono();
  app.get('/api/notifications/log', (c) => {
    const target = c.req.query('target');
    if (target !== undefined && !api.targetNames().includes(target)) {
      return c.json({ error: `no notification target named "${target}"`, targets: api.targetNames() }, 404);
    }
    const raw = Number(c.req.query('limit') ?? 100);
    const limit = Number.isInteger(raw) && raw > 0 ? Math.min(raw, 1000) : 100;
    return c.json({ attempts: api.deliveryLog(target, limit) });
  });
  app.post('/api/notifiers/:name/test', async (c) => {
    const name = c.req.param('name');
    const result = await api.test(name);
    if (!result) return c.json({ error: `no notification target named "${name}"`, targets: api.targetNames() }, 404);
    return c.json(result, result.ok ? 200 : 502);
  });
  return app;
}
