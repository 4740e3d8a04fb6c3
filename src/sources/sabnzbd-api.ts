/**
 * SABnzbd's API (`/api?mode=...&output=json&apikey=...`). It answers HTTP 200 even for a wrong key
 * (`{"status": false, "error": "API Key Incorrect"}`), so that body is read as a refused credential. States read each
 * poll: the warnings SABnzbd keeps (disk full, server errors, failed unpacks) from the last day, the same message
 * repeated counting once.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/sources.ts';
import { list, num, obj, str } from '../core/loose-json.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { ApiError, apiLabel, type JsonClient } from './api-http.ts';
import { type ApiPollerDeps, syncProblems } from './api-poller.ts';
import { clip } from './arr-api.ts';
import { sourceClient } from './source-client.ts';

const DAY = 86_400_000;
const MAX_WARNINGS = 20;

export class SabnzbdApi {
  private readonly deps: ApiPollerDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private readonly label: string;
  version: string | undefined;

  constructor(deps: ApiPollerDeps, source: SourceConfig, opts: { timeoutMs?: number } = {}) {
    this.deps = deps;
    this.source = source;
    this.label = apiLabel(source.app, source.url ?? '');
    this.client = sourceClient(source, { timeoutMs: opts.timeoutMs });
  }

  async poll(signal: AbortSignal): Promise<void> {
    const queue = obj(this.checked(await this.call('queue', signal, { limit: '1' })).queue);
    this.version = str(queue.version) ?? this.version;
    const warnings = this.checked(await this.call('warnings', signal));
    const at = this.deps.clock.now();
    syncProblems(this.deps, this.source.name, 'warning', this.warningProblems(warnings, at), at);
  }

  warningProblems(body: Record<string, unknown>, at: number): ExternalProblem[] {
    const raw = body.warnings;
    if (!Array.isArray(raw)) throw new Error('warnings: expected `warnings` to be an array');
    const byKey = new Map<string, ExternalProblem>();
    for (const w of raw) {
      const entry = readWarning(w);
      if (!entry) continue;
      if (entry.time !== undefined && entry.time < at - DAY) continue;
      // Numbers (sizes, times, counts) change between repeats of the same warning.
      const shape = entry.text.replace(/\d+/g, '#');
      const key = `warning:${createHash('sha1').update(shape).digest('hex').slice(0, 12)}`;
      byKey.set(key, {
        key,
        source: this.source.name,
        app: this.source.app,
        title: `SABnzbd: ${clip(entry.text, 200)}`,
        message: entry.text,
        category: 'download-client',
        severity: entry.type === 'ERROR' ? 'high' : 'medium',
      });
    }
    return [...byKey.values()].slice(-MAX_WARNINGS);
  }

  private call(mode: string, signal: AbortSignal, extra: Record<string, string> = {}): Promise<unknown> {
    const query: Record<string, string> = { mode, output: 'json', ...extra };
    if (this.source.apiKey) query.apikey = this.source.apiKey;
    return this.client.get('api', signal, query);
  }

  private checked(body: unknown): Record<string, unknown> {
    const o = obj(body);
    if (o.status === false) {
      const error = str(o.error) ?? 'unknown error';
      if (/api key/i.test(error)) throw new ApiError('unauthorized', `${this.label} refused the API key: ${error}`);
      throw new ApiError('http', `${this.label} answered an error: ${error}`);
    }
    return o;
  }
}

interface Warning {
  text: string;
  type: string;
  time?: number;
}

/** SABnzbd 3+ sends `{text, type, time}`; older versions a string `"date\nTYPE\ntext"`. */
function readWarning(w: unknown): Warning | undefined {
  if (typeof w === 'string') {
    const [, type, ...rest] = w.split('\n');
    const text = rest.join(' ').trim() || w.trim();
    return text ? { text, type: (type ?? 'WARNING').trim().toUpperCase() } : undefined;
  }
  const o = list([w])[0];
  const text = str(o?.text);
  if (!o || !text) return undefined;
  const out: Warning = { text, type: (str(o.type) ?? 'WARNING').toUpperCase() };
  const t = num(o.time);
  if (t !== undefined) out.time = t * 1000;
  return out;
}
