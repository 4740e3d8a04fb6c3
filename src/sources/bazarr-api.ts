/**
 * Bazarr's API (`/api/...`, `X-API-KEY` header): `system/health` lists what Bazarr finds wrong (`{object, issue}`),
 * `providers` lists the subtitle providers it has throttled after errors. Both are states reconciled with the issue
 * tracker.
 */
import type { SourceConfig } from '../config/sources.ts';
import { list, obj, str } from '../core/loose-json.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { ApiError, type JsonClient } from './api-http.ts';
import { type ApiPollerDeps, syncProblems } from './api-poller.ts';
import { clip } from './arr-api.ts';
import { sourceClient } from './source-client.ts';

export class BazarrApi {
  private readonly deps: ApiPollerDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private providersMissing = false;

  constructor(deps: ApiPollerDeps, source: SourceConfig, opts: { timeoutMs?: number } = {}) {
    this.deps = deps;
    this.source = source;
    const headers: Record<string, string> = {};
    if (source.apiKey) headers['X-API-KEY'] = source.apiKey;
    this.client = sourceClient(source, { headers, timeoutMs: opts.timeoutMs });
  }

  async poll(signal: AbortSignal): Promise<void> {
    const health = await this.client.get('api/system/health', signal);
    syncProblems(this.deps, this.source.name, 'health', this.healthProblems(health), this.deps.clock.now());
    if (this.providersMissing) return;
    try {
      const providers = await this.client.get('api/providers', signal);
      syncProblems(this.deps, this.source.name, 'provider', this.providerProblems(providers), this.deps.clock.now());
    } catch (err) {
      // Older Bazarr versions have no providers endpoint: stop asking rather than fail every poll.
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      this.providersMissing = true;
    }
  }

  healthProblems(body: unknown): ExternalProblem[] {
    const data = obj(body).data;
    if (!Array.isArray(data)) throw new Error('system/health: expected `data` to be an array');
    return list(data).map((d, i) => {
      const object = str(d.object) ?? `item ${i + 1}`;
      const issue = str(d.issue) ?? 'reported a problem';
      return {
        key: `health:${object}`,
        source: this.source.name,
        app: this.source.app,
        title: `Bazarr: ${clip(`${object}: ${issue}`, 200)}`,
        message: `${object}: ${issue}`,
        category: 'health',
        severity: 'medium',
      };
    });
  }

  providerProblems(body: unknown): ExternalProblem[] {
    const data = obj(body).data;
    if (!Array.isArray(data)) throw new Error('providers: expected `data` to be an array');
    const out: ExternalProblem[] = [];
    for (const p of list(data)) {
      const name = str(p.name);
      if (!name) continue;
      const status = str(p.status) ?? 'throttled';
      const retry = str(p.retry);
      out.push({
        key: `provider:${name}`,
        source: this.source.name,
        app: this.source.app,
        title: `Bazarr throttled the subtitle provider ${name}`,
        message: `${name}: ${status}${retry ? `; retry at ${retry}` : ''}`,
        category: 'provider',
        severity: 'low',
      });
    }
    return out;
  }
}
