/**
 * The *arr APIs: Sonarr, Radarr and Whisparr under `/api/v3`, Lidarr, Readarr and Prowlarr under `/api/v1`, with the
 * `X-Api-Key` header. Each poll reads `health` (what the app itself thinks is wrong), the download `queue` (items
 * stuck with warnings or errors) and, for Prowlarr, the indexers it has disabled after failures. All three are
 * states: they are reconciled with the issue tracker, which opens what appeared and resolves what vanished.
 */
import type { SourceConfig } from '../config/sources.ts';
import { list, num, obj, str } from '../core/loose-json.ts';
import type { ExternalProblem } from '../core/ports.ts';
import type { Severity } from '../core/types.ts';
import { appLabel } from '../core/types.ts';
import type { JsonClient } from './api-http.ts';
import { type ApiPollerDeps, syncProblems } from './api-poller.ts';
import { sourceClient } from './source-client.ts';

const V3 = new Set(['sonarr', 'radarr', 'whisparr']);
export const ARR_APPS = ['sonarr', 'radarr', 'whisparr', 'lidarr', 'readarr', 'prowlarr'] as const;

export interface ArrApiOptions {
  /** A queue item counts as stuck once flagged this long; default 10 min (downloads flap through short warnings). */
  stuckAfterMs?: number;
  timeoutMs?: number;
}

export interface ArrInfo {
  appName?: string;
  instanceName?: string;
  version?: string;
}

export class ArrApi {
  private readonly deps: ApiPollerDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private readonly stuckAfterMs: number;
  private readonly flaggedSince = new Map<string, number>();
  private readonly indexerNames = new Map<number, string>();
  private polls = 0;
  info: ArrInfo = {};

  constructor(deps: ApiPollerDeps, source: SourceConfig, opts: ArrApiOptions = {}) {
    this.deps = deps;
    this.source = source;
    this.stuckAfterMs = opts.stuckAfterMs ?? 600_000;
    const headers: Record<string, string> = {};
    if (source.apiKey) headers['X-Api-Key'] = source.apiKey;
    this.client = sourceClient(source, { headers, timeoutMs: opts.timeoutMs });
  }

  private get prefix(): string {
    return V3.has(this.source.app) ? 'api/v3' : 'api/v1';
  }

  private get appLabel(): string {
    return appLabel(this.source.app);
  }

  async poll(signal: AbortSignal): Promise<void> {
    if (this.polls++ % 20 === 0) {
      const s = obj(await this.client.get(`${this.prefix}/system/status`, signal));
      this.info = {};
      for (const k of ['appName', 'instanceName', 'version'] as const) {
        const v = str(s[k]);
        if (v) this.info[k] = v;
      }
    }
    const health = await this.client.get(`${this.prefix}/health`, signal);
    const at = this.deps.clock.now();
    syncProblems(this.deps, this.source.name, 'health', this.healthProblems(health), at);
    if (this.source.app === 'prowlarr') {
      const status = await this.client.get(`${this.prefix}/indexerstatus`, signal);
      const problems = await this.indexerProblems(status, signal);
      syncProblems(this.deps, this.source.name, 'indexer', problems, this.deps.clock.now());
      return;
    }
    const queue = await this.client.get(`${this.prefix}/queue`, signal, {
      page: '1',
      pageSize: '200',
      includeUnknownSeriesItems: 'true',
      includeUnknownMovieItems: 'true',
    });
    const now = this.deps.clock.now();
    syncProblems(this.deps, this.source.name, 'queue', this.queueProblems(queue, now), now);
  }

