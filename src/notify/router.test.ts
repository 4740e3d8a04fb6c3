import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inQuietHours, type RoutableEvent, route } from './router.ts';

const base = { enabled: true, events: ['alert', 'resolved'] as const, minSeverity: 'medium' as const };
const ev = (over: Partial<RoutableEvent> = {}): RoutableEvent => ({
  kind: 'alert',
  severity: 'high',
  sources: ['sonarr-4k'],
  app: 'sonarr',
  category: 'database',
  ...over,
});

test('filters by event, severity, source or app, and category', () => {
  const t = { ...base, events: [...base.events] };
  assert.equal(route(ev(), t, 0), 'send');
  assert.equal(route(ev({ severity: 'low' }), t, 0), 'skip');
  assert.equal(route(ev({ kind: 'opened' }), t, 0), 'skip');
  assert.equal(route(ev(), { ...t, sources: ['SONARR'] }, 0), 'send', 'the app name matches too, case-insensitively');
  assert.equal(route(ev(), { ...t, sources: ['radarr'] }, 0), 'skip');
  assert.equal(route(ev(), { ...t, categories: ['network'] }, 0), 'skip');
  assert.equal(route(ev({ kind: 'resolved', resolves: 'issue' }), t, 0), 'skip', 'never heard the issue open');
  assert.equal(route(ev({ kind: 'resolved', resolves: 'alert' }), t, 0), 'send');
  assert.equal(route(ev(), { ...t, enabled: false }, 0), 'skip');
});

test('quiet hours span midnight in the given zone; break-through severity still sends', () => {
  const q = { start: '22:00', end: '07:00', timezone: 'Europe/Paris', breakThrough: 'critical' as const };
  const at = (iso: string) => Date.parse(iso);
  assert.equal(inQuietHours(q, at('2026-01-01T22:30:00+01:00')), true);
  assert.equal(inQuietHours(q, at('2026-01-02T06:59:00+01:00')), true);
  assert.equal(inQuietHours(q, at('2026-01-02T07:00:00+01:00')), false);
  assert.equal(inQuietHours(q, at('2026-01-01T21:59:00Z')), true, '22:59 in Paris');
  const t = { ...base, events: [...base.events], quietHours: q };
  const night = at('2026-01-01T23:00:00+01:00');
  assert.equal(route(ev(), t, night), 'quiet');
  assert.equal(route(ev({ severity: 'critical' }), t, night), 'send');
});
