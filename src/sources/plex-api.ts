/**
 * Plex Media Server: `/status/sessions` (with `X-Plex-Token`, JSON asked for, XML understood) feeds the session
 * tracker on every poll, and the `/:/websockets/notifications` stream makes changes instant: a playback starting,
 * pausing or stopping, or a transcode starting or ending, triggers a poll at once. Progress ticks (Plex sends one every
 * few seconds per playback) do not. A socket that comes back after a drop also triggers one: whatever changed while it
 * was down was never announced.
 */
import type { SourceConfig } from '../config/sources.ts';
import type { Logger } from '../core/logger.ts';
import { list, obj, str } from '../core/loose-json.ts';
import { parsePlexSessions } from '../sessions/plex.ts';
import type { SessionTracker } from '../sessions/tracker.ts';
import { ApiError, apiLabel, expectOk, type JsonClient } from './api-http.ts';
import type { ApiPollerDeps } from './api-poller.ts';
import { ReconnectingSocket, type SocketTiming } from './api-socket.ts';
import { sourceClient } from './source-client.ts';

export interface MediaServerDeps extends ApiPollerDeps {
  tracker: SessionTracker;
}

export interface MediaServerOptions {
  timeoutMs?: number;
  /** Reconnection timing of the notification socket. */
  socket?: SocketTiming;
}

export class PlexApi {
  private readonly deps: MediaServerDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private readonly label: string;
  private readonly states = new Map<string, string>();
  private readonly socketTiming: SocketTiming;
  private socket: ReconnectingSocket | undefined;

  constructor(deps: MediaServerDeps, source: SourceConfig, opts: MediaServerOptions = {}) {
    this.deps = deps;
    this.source = source;
    this.socketTiming = opts.socket ?? {};
    this.label = apiLabel(source.app, source.url ?? '');
    const headers: Record<string, string> = {
      'X-Plex-Product': 'Arrgus',
      'X-Plex-Client-Identifier': `arrgus-${source.name}`,
    };
    if (source.token) headers['X-Plex-Token'] = source.token;
    this.client = sourceClient(source, { headers, timeoutMs: opts.timeoutMs });
  }

  async poll(signal: AbortSignal): Promise<void> {
    const where = `${this.label} /status/sessions`;
    const res = expectOk(await this.client.raw('status/sessions', signal), where);
    let snaps: ReturnType<typeof parsePlexSessions>;
    try {
      snaps = parsePlexSessions(res.text);
    } catch (err) {
      throw new ApiError('invalid', `${where} answered something unreadable: ${(err as Error).message}`);
    }
    this.deps.tracker.reconcile(this.source.name, this.source.app, snaps, this.deps.clock.now());
  }

  /** Opens the notification socket; `poke` asks the poller for an immediate poll. */
  startSocket(poke: () => void, logger: Logger = this.deps.logger): void {
    if (this.socket) return;
    const base = new URL(this.source.url ?? '');
    if (base.protocol === 'https:' && !this.source.verifyTls) {
      // Node's WebSocket cannot skip certificate checks without undici's Agent; polling alone still works.
      logger.info(`Plex notifications of ${this.source.name} are off with verifyTls: false; polling only.`);
      return;
    }
    this.socket = new ReconnectingSocket({
      ...this.socketTiming,
      label: `Plex notifications of ${this.source.name}`,
      logger,
      url: () => {
        const u = this.client.url(':/websockets/notifications');
        u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
        if (this.source.token) u.searchParams.set('X-Plex-Token', this.source.token);
        return u;
      },
      onOpen: (_send, reopened) => {
        if (reopened) poke();
      },
      onMessage: (data) => {
        if (this.isChange(data)) poke();
      },
      // The states seen before the drop may be stale: the first notification after it counts as a change.
      onClose: () => this.states.clear(),
    });
    this.socket.start();
  }

  stopSocket(): void {
    this.socket?.stop();
    this.socket = undefined;
  }

  /** Whether a notification announces a change worth a poll (not a progress tick). */
  isChange(data: string): boolean {
    const nc = obj(obj(JSON.parse(data) as unknown).NotificationContainer);
    const type = str(nc.type);
    if (type === 'transcodeSession.start' || type === 'transcodeSession.end') return true;
    if (type !== 'playing') return false;
    let changed = false;
    for (const n of list(nc.PlaySessionStateNotification)) {
      const key = str(n.sessionKey) ?? str(n.key) ?? '';
      const state = str(n.state) ?? '';
      if (this.states.get(key) !== state) changed = true;
      if (state === 'stopped') this.states.delete(key);
      else this.states.set(key, state);
    }
    return changed;
  }
}
