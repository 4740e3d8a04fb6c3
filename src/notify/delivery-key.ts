/**
 * The identity of what a notification announces, and the idempotency key receivers see. Both come from the event
 * itself, never from where it was stored: after a SIGKILL between a send and the commit of the follow positions, the
 * same lines are read again and detection announces the same things again, with the same times (record times), so
 * the same identities. The outbox stores a (target, identity) once, and the receiver of a row sent again after a
 * crash before it was marked sent gets the same key both times.
 *
 * One identity per announcement:
 * - issue opened / regressed: the issue and the record time that opened it (each regression is a new episode);
 * - issue resolved: the issue and its last occurrence (a later episode must have a later occurrence);
 * - alert fired: the alert id (key + the record time it fired at: one per episode) and the time of this announcement
 *   (an alert still firing after its cooldown is announced again, under the same id, at a later time);
 * - alert resolved: the alert id (one resolution per episode);
 * - incident opened / resolved: the incident id.
 * Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import type { NotifyEvent } from './content.ts';

/** The identity of the announcement `ev` makes; undefined when it has none (it is then never deduplicated). */
export function deliveryIdentity(ev: NotifyEvent): string | undefined {
  const s = ev.subject;
  switch (s.type) {
    case 'issue':
      if (ev.kind === 'resolved') return `issue:${s.issue.id}:resolved:${s.issue.lastSeen}`;
      return `issue:${s.issue.id}:${ev.kind}:${ev.at}`;
    case 'alert':
      if (ev.kind === 'resolved') return `alert:${s.alert.id}:resolved`;
      return `alert:${s.alert.id}:${ev.kind}:${ev.at}`;
    case 'incident':
      return `incident:${s.incident.id}:${ev.kind}`;
  }
}

/**
 * The `Idempotency-Key` of a delivery: the instance, then a digest of the identity (short, header-safe whatever the
 * issue ids and source names hold), or of the outbox row for deliveries without one (summaries).
 */
export function idempotencyKey(instanceId: string, identity: string | null, rowId: number): string {
  if (identity === null) return `${instanceId}-${rowId}`;
  return `${instanceId}-${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}`;
}
