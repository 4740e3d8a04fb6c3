/**
 * Inbound webhooks: what the apps push (the *arr "Connect → Webhook", the Jellyfin webhook plugin, Plex webhooks,
 * Emby's webhooks, Tautulli's webhook agent). Each payload is validated with zod, recorded in a small journal (unknown event types
 * too), and applied:
 * - where the source has an API poller, a webhook only triggers an immediate poll: the API stays the one truth, so a
 *   webhook and a poll never describe the same thing twice;
 * - without a poller, the webhook drives the state itself: *arr Health/HealthRestored open and resolve health
 *   problems, failed imports open queue problems, playback events feed the session tracker.
 * Emby's `user.authenticationfailed` has no API counterpart: failed sign-ins are an `auth` problem of the source that
 * resolves after a quiet hour (checked on every webhook and, once started, every minute).
 * Tautulli's "Playback Error" fails the playback (linked to the server's issues) either way, as no API says so.
 */
import { z } from 'zod';
import type { SourceConfig } from '../config/sources.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ExternalProblem, IssueService } from '../core/ports.ts';
import type { SessionTracker } from '../sessions/tracker.ts';
import { clip } from './arr-api.ts';
import {
  embyWebhookSnapshot,
  jellyfinWebhookSnapshot,
  plexWebhookSnapshot,
  tautulliSnapshot,
} from './webhook-sessions.ts';

export const ARR_WEBHOOK_APPS = ['sonarr', 'radarr', 'lidarr', 'readarr', 'prowlarr', 'whisparr'] as const;
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
const arrBase = z.looseObject({ eventType: text.min(1, 'eventType is empty') });
const arrHealth = z.looseObject({
  eventType: text,
  level: text.optional(),
  message: text,
  type: text,
  wikiUrl: text.optional(),
});
const statusMessages = z.array(z.looseObject({ title: text.optional(), messages: z.array(text).optional() }));
const arrFailure = z.looseObject({
  eventType: text,
  downloadId: text.optional(),
  downloadClient: text.optional(),
  downloadStatusMessages: statusMessages.optional(),
  message: text.optional(),
  release: z.looseObject({ releaseTitle: text.optional() }).optional(),
  series: z.looseObject({ title: text.optional() }).optional(),
  movie: z.looseObject({ title: text.optional() }).optional(),
  artist: z.looseObject({ name: text.optional() }).optional(),
});
const arrDownload = z.looseObject({ eventType: text, downloadId: text.optional() });
const FAILURES = new Set([
  'ManualInteractionRequired',
  'ImportFailed',
  'ImportFailure',
  'DownloadFailed',
  'DownloadFailure',
]);
const ARR_KNOWN = new Set([
  'Test',
  'Grab',
  'Download',
  'ImportComplete',
  'Health',
  'HealthRestored',
  'ApplicationUpdate',
  ...FAILURES,
]);

