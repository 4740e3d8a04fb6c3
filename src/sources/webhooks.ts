/**
 * Inbound webhooks: what the apps push (the *arr "Connect → Webhook", the Jellyfin webhook plugin, Plex webhooks,
 * Emby's webhooks, Tautulli's webhook agent). Each payload is validated with zod, recorded in a small journal (unknown event types
 * too), and applied:
 * - where the source has an API poller, a webhook only triggers an immediate poll: the API stays the one truth, so a
 *   webhook and a poll never describe the same thing twice;
 * - without a poller, the webhook drives the state itself: *arr Health/HealthRestored open and resolve health
 *   problems, failed imports open queue problems, playback events feed the session tracker.
 * Emby's `user.authenticationfailed` has no API counterpart: failed sign-ins are an `auth` problem of the source that
 * resolves after a quiet hour (checked on every Emby webhook and, once started, every minute).
 * Tautulli's "Playback Error" fails the playback (linked to the server's issues) either way, as no API says so.
 * The *arr payloads and problems live in webhooks-arr.ts, Emby's and the sign-in tracking in webhooks-emby.ts; this
 * file keeps what every app shares: the journal, the problem reconciliation and the playback path.
 */
import { z } from 'zod';
import type { SourceConfig } from '../config/sources.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ExternalProblem, IssueService } from '../core/ports.ts';
import type { SessionTracker } from '../sessions/tracker.ts';
import {
  EMBY_ACTIONS,
  embyWebhookSnapshot,
  JELLYFIN_ACTIONS,
  jellyfinWebhookSnapshot,
  PLEX_ACTIONS,
  type PlaybackAction,
  plexWebhookSnapshot,
  TAUTULLI_ACTIONS,
  tautulliSnapshot,
} from './webhook-sessions.ts';
import {
  ARR_FAILURES,
  ARR_KNOWN,
  ARR_WEBHOOK_APPS,
  arrBase,
  arrDownload,
  arrFailure,
  arrHealth,
  arrHealthProblem,
  arrQueueProblem,
} from './webhooks-arr.ts';
import { AUTH_KEY, EMBY_AUTH_FAILED, EMBY_TESTS, embyBase, SignInFailures } from './webhooks-emby.ts';

export const WEBHOOK_APPS = [...ARR_WEBHOOK_APPS, 'jellyfin', 'emby', 'plex', 'tautulli'] as const;
export type WebhookApp = (typeof WEBHOOK_APPS)[number];

export interface WebhookRecord {
  id: number;
  at: number;
  app: string;
  source: string;
  event: string;
  /** False for event types Arrgus does not act on: recorded all the same. */
  known: boolean;
  /** What Arrgus did with it. */
  effect: string;
}

export class WebhookInvalid extends Error {}

export interface WebhookReceiverDeps {
  clock: Clock;
  logger: Logger;
  tracker?: SessionTracker;
  issues?: Pick<IssueService, 'syncExternal'>;
  /** Asks the source's API poller for an immediate poll; false when it has none. */
  poke?: (source: string) => boolean;
  onRecord?: (record: WebhookRecord) => void;
}

