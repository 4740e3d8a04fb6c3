/**
 * The component that polls every source with an API `url`: one `ApiPoller` (own timer, timeout, backoff) per source,
 * the client chosen by the source's app, plus the media servers' notification sockets. Listed once here (house rule 3).
 * Tautulli is polled when it has an `apiKey`: its reachability always, its activity only for a Plex server that has
 * no poller of its own (see `tautulliSessionsFor`).
 */
import type { SourceConfig } from '../config/sources.ts';
import type { Component, CoreContext } from '../core/context.ts';
import type { IssueService } from '../core/ports.ts';
import type { SessionTracker } from '../sessions/tracker.ts';
import { apiLabel } from './api-http.ts';
import { ApiPoller, type ApiPollerDeps, type PollerStatus } from './api-poller.ts';
import type { SocketTiming } from './api-socket.ts';
import { ARR_APPS, ArrApi } from './arr-api.ts';
import { BazarrApi } from './bazarr-api.ts';
import { JellyfinApi } from './jellyfin-api.ts';
import { PlexApi } from './plex-api.ts';
import { QbittorrentApi } from './qbittorrent-api.ts';
import { SabnzbdApi } from './sabnzbd-api.ts';
import { TautulliApi } from './tautulli-api.ts';

export interface ApiPollersDeps {
  issues?: Pick<IssueService, 'syncExternal'>;
  tracker: SessionTracker;
}

export interface ApiPollersOptions {
  /** Open the Plex/Jellyfin/Emby notification sockets; default true. */
  websockets?: boolean;
  /** Reconnection timing of those sockets (tests shorten it). */
  socket?: SocketTiming;
  timeoutMs?: number;
  maxBackoffMs?: number;
  failuresBeforeProblem?: number;
  /** *arr queue items count as stuck after this long flagged. */
  stuckAfterMs?: number;
}

interface Entry {
  poller: ApiPoller;
  stopSocket?: () => void;
}

/** Apps that have an API poller; others (Overseerr, docker, generic) are log or webhook sources only. */
export const POLLED_APPS: readonly string[] = [
  'plex',
  'jellyfin',
  'emby',
  ...ARR_APPS,
  'bazarr',
  'qbittorrent',
  'sabnzbd',
  'tautulli',
];

export class ApiPollers implements Component {
  readonly name = 'api-pollers';
  private readonly ctx: CoreContext;
  private readonly deps: ApiPollersDeps;
  private readonly opts: ApiPollersOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(ctx: CoreContext, deps: ApiPollersDeps, opts: ApiPollersOptions = {}) {
    this.ctx = ctx;
    this.deps = deps;
    this.opts = opts;
  }

  start(): void {
    const log = this.ctx.logger.child('api');
    for (const source of this.ctx.config.sources) {
      if (!source.enabled || !source.url) continue;
      if (!POLLED_APPS.includes(source.app) || (source.app === 'tautulli' && !source.apiKey)) {
        log.debug(`Source ${source.name} (${source.app}) has a url but no API poller; it is used for webhooks only.`);
        continue;
      }
      const entry = this.build(source);
      this.entries.set(source.name, entry);
      entry.poller.start();
    }
    if (this.entries.size) log.info(`Polling the APIs of ${[...this.entries.keys()].join(', ')}.`);
  }