const jellyfinBase = z.looseObject({ NotificationType: text.min(1, 'NotificationType is empty') });
const plexBase = z.looseObject({
  event: text.min(1, 'event is empty'),
  Account: z.looseObject({ title: text.optional() }).optional(),
  Player: z.looseObject({ uuid: text.optional(), title: text.optional() }).optional(),
  Metadata: z.looseObject({}).optional(),
});
const tautulliBase = z.looseObject({ action: text.min(1, 'action is empty') });
const named = z.looseObject({ Name: text.optional(), Id: z.union([text, z.number()]).optional() });
const embyBase = z.looseObject({
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
type EmbyPayload = z.infer<typeof embyBase>;

type PlaybackAction = 'play' | 'pause' | 'buffer' | 'stop' | 'error';
const JELLYFIN_ACTIONS: Record<string, PlaybackAction | 'progress' | undefined> = {
  PlaybackStart: 'play',
  PlaybackProgress: 'progress',
  PlaybackStop: 'stop',
};
const PLEX_ACTIONS: Record<string, PlaybackAction | undefined> = {
  'media.play': 'play',
  'media.resume': 'play',
  'media.pause': 'pause',
  'media.stop': 'stop',
};
const EMBY_ACTIONS: Record<string, PlaybackAction | undefined> = {
  'playback.start': 'play',
  'playback.unpause': 'play',
  'playback.pause': 'pause',
  'playback.stop': 'stop',
};
/** Emby's "Send Test Notification" button, under both names it has had. */
const EMBY_TESTS = new Set(['system.notificationtest', 'system.webhooktest']);
/** Failed sign-ins older than this no longer count; the auth problem resolves when none are left. */
export const AUTH_QUIET_MS = 3_600_000;
/** Attempts within the quiet hour from which the auth problem is high severity (a guessing attack, not a typo). */
const AUTH_BURST = 10;

interface AuthFailures {
  source: SourceConfig;
  /** Times of the attempts within the quiet hour, oldest first. */
  times: number[];
  last: string;
}

const TAUTULLI_ACTIONS: Record<string, PlaybackAction | undefined> = {
  play: 'play',
  resume: 'play',
  pause: 'pause',
  buffer: 'buffer',
  stop: 'stop',
  error: 'error',
};

export class WebhookReceiver {
  private readonly deps: WebhookReceiverDeps;
  private readonly journal: WebhookRecord[] = [];
  private readonly journalSize: number;
  private readonly state = new Map<string, Map<string, ExternalProblem>>();
  private readonly auth = new Map<string, AuthFailures>();
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
    for (const [name, f] of this.auth) {
      const before = f.times.length;
      f.times = f.times.filter((t) => t > at - AUTH_QUIET_MS);
      if (f.times.length === before) continue;
      if (f.times.length === 0) this.auth.delete(name);
      this.change(f.source, 'auth', 'auth:sign-in', f.times.length ? this.authProblem(f) : undefined, at);
      if (f.times.length === 0) this.deps.logger.info(`No failed sign-ins on ${name} for an hour: resolved.`);
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
    const label = source.app.charAt(0).toUpperCase() + source.app.slice(1);
    if (event === 'Health' || event === 'HealthRestored') {
      const h = check(arrHealth, body);
      if (this.poke(source)) return this.record(source, event, true, 'polled the API');
      const problem: ExternalProblem = {
        key: `health:${h.type}`,
        source: source.name,
        app: source.app,
        title: `${label}: ${clip(h.message, 200)}`,
        message: h.wikiUrl ? `${h.message} (see ${h.wikiUrl})` : h.message,
        category: 'health',
        severity: (h.level ?? '').toLowerCase() === 'error' ? 'high' : 'medium',
      };
      this.change(source, 'health', problem.key, event === 'Health' ? problem : undefined, at);
      return this.record(
        source,
        event,
        true,
        event === 'Health' ? 'opened a health problem' : 'resolved a health problem',
      );
    }
    if (FAILURES.has(event)) {
      const f = check(arrFailure, body);
      if (this.poke(source)) return this.record(source, event, true, 'polled the API');
      const what = f.release?.releaseTitle ?? f.series?.title ?? f.movie?.title ?? f.artist?.name ?? 'a download';
      const messages = (f.downloadStatusMessages ?? []).flatMap((m) => m.messages ?? (m.title ? [m.title] : []));
      const problem: ExternalProblem = {
        key: `queue:${f.downloadId ?? what}`,
        source: source.name,
        app: source.app,
        title: `Stuck in the ${label} queue: ${clip(what, 160)}`,
        message: messages.join(' ') || f.message || `${event} reported by ${label}`,
        category: 'queue',
        severity: 'medium',
      };
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
      this.change(
        source,
        'webhook',
        'webhook:database-corrupted',
        {
          key: 'webhook:database-corrupted',
          source: source.name,
          app: source.app,
          title: 'Plex reports its database is corrupted',
          message: 'Plex sent admin.database.corrupted: restore a backup or repair the database.',
          category: 'database',
          severity: 'critical',
        },
        at,
      );
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
    if (event === 'user.authenticationfailed') return this.authFailed(source, p);
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

  private authFailed(source: SourceConfig, p: EmbyPayload): WebhookRecord {
    const at = this.deps.clock.now();
    const who = p.User?.Name ? `user "${p.User.Name}"` : 'an unknown user';
    const where = p.Session?.RemoteEndPoint ? ` from ${p.Session.RemoteEndPoint}` : '';
    const device = p.Session?.DeviceName ?? p.Session?.Client;
    const f = this.auth.get(source.name) ?? { source, times: [], last: '' };
    f.times.push(at);
    // Only names and addresses: the payload is never echoed, in case a client put a password where a name goes.
    f.last = clip(`${who}${where}${device ? ` on ${device}` : ''}`, 200);
    this.auth.set(source.name, f);
    this.change(source, 'auth', 'auth:sign-in', this.authProblem(f), at);
    return this.record(source, 'user.authenticationfailed', true, 'recorded a failed sign-in');
  }

  private authProblem(f: AuthFailures): ExternalProblem {
    const n = f.times.length;
    const label = f.source.app.charAt(0).toUpperCase() + f.source.app.slice(1);
    return {
      key: 'auth:sign-in',
      source: f.source.name,
      app: f.source.app,
      title: `Failed sign-ins on ${label} (${f.source.name})`,
      message: `${n} failed sign-in attempt${n === 1 ? '' : 's'} in the last hour; the latest by ${f.last}.`,
      category: 'auth',
      severity: n >= AUTH_BURST ? 'high' : 'medium',
    };
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
