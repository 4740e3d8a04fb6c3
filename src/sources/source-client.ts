/** The HTTP client every API source builds the same way from its configuration. */
import type { SourceConfig } from '../config/sources.ts';
import { apiLabel, JsonClient } from './api-http.ts';

export interface SourceClientOptions {
  /** Per-request timeout; 15 s when omitted (a busy NAS answers slowly, a dead one should not stall a poll long). */
  timeoutMs?: number | undefined;
  /** The service's credentials and identification headers. */
  headers?: Record<string, string>;
  /** When the API lives under another path than the configured URL (Emby's `/emby`). */
  baseUrl?: string;
}

/** A JSON client at the source's URL with its TLS setting, named in errors as `<App> API at <origin>`. */
export function sourceClient(source: SourceConfig, opts: SourceClientOptions = {}): JsonClient {
  return new JsonClient({
    baseUrl: opts.baseUrl ?? source.url ?? '',
    verifyTls: source.verifyTls,
    headers: opts.headers ?? {},
    timeoutMs: opts.timeoutMs ?? 15_000,
    label: apiLabel(source.app, source.url ?? ''),
  });
}
