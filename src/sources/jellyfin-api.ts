/**
 * Jellyfin and Emby: `/Sessions` with the API key (`X-Emby-Token` and `Authorization: MediaBrowser Token=...`; Emby
 * under `/emby`) feeds the session tracker on every poll. Their websocket (`/socket` on Jellyfin, `/embywebsocket` on
 * Emby), once asked with `SessionsStart`, pushes the complete session list whenever it changes: each message is
 * reconciled exactly like a poll. The socket's key travels as `ApiKey` on Jellyfin (read by every release since 10.8;
 * the older `api_key` spelling is refused once `EnableLegacyAuthorization` is off, the default from Jellyfin 12) and
 * as `api_key` on Emby, the only spelling Emby documents.
 */
import type { SourceConfig } from '../config/sources.ts';
import type { Logger } from '../core/logger.ts';
import { num, obj, str } from '../core/loose-json.ts';
import { parseJellyfinSessions } from '../sessions/jellyfin.ts';
import { ApiError, apiLabel, type JsonClient } from './api-http.ts';
import { ReconnectingSocket, type SocketTiming } from './api-socket.ts';
import type { MediaServerDeps, MediaServerOptions } from './plex-api.ts';
import { sourceClient } from './source-client.ts';

export class JellyfinApi {
  private readonly deps: MediaServerDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private readonly label: string;
  private readonly socketTiming: SocketTiming;
  private socket: ReconnectingSocket | undefined;
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(deps: MediaServerDeps, source: SourceConfig, opts: MediaServerOptions = {}) {
    this.deps = deps;
    this.source = source;
    this.socketTiming = opts.socket ?? {};
    this.label = apiLabel(source.app, source.url ?? '');
    const headers: Record<string, string> = {};
    if (source.apiKey) {
      headers['X-Emby-Token'] = source.apiKey;
      headers.Authorization = `MediaBrowser Client="Arrgus", Device="Arrgus", DeviceId="${this.deviceId}", Version="1", Token="${source.apiKey}"`;
    }
    this.client = sourceClient(source, { headers, timeoutMs: opts.timeoutMs, baseUrl: this.baseUrl() });
  }

  private get deviceId(): string {
    return `arrgus-${this.source.name}`;
  }

  /** Emby serves its API under `/emby`; users may or may not have written it in the URL. */
  private baseUrl(): string {
    const url = this.source.url ?? '';
    if (this.source.app !== 'emby') return url;
    const u = new URL(url);
    if (!/\/emby\/?$/i.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, '')}/emby`;
    return u.toString();
  }

  async poll(signal: AbortSignal): Promise<void> {
    const body = await this.client.get('Sessions', signal, { ActiveWithinSeconds: '960' });
    this.reconcile(body, `${this.label} /Sessions`);
  }

  private reconcile(body: unknown, where: string): void {
    let snaps: ReturnType<typeof parseJellyfinSessions>;
    try {
      snaps = parseJellyfinSessions(body);
    } catch (err) {
      throw new ApiError('invalid', `${where} answered something unreadable: ${(err as Error).message}`);
    }
    this.deps.tracker.reconcile(this.source.name, this.source.app, snaps, this.deps.clock.now());
  }

  startSocket(logger: Logger = this.deps.logger): void {
    if (this.socket) return;
    const base = new URL(this.source.url ?? '');
    if (base.protocol === 'https:' && !this.source.verifyTls) {
      logger.info(`The ${this.source.app} socket of ${this.source.name} is off with verifyTls: false; polling only.`);
      return;
    }
    this.socket = new ReconnectingSocket({
      ...this.socketTiming,
      label: `${this.source.app === 'emby' ? 'Emby' : 'Jellyfin'} session messages of ${this.source.name}`,
      logger,
      url: () => {
        // Emby's socket lives beside its API prefix, Jellyfin's at /socket.
        const u = new URL(this.source.url ?? '');
        const prefix = u.pathname.replace(/\/+$/, '').replace(/\/emby$/i, '');
        u.pathname = `${prefix}/${this.source.app === 'emby' ? 'embywebsocket' : 'socket'}`;
        u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
        if (this.source.apiKey)
          u.searchParams.set(this.source.app === 'emby' ? 'api_key' : 'ApiKey', this.source.apiKey);
        u.searchParams.set('deviceId', this.deviceId);
        return u;
      },
      onOpen: (send) => send(JSON.stringify({ MessageType: 'SessionsStart', Data: '0,1500' })),
      onMessage: (data, send) => this.handleMessage(data, send),
      onClose: () => this.clearKeepAlive(),
    });
    this.socket.start();
  }

  stopSocket(): void {
    this.clearKeepAlive();
    this.socket?.stop();
    this.socket = undefined;
  }

  /** `Sessions` carries the full list; `ForceKeepAlive` asks for a `KeepAlive` within its timeout (seconds). */
  handleMessage(data: string, send: (data: string) => void): void {
    const msg = obj(JSON.parse(data) as unknown);
    const type = str(msg.MessageType);
    if (type === 'Sessions') {
      this.reconcile(msg.Data, `${this.label} socket`);
    } else if (type === 'ForceKeepAlive') {
      const seconds = num(msg.Data) ?? 60;
      this.clearKeepAlive();
      send(JSON.stringify({ MessageType: 'KeepAlive' }));
      this.keepAlive = setInterval(
        () => send(JSON.stringify({ MessageType: 'KeepAlive' })),
        Math.max(1000, (seconds * 1000) / 2),
      );
    }
  }

  private clearKeepAlive(): void {
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}
