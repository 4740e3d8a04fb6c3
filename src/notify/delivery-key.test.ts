import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromAlertEvent, fromIncidentEvent, fromIssueEvent, type NotifyEvent } from './content.ts';
import { deliveryIdentity, idempotencyKey } from './delivery-key.ts';
import { sampleAlert, sampleIncident, sampleIssue, T0 } from './test-fixtures.ts';

const alertEv = (kind: 'fired' | 'resolved', at: number, id = 'a1') =>
  fromAlertEvent({ kind, alert: sampleAlert({ id }), at }) as NotifyEvent;

test('the same announcement made twice (lines read again) has one identity; each new announcement its own', () => {
  // Built from fresh objects each time, as detection rebuilds them after a restart.
  assert.equal(deliveryIdentity(alertEv('fired', T0)), deliveryIdentity(alertEv('fired', T0)));
  const ids = [
    deliveryIdentity(alertEv('fired', T0)),
    deliveryIdentity(alertEv('fired', T0 + 600_000)), // still firing after the cooldown: announced again
    deliveryIdentity(alertEv('resolved', T0 + 900_000)),
    deliveryIdentity(alertEv('fired', T0, 'a2')), // another alert at the same time
    deliveryIdentity(fromIssueEvent({ kind: 'opened', issue: sampleIssue(), at: T0 }) as NotifyEvent),
    deliveryIdentity(fromIssueEvent({ kind: 'regressed', issue: sampleIssue(), at: T0 + 5 }) as NotifyEvent),
    deliveryIdentity(fromIssueEvent({ kind: 'resolved', issue: sampleIssue(), at: T0 + 7 }) as NotifyEvent),
    deliveryIdentity(
      fromIssueEvent({ kind: 'resolved', issue: sampleIssue({ lastSeen: T0 + 6 }), at: T0 + 9 }) as NotifyEvent,
    ),
    deliveryIdentity(fromIncidentEvent({ kind: 'opened', incident: sampleIncident(), at: T0 }) as NotifyEvent),
    deliveryIdentity(fromIncidentEvent({ kind: 'resolved', incident: sampleIncident(), at: T0 }) as NotifyEvent),
  ];
  assert.equal(new Set(ids).size, ids.length, ids.join('\n'));
  assert.ok(ids.every((i) => typeof i === 'string'));
});

test('a resolution is one per episode: resolving again later, with no new occurrence, is the same announcement', () => {
  const resolved = (at: number) =>
    deliveryIdentity(fromIssueEvent({ kind: 'resolved', issue: sampleIssue(), at }) as NotifyEvent);
  assert.equal(resolved(T0 + 1000), resolved(T0 + 90_000));
  assert.equal(deliveryIdentity(alertEv('resolved', T0 + 1)), deliveryIdentity(alertEv('resolved', T0 + 2)));
});

test('idempotency keys are header-safe digests of the identity, or the row for deliveries without one', () => {
  const k = idempotencyKey('inst', 'issue:fp with spaces/ü:opened:1', 7);
  assert.match(k, /^inst-[A-Za-z0-9_-]{22}$/);
  assert.equal(k, idempotencyKey('inst', 'issue:fp with spaces/ü:opened:1', 99), 'the row does not matter');
  assert.notEqual(k, idempotencyKey('inst', 'issue:fp with spaces/ü:opened:2', 7));
  assert.equal(idempotencyKey('inst', null, 7), 'inst-7');
});