const text = z.string();
const jellyfinBase = z.looseObject({ NotificationType: text.min(1, 'NotificationType is empty') });
const plexBase = z.looseObject({
  event: text.min(1, 'event is empty'),
  Account: z.looseObject({ title: text.optional() }).optional(),
  Player: z.looseObject({ uuid: text.optional(), title: text.optional() }).optional(),
  Metadata: z.looseObject({}).optional(),
});
const tautulliBase = z.looseObject({ action: text.min(1, 'action is empty') });
export class WebhookReceiver {
  private readonly deps: WebhookReceiverDeps;
  private readonly journal: WebhookRecord[] = [];
  private readonly journalSize: number;
  private readonly state = new Map<string, Map<string, ExternalProblem>>();
  private readonly signIns = new SignInFailures();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: WebhookReceiverDeps, opts: { journalSize?: number } = {}) {
    this.deps = deps;
    this.journalSize = opts.journalSize ?? 200;
  }

  /** Resolves quiet auth problems every minute even when no further webhook arrives. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.expire(), 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Forgets failed sign-ins older than the quiet hour and resolves the auth problems left without any. */
  expire(at = this.deps.clock.now()): void {
    for (const { source, problem } of this.signIns.expire(at)) {
      this.change(source, 'auth', AUTH_KEY, problem, at);
      if (!problem) this.deps.logger.info(`No failed sign-ins on ${source.name} for an hour: resolved.`);
    }
  }

  /** The last webhooks received, newest first. */
  recent(limit = 50): WebhookRecord[] {
    return this.journal.slice(-limit).reverse();
  }

  arr(source: SourceConfig, body: unknown): WebhookRecord {
    const base = check(arrBase, body);
    const event = base.eventType;
    const at = this.deps.clock.now();
    if (event === 'Health' || event === 'HealthRestored') {
      const h = check(arrHealth, body);
      if (this.poke(source)) return this.record(source, event, true, 'polled the API');
      const problem = arrHealthProblem(source, h);
      this.change(source, 'health', problem.key, event === 'Health' ? problem : undefined, at);
      return this.record(
        source,
        event,
        true,
        event === 'Health' ? 'opened a health problem' : 'resolved a health problem',
      );
    }
    if (ARR_FAILURES.has(event)) {
      const f = check(arrFailure, body);
      if (this.poke(source)) return this.record(source, event, true, 'polled the API');
      const problem = arrQueueProblem(source, event, f);
      this.change(source, 'queue', problem.key, problem, at);
      return this.record(source, event, true, 'opened a queue problem');
    }
    if (event === 'Download' || event === 'ImportComplete') {
      const d = check(arrDownload, body);
      if (this.poke(source)) return this.record(source, event, true, 'polled the API');
      const cleared = d.downloadId ? this.change(source, 'queue', `queue:${d.downloadId}`, undefined, at) : false;
      return this.record(source, event, true, cleared ? 'resolved a queue problem' : 'recorded');
    }
    if (event === 'Test') this.deps.logger.info(`Test webhook from ${source.name} received: the connection works.`);
    return this.record(source, event, ARR_KNOWN.has(event), 'recorded');
  }

  jellyfin(source: SourceConfig, body: unknown): WebhookRecord {
    const event = check(jellyfinBase, body).NotificationType;
    const action = JELLYFIN_ACTIONS[event];
    if (!action) return this.record(source, event, false, 'recorded');
    const snap = jellyfinWebhookSnapshot(body as Record<string, unknown>);
    if (!snap) throw new WebhookInvalid(`${event} needs DeviceId (or DeviceName) and ItemId (or Name)`);
    return this.playback(source, source.name, event, action === 'progress' ? 'play' : action, snap);
  }

  plex(source: SourceConfig, body: unknown): WebhookRecord {
    const p = check(plexBase, body);
    const event = p.event;
    const at = this.deps.clock.now();
    if (event === 'admin.database.corrupted') {
      const problem: ExternalProblem = {
        key: 'webhook:database-corrupted',
        source: source.name,
        app: source.app,
        title: 'Plex reports its database is corrupted',
        message: 'Plex sent admin.database.corrupted: restore a backup or repair the database.',
        category: 'database',
        severity: 'critical',
      };
      this.change(source, 'webhook', problem.key, problem, at);
      return this.record(source, event, true, 'opened a database problem');
    }
    const action = PLEX_ACTIONS[event];
    if (!action) return this.record(source, event, false, 'recorded');
    const snap = plexWebhookSnapshot(body as Record<string, unknown>);
    if (!snap) throw new WebhookInvalid(`${event} needs Player.uuid and Metadata.ratingKey`);
    return this.playback(source, source.name, event, action, snap);
  }

  emby(source: SourceConfig, body: unknown): WebhookRecord {
    const p = check(embyBase, body);
    const event = p.Event;
    this.expire();
    if (event === EMBY_AUTH_FAILED) {
      const at = this.deps.clock.now();
      this.change(source, 'auth', AUTH_KEY, this.signIns.add(source, p, at), at);
      return this.record(source, event, true, 'recorded a failed sign-in');
    }
    if (EMBY_TESTS.has(event)) {
      this.deps.logger.info(`Test webhook from ${source.name} received: the connection works.`);
      return this.record(source, event, true, 'recorded');
    }
    const action = EMBY_ACTIONS[event];
    if (!action) return this.record(source, event, false, 'recorded');
    const snap = embyWebhookSnapshot(body as Record<string, unknown>);
    if (!snap) throw new WebhookInvalid(`${event} needs Session.DeviceId (or DeviceName) and Item.Id (or Name)`);
    return this.playback(source, source.name, event, action, snap);
  }

  /** `server`: the Plex source Tautulli watches (its sessions belong there), else the Tautulli source itself. */
  tautulli(source: SourceConfig, server: SourceConfig | undefined, body: unknown): WebhookRecord {
    const action = check(tautulliBase, body).action.toLowerCase();
    const target = server ?? source;
    const at = this.deps.clock.now();
    if (['intdown', 'intup', 'extdown', 'extup'].includes(action)) {
      const external = action.startsWith('ext');
      const key = `webhook:tautulli-${external ? 'remote' : 'server'}`;
      const problem: ExternalProblem = {
        key,
        source: target.name,
        app: target.app,
        title: external ? 'Tautulli reports Plex remote access is down' : 'Tautulli reports the Plex server is down',
        message: `Tautulli sent ${action}.`,
        category: 'connectivity',
        severity: external ? 'medium' : 'critical',
      };
      this.change(target, 'webhook', key, action.endsWith('down') ? problem : undefined, at);
      return this.record(source, action, true, action.endsWith('down') ? 'opened a problem' : 'resolved a problem');
    }
    const mapped = TAUTULLI_ACTIONS[action];
    if (!mapped) return this.record(source, action, false, 'recorded');
    const snap = tautulliSnapshot(body as Record<string, unknown>);
    if (!snap) throw new WebhookInvalid(`${action} needs machine_id (or player) and rating_key (or title)`);
    return this.playback(target, source.name, action, mapped, snap);
  }

  private playback(
    server: SourceConfig,
    from: string,
    event: string,
    action: PlaybackAction,
    snap: NonNullable<ReturnType<typeof plexWebhookSnapshot>>,
  ): WebhookRecord {
    const tracker = this.deps.tracker;
    const rec = { ...server, name: from };
    if (action === 'error') {
      const failed = tracker?.fail(server.name, server.app, snap, 'playback error reported by Tautulli');
      this.poke(server);
      const n = failed?.issueIds?.length ?? 0;
      return this.record(rec, event, true, `failed the playback; linked ${n} issue${n === 1 ? '' : 's'}`);
    }
    if (this.poke(server)) return this.record(rec, event, true, 'polled the API');
    if (!tracker) return this.record(rec, event, true, 'recorded (no session tracker)');
    if (action === 'stop') tracker.end(server.name, snap.id);
    else
      tracker.apply(server.name, server.app, {
        ...snap,
        state: action === 'pause' ? 'paused' : action === 'buffer' ? 'buffering' : 'playing',
      });
    return this.record(rec, event, true, 'updated the session');
  }

  private poke(source: SourceConfig): boolean {
    return this.deps.poke?.(source.name) ?? false;
  }

  /** Adds or removes one problem of a webhook-driven scope and reconciles the scope. Returns whether it changed. */
  private change(
    source: SourceConfig,
    scope: string,
    key: string,
    problem: ExternalProblem | undefined,
    at: number,
  ): boolean {
    const id = `${source.name}\u0000${scope}`;
    const map = this.state.get(id) ?? new Map<string, ExternalProblem>();
    this.state.set(id, map);
    const had = map.has(key);
    if (problem) map.set(key, problem);
    else map.delete(key);
    if (!problem && !had) return false;
    try {
      this.deps.issues?.syncExternal(source.name, scope, [...map.values()], at);
    } catch (err) {
      this.deps.logger.warn(`Could not record the ${scope} problems of ${source.name} from a webhook.`, { error: err });
    }
    return true;
  }

  private record(
    source: Pick<SourceConfig, 'name' | 'app'>,
    event: string,
    known: boolean,
    effect: string,
  ): WebhookRecord {
    const r: WebhookRecord = {
      id: ++this.seq,
      at: this.deps.clock.now(),
      app: source.app,
      source: source.name,
      event,
      known,
      effect,
    };
    this.journal.push(r);
    if (this.journal.length > this.journalSize) this.journal.shift();
    this.deps.logger.debug(`Webhook ${event} from ${source.name}: ${effect}.`);
    this.deps.onRecord?.(r);
    return r;
  }
}

function check<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw new WebhookInvalid(`${where}${first?.message ?? 'invalid payload'}`);
}