  async stop(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) e.stopSocket?.();
    await Promise.all(all.map((e) => e.poller.stop()));
  }

  /** Asks the poller of `source` for an immediate poll; false when the source has none (webhook-only). */
  poke(source: string): boolean {
    const e = this.entries.get(source);
    if (!e) return false;
    e.poller.poke();
    return true;
  }

  has(source: string): boolean {
    return this.entries.has(source);
  }

  status(): PollerStatus[] {
    return [...this.entries.values()].map((e) => e.poller.status());
  }

  private build(source: SourceConfig): Entry {
    const log = this.ctx.logger.child(`api:${source.name}`);
    const pollerDeps: ApiPollerDeps = { clock: this.ctx.clock, logger: log };
    if (this.deps.issues) pollerDeps.issues = this.deps.issues;
    const timeoutMs = this.opts.timeoutMs ?? Math.min(source.apiInterval, 15_000);
    const clientOpts = { timeoutMs };
    const media = { ...pollerDeps, tracker: this.deps.tracker };
    const mediaOpts = this.opts.socket ? { ...clientOpts, socket: this.opts.socket } : clientOpts;
    let run: (signal: AbortSignal) => Promise<void>;
    let startSocket: ((poke: () => void) => void) | undefined;
    let stopSocket: (() => void) | undefined;
    if (source.app === 'plex') {
      const api = new PlexApi(media, source, mediaOpts);
      run = (s) => api.poll(s);
      startSocket = (poke) => api.startSocket(poke, log);
      stopSocket = () => api.stopSocket();
    } else if (source.app === 'jellyfin' || source.app === 'emby') {
      const api = new JellyfinApi(media, source, mediaOpts);
      run = (s) => api.poll(s);
      startSocket = () => api.startSocket(log);
      stopSocket = () => api.stopSocket();
    } else if (source.app === 'bazarr') {
      const api = new BazarrApi(pollerDeps, source, clientOpts);
      run = (s) => api.poll(s);
    } else if (source.app === 'qbittorrent') {
      const api = new QbittorrentApi(pollerDeps, source, clientOpts);
      run = (s) => api.poll(s);
    } else if (source.app === 'tautulli') {
      const target = tautulliSessionsFor(this.ctx.config.sources, source);
      const api = new TautulliApi(media, source, target ? { ...clientOpts, sessionsFor: target } : clientOpts);
      if (!target) log.debug(`Tautulli source ${source.name} is polled for reachability only: Plex is polled itself.`);
      run = (s) => api.poll(s);
    } else if (source.app === 'sabnzbd') {
      const api = new SabnzbdApi(pollerDeps, source, clientOpts);
      run = (s) => api.poll(s);
    } else {
      const arrOpts =
        this.opts.stuckAfterMs === undefined ? clientOpts : { ...clientOpts, stuckAfterMs: this.opts.stuckAfterMs };
      const api = new ArrApi(pollerDeps, source, arrOpts);
      run = (s) => api.poll(s);
    }
    const pollerOpts = {
      source: source.name,
      app: source.app,
      label: apiLabel(source.app, source.url ?? ''),
      intervalMs: source.apiInterval,
      timeoutMs,
      run,
      ...(this.opts.maxBackoffMs === undefined ? {} : { maxBackoffMs: this.opts.maxBackoffMs }),
      ...(this.opts.failuresBeforeProblem === undefined
        ? {}
        : { failuresBeforeProblem: this.opts.failuresBeforeProblem }),
    };
    const poller = new ApiPoller(pollerDeps, pollerOpts);
    if (startSocket && this.opts.websockets !== false) startSocket(() => poller.poke());
    return stopSocket ? { poller, stopSocket } : { poller };
  }
}

/**
 * Where the activity a Tautulli source reports belongs: the Plex source it names (`server`, once the schema has it),
 * else the first enabled Plex source, else the Tautulli source itself. Undefined when that Plex source is polled by
 * Arrgus directly: its own API is the better truth, and two pollers must not reconcile one server against each other.
 */
export function tautulliSessionsFor(
  sources: readonly SourceConfig[],
  tautulli: SourceConfig,
): Pick<SourceConfig, 'name' | 'app'> | undefined {
  const plexes = sources.filter((s) => s.app === 'plex' && s.enabled);
  const named = (tautulli as SourceConfig & { server?: string }).server;
  const plex = (named ? plexes.find((s) => s.name === named) : undefined) ?? plexes[0];
  if (!plex) return { name: tautulli.name, app: tautulli.app };
  return plex.url ? undefined : { name: plex.name, app: plex.app };
}
