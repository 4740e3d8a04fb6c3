/**
 * qBittorrent's Web API v2. It logs in with a form post (`auth/login` answers `Ok.` or `Fails.` with HTTP 200, and a
 * session cookie) unless no user name is configured (the "bypass authentication for localhost/whitelisted subnets"
 * setup). States read each poll: the connection status (`disconnected` or `firewalled`) and the torrents in error
 * (`missingFiles`, `error`); more than a few become one problem, so an unmounted drive is one issue, not hundreds.
 */
import type { SourceConfig } from '../config/sources.ts';
import { list, obj, str } from '../core/loose-json.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { ApiError, apiLabel, expectOk, type HttpResponse, type JsonClient, parseJson } from './api-http.ts';
import { type ApiPollerDeps, syncProblems } from './api-poller.ts';
import { clip } from './arr-api.ts';
import { sourceClient } from './source-client.ts';

const MAX_SINGLE = 10;

export class QbittorrentApi {
  private readonly deps: ApiPollerDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private readonly label: string;
  private cookie: string | undefined;

  constructor(deps: ApiPollerDeps, source: SourceConfig, opts: { timeoutMs?: number } = {}) {
    this.deps = deps;
    this.source = source;
    this.label = apiLabel(source.app, source.url ?? '');
    this.client = sourceClient(source, { timeoutMs: opts.timeoutMs });
  }

  async poll(signal: AbortSignal): Promise<void> {
    const info = obj(await this.get('api/v2/transfer/info', signal, {}));
    const torrents = await this.get('api/v2/torrents/info', signal, { filter: 'errored' });
    const at = this.deps.clock.now();
    syncProblems(this.deps, this.source.name, 'state', this.connectionProblems(info), at);
    syncProblems(this.deps, this.source.name, 'torrent', this.torrentProblems(torrents), at);
  }

  connectionProblems(info: Record<string, unknown>): ExternalProblem[] {
    const status = str(info.connection_status);
    if (status !== 'disconnected' && status !== 'firewalled') return [];
    const down = status === 'disconnected';
    return [
      {
        key: 'state:connection',
        source: this.source.name,
        app: this.source.app,
        title: down ? 'qBittorrent has no network connection' : 'qBittorrent is firewalled',
        message: down
          ? 'qBittorrent reports its connection status as disconnected: nothing downloads or seeds.'
          : 'qBittorrent reports its connection status as firewalled: peers cannot connect in, which slows downloads.',
        category: 'download-client',
        severity: down ? 'high' : 'low',
      },
    ];
  }

  torrentProblems(body: unknown): ExternalProblem[] {
    if (!Array.isArray(body)) throw new Error('torrents/info: expected a JSON array');
    const bad = list(body).filter((t) => {
      const s = str(t.state);
      return s === 'error' || s === 'missingFiles';
    });
    const base = { source: this.source.name, app: this.source.app, category: 'download-client' };
    if (bad.length > MAX_SINGLE) {
      const missing = bad.filter((t) => str(t.state) === 'missingFiles').length;
      return [
        {
          ...base,
          key: 'torrent:many',
          title: `${bad.length} qBittorrent torrents are in error`,
          message: `${bad.length} torrents in error, ${missing} of them with missing files (an unmounted download drive?). First: ${bad
            .slice(0, 5)
            .map((t) => str(t.name) ?? '?')
            .join(', ')}.`,
          severity: 'high',
        },
      ];
    }
    return bad.map((t) => {
      const name = str(t.name) ?? 'unknown torrent';
      const missing = str(t.state) === 'missingFiles';
      return {
        ...base,
        key: `torrent:${str(t.hash) ?? name}`,
        title: `qBittorrent torrent ${missing ? 'has missing files' : 'is in error'}: ${clip(name, 160)}`,
        message: `${name} is in state ${str(t.state)}${str(t.save_path) ? ` (save path ${str(t.save_path)})` : ''}.`,
        severity: 'medium',
      };
    });
  }

  private async get(path: string, signal: AbortSignal, query: Record<string, string>): Promise<unknown> {
    if (!this.cookie && this.source.username) await this.login(signal);
    let res = await this.request(path, signal, query);
    // The session cookie expires (or qBittorrent restarted): log in again once.
    if (res.status === 403 && this.source.username) {
      this.cookie = undefined;
      await this.login(signal);
      res = await this.request(path, signal, query);
    }
    const where = `${this.label} /${path}`;
    return parseJson(expectOk(res, where), where);
  }

  private request(path: string, signal: AbortSignal, query: Record<string, string>): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.Cookie = this.cookie;
    return this.client.raw(path, signal, { url: this.client.url(path, query), headers });
  }

  private async login(signal: AbortSignal): Promise<void> {
    const url = this.client.url('api/v2/auth/login');
    const body = new URLSearchParams({
      username: this.source.username ?? '',
      password: this.source.password ?? '',
    }).toString();
    const res = await this.client.raw('api/v2/auth/login', signal, {
      url,
      method: 'POST',
      body,
      // qBittorrent's CSRF check compares Referer/Origin with its own host.
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: url.origin, Origin: url.origin },
    });
    const where = `${this.label} login`;
    if (res.status === 403) {
      throw new ApiError('unauthorized', `${where} was refused: too many failed logins, the IP is banned`, 403);
    }
    expectOk(res, where);
    if (res.text.trim() !== 'Ok.') throw new ApiError('unauthorized', `${where} failed: wrong user name or password`);
    const set = res.headers['set-cookie'] ?? [];
    const pair = set.map((c) => c.split(';')[0] ?? '').find((c) => c.includes('='));
    if (!pair) throw new ApiError('invalid', `${where} succeeded but set no session cookie`);
    this.cookie = pair;
  }
}
