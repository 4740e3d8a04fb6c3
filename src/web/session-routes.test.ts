import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { sessionRoutes } from './session-routes.ts';

interface Answer {
  error: string;
  sessions: Array<{ title: string }>;
  summary: { active: number; bandwidthKbps: number };
}
const answer = async (r: Response): Promise<Answer> => (await r.json()) as Answer;

describe('session routes', () => {
  const tracker = new SessionTracker({ clock: new ManualClock(Date.UTC(2026, 0, 1)), logger: memoryLogger() });
  const base = {
    location: 'lan' as const,
    kind: 'movie' as const,
    state: 'playing' as const,
    transcode: { decision: 'directplay' as const, reasons: [], hardware: null, source: {} },
  };
  for (let i = 0; i < 3; i++) {
    tracker.apply('plex', 'plex', { ...base, id: `p/${i}`, title: `Movie ${i}`, user: 'alice' });
    tracker.end('plex', `p/${i}`);
  }
  tracker.apply('plex', 'plex', { ...base, id: 'p/now', title: 'Now', bandwidthKbps: 5000 });
  const app = sessionRoutes({ tracker });

  it('GET /api/sessions lists current sessions and the summary', async () => {
    const res = await app.request('/api/sessions');
    assert.equal(res.status, 200);
    const body = await answer(res);
    assert.deepEqual(
      body.sessions.map((s: { title: string }) => s.title),
      ['Now'],
    );
    assert.equal(body.summary.active, 1);
    assert.equal(body.summary.bandwidthKbps, 5000);
  });

  it('GET /api/sessions/history?limit=N lists recent ones, newest first, and refuses a bad limit', async () => {
    const res = await app.request('/api/sessions/history?limit=2');
    assert.deepEqual(
      (await answer(res)).sessions.map((s: { title: string }) => s.title),
      ['Movie 2', 'Movie 1'],
    );
    assert.equal((await answer(await app.request('/api/sessions/history'))).sessions.length, 3);
    for (const bad of ['0', 'x', '9999', '1.5']) {
      const r = await app.request(`/api/sessions/history?limit=${bad}`);
      assert.equal(r.status, 400);
      assert.match((await answer(r)).error, /limit/);
    }
  });
});