  healthProblems(body: unknown): ExternalProblem[] {
    if (!Array.isArray(body)) throw new Error('health: expected a JSON array');
    const seen = new Map<string, number>();
    const out: ExternalProblem[] = [];
    for (const item of list(body)) {
      const type = (str(item.type) ?? 'warning').toLowerCase();
      if (type === 'ok') continue;
      const check = str(item.source) ?? 'Unknown';
      const n = (seen.get(check) ?? 0) + 1;
      seen.set(check, n);
      const message = str(item.message) ?? `${check} reports a problem`;
      const wiki = str(item.wikiUrl);
      out.push({
        key: `health:${check}${n > 1 ? `:${n}` : ''}`,
        source: this.source.name,
        app: this.source.app,
        title: `${this.appLabel}: ${clip(message, 200)}`,
        message: wiki ? `${message} (see ${wiki})` : message,
        category: 'health',
        severity: type === 'error' ? 'high' : type === 'notice' ? 'low' : 'medium',
      });
    }
    return out;
  }

  /** Items flagged warning/error, one problem per download (a season pack is many records, one download). */
  queueProblems(body: unknown, at: number): ExternalProblem[] {
    const records = Array.isArray(body) ? list(body) : list(obj(body).records);
    if (!Array.isArray(body) && !Array.isArray(obj(body).records)) throw new Error('queue: expected `records`');
    const flagged = new Map<string, { title: string; messages: string[]; severity: Severity }>();
    for (const r of records) {
      const tracked = (str(r.trackedDownloadStatus) ?? 'ok').toLowerCase();
      const status = (str(r.status) ?? '').toLowerCase();
      const error = str(r.errorMessage);
      if (tracked === 'ok' && status !== 'warning' && status !== 'failed' && !error) continue;
      const key = `queue:${str(r.downloadId) ?? str(r.id) ?? str(r.title)}`;
      const entry = flagged.get(key) ?? { title: str(r.title) ?? 'Unknown download', messages: [], severity: 'medium' };
      if (tracked === 'error' || status === 'failed') entry.severity = 'high';
      for (const sm of list(r.statusMessages)) {
        for (const m of Array.isArray(sm.messages) ? sm.messages : []) {
          if (typeof m === 'string' && !entry.messages.includes(m)) entry.messages.push(m);
        }
      }
      if (error && !entry.messages.includes(error)) entry.messages.push(error);
      const state = str(r.trackedDownloadState);
      if (entry.messages.length === 0 && state) entry.messages.push(`state ${state}`);
      flagged.set(key, entry);
    }
    for (const k of [...this.flaggedSince.keys()]) if (!flagged.has(k)) this.flaggedSince.delete(k);
    const out: ExternalProblem[] = [];
    for (const [key, e] of flagged) {
      const since = this.flaggedSince.get(key) ?? at;
      this.flaggedSince.set(key, since);
      if (at - since < this.stuckAfterMs) continue;
      out.push({
        key,
        source: this.source.name,
        app: this.source.app,
        title: `Stuck in the ${this.appLabel} queue: ${clip(e.title, 160)}`,
        message: e.messages.join(' ') || 'flagged with a warning',
        category: 'queue',
        severity: e.severity,
      });
    }
    return out;
  }

  private async indexerProblems(body: unknown, signal: AbortSignal): Promise<ExternalProblem[]> {
    if (!Array.isArray(body)) throw new Error('indexerstatus: expected a JSON array');
    const statuses = list(body);
    if (statuses.some((s) => !this.indexerNames.has(num(s.indexerId) ?? -1))) {
      for (const ix of list(await this.client.get(`${this.prefix}/indexer`, signal))) {
        const id = num(ix.id);
        const name = str(ix.name);
        if (id !== undefined && name) this.indexerNames.set(id, name);
      }
    }
    const out: ExternalProblem[] = [];
    for (const s of statuses) {
      const id = num(s.indexerId);
      if (id === undefined) continue;
      const name = this.indexerNames.get(id) ?? `indexer ${id}`;
      const until = str(s.disabledTill);
      const since = str(s.initialFailure) ?? str(s.mostRecentFailure);
      out.push({
        key: `indexer:${id}`,
        source: this.source.name,
        app: this.source.app,
        title: `Prowlarr disabled the indexer ${name} after failures`,
        message: [`${name} is disabled${until ? ` until ${until}` : ''}`, since ? `failing since ${since}` : '']
          .filter(Boolean)
          .join('; '),
        category: 'indexer',
        severity: 'medium',
      });
    }
    return out;
  }
}

export function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
