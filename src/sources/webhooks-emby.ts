/**
 * Emby's webhook payloads and the failed sign-in tracking they feed. Emby's `user.authenticationfailed` has no API
 * counterpart, so unlike playback (which a poll can confirm) its state lives here: failed sign-ins are one `auth`
 * problem per source that resolves after a quiet hour. `SignInFailures` is pure (time is passed in); the receiver
 * owns the clock, the minute timer and the reconciliation with the issue service.
 */
import { z } from 'zod';
import type { SourceConfig } from '../config/sources.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { clip } from './arr-api.ts';

const text = z.string();
const named = z.looseObject({ Name: text.optional(), Id: z.union([text, z.number()]).optional() });
export const embyBase = z.looseObject({
  Event: text.min(1, 'Event is empty'),
  Title: text.optional(),
  User: named.optional(),
  Item: named.extend({ Type: text.optional() }).optional(),
  Server: named.optional(),
  Session: z
    .looseObject({
      DeviceId: text.optional(),
      DeviceName: text.optional(),
      Client: text.optional(),
      RemoteEndPoint: text.optional(),
    })
    .optional(),
});
export type EmbyPayload = z.infer<typeof embyBase>;

/** Emby's "Send Test Notification" button, under both names it has had. */
export const EMBY_TESTS = new Set(['system.notificationtest', 'system.webhooktest']);
/** The event of a failed sign-in. */
export const EMBY_AUTH_FAILED = 'user.authenticationfailed';
/** Failed sign-ins older than this no longer count; the auth problem resolves when none are left. */
export const AUTH_QUIET_MS = 3_600_000;
/** The key of the one auth problem per source, in the receiver's `auth` scope. */
export const AUTH_KEY = 'auth:sign-in';
/** Attempts within the quiet hour from which the auth problem is high severity (a guessing attack, not a typo). */
const AUTH_BURST = 10;

interface AuthFailures {
  source: SourceConfig;
  /** Times of the attempts within the quiet hour, oldest first. */
  times: number[];
  last: string;
}

/** An auth problem to (re)open, or `undefined` once its source has had a quiet hour. */
export interface AuthChange {
  source: SourceConfig;
  problem: ExternalProblem | undefined;
}

/** Failed sign-ins per source within the quiet hour. */
export class SignInFailures {
  private readonly bySource = new Map<string, AuthFailures>();

  /** Counts one failed sign-in and returns the source's auth problem as it now reads. */
  add(source: SourceConfig, p: EmbyPayload, at: number): ExternalProblem {
    const who = p.User?.Name ? `user "${p.User.Name}"` : 'an unknown user';
    const where = p.Session?.RemoteEndPoint ? ` from ${p.Session.RemoteEndPoint}` : '';
    const device = p.Session?.DeviceName ?? p.Session?.Client;
    const f = this.bySource.get(source.name) ?? { source, times: [], last: '' };
    f.times.push(at);
    // Only names and addresses: the payload is never echoed, in case a client put a password where a name goes.
    f.last = clip(`${who}${where}${device ? ` on ${device}` : ''}`, 200);
    this.bySource.set(source.name, f);
    return problemOf(f);
  }

  /** Forgets attempts older than the quiet hour; returns the sources whose auth problem changed (resolved or fewer). */
  expire(at: number): AuthChange[] {
    const changes: AuthChange[] = [];
    for (const [name, f] of this.bySource) {
      const before = f.times.length;
      f.times = f.times.filter((t) => t > at - AUTH_QUIET_MS);
      if (f.times.length === before) continue;
      if (f.times.length === 0) this.bySource.delete(name);
      changes.push({ source: f.source, problem: f.times.length ? problemOf(f) : undefined });
    }
    return changes;
  }
}

function problemOf(f: AuthFailures): ExternalProblem {
  const n = f.times.length;
  const label = f.source.app.charAt(0).toUpperCase() + f.source.app.slice(1);
  return {
    key: AUTH_KEY,
    source: f.source.name,
    app: f.source.app,
    title: `Failed sign-ins on ${label} (${f.source.name})`,
    message: `${n} failed sign-in attempt${n === 1 ? '' : 's'} in the last hour; the latest by ${f.last}.`,
    category: 'auth',
    severity: n >= AUTH_BURST ? 'high' : 'medium',
  };
}
