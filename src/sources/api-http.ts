/**
 * HTTP for the API pollers, on `node:http`/`node:https` rather than global fetch: a source may turn TLS verification
 * off for a self-signed certificate (`rejectUnauthorized: false`, which fetch cannot do without undici's Agent), and
 * the socket error codes tell "refused", "DNS" and "timeout" apart for the connectivity problem. Answers are capped
 * in size; every failure is an `ApiError` whose message is safe to log (URLs redacted).
 */

import http from 'node:http';
import https from 'node:https';
import { redact } from '../core/redact.ts';
import { appLabel } from '../core/types.ts';

export type ApiErrorKind = 'refused' | 'dns' | 'timeout' | 'unauthorized' | 'tls' | 'http' | 'invalid' | 'network';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  constructor(kind: ApiErrorKind, message: string, status?: number) {
    super(redact(message));
    this.name = 'ApiError';
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

export interface HttpRequest {
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  verifyTls: boolean;
  signal?: AbortSignal;
  /** Largest answer read; default 16 MiB. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const max = req.maxBytes ?? 16 * 1024 * 1024;
  const where = redact(`${req.url.origin}${req.url.pathname}`);
  return new Promise((resolve, reject) => {
    const lib = req.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'Arrgus', ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    let settled = false;
    const fail = (e: ApiError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      r.destroy();
      reject(e);
    };
    const r = lib.request(
      req.url,
      { method: req.method ?? 'GET', headers, ...(lib === https ? { rejectUnauthorized: req.verifyTls } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) fail(new ApiError('invalid', `${where} answered more than ${max} bytes`));
          else chunks.push(c);
        });
        res.on('error', (err) => fail(classify(err, where)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.signal?.removeEventListener('abort', onAbort);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(
      () => fail(new ApiError('timeout', `${where} did not answer within ${req.timeoutMs} ms`)),
      req.timeoutMs,
    );
    const onAbort = (): void => fail(new ApiError('timeout', `the request to ${where} was cancelled`));
    if (req.signal?.aborted) onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('error', (err) => fail(classify(err, where)));
    r.end(req.body);
  });
}

/** Turns a status into an ApiError (401/403 → unauthorized, others → http) or returns the response. */
export function expectOk(res: HttpResponse, where: string): HttpResponse {
  if (res.status >= 200 && res.status < 300) return res;
  if (res.status === 401 || res.status === 403) {
    throw new ApiError('unauthorized', `${where} refused the credentials (HTTP ${res.status})`, res.status);
  }
  throw new ApiError('http', `${where} answered HTTP ${res.status}`, res.status);
}

export function parseJson(res: HttpResponse, where: string): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    const ct = String(res.headers['content-type'] ?? 'unknown');
    throw new ApiError('invalid', `${where} answered something that is not JSON (content type ${ct})`);
  }
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

function classify(err: Error & { code?: string }, where: string): ApiError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return new ApiError('refused', `${where} refused the connection`);
  if (DNS.has(code)) return new ApiError('dns', `the name of ${where} does not resolve (${code})`);
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new ApiError('timeout', `${where} did not answer in time (${code})`);
  }
  if (TLS.test(code))
    return new ApiError(
      'tls',
      `TLS with ${where} failed (${code}); set verifyTls: false for a self-signed certificate`,
    );
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new ApiError('refused', `${where} is unreachable (${code})`);
  return new ApiError('network', `the connection to ${where} failed: ${code || err.message}`);
}

export interface JsonClientOptions {
  baseUrl: string;
  verifyTls: boolean;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** How the API is named in error messages. */
  label: string;
}

/** GETs JSON under a base URL (which may carry a path prefix, e.g. behind a reverse proxy at `/sonarr`). */
export class JsonClient {
  private readonly opts: JsonClientOptions;
  constructor(opts: JsonClientOptions) {
    this.opts = opts;
  }

  url(path: string, query: Record<string, string> = {}): URL {
    const base = new URL(this.opts.baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const u = new URL(`${prefix}/${path.replace(/^\/+/, '')}`, base);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  }

  async raw(path: string, signal: AbortSignal, init: Partial<HttpRequest> = {}): Promise<HttpResponse> {
    return httpRequest({
      timeoutMs: this.opts.timeoutMs,
      verifyTls: this.opts.verifyTls,
      signal,
      ...init,
      url: init.url ?? this.url(path),
      headers: { Accept: 'application/json', ...this.opts.headers, ...init.headers },
    });
  }

  async get(path: string, signal: AbortSignal, query: Record<string, string> = {}): Promise<unknown> {
    const where = `${this.opts.label} /${path.replace(/^\/+/, '')}`;
    const res = await this.raw(path, signal, { url: this.url(path, query) });
    return parseJson(expectOk(res, where), where);
  }
}

/** `Sonarr API at http://sonarr:8989` (origin only: no path, query or credentials). */
export function apiLabel(app: string, url: string): string {
  const origin = URL.canParse(url) ? new URL(url).origin : url;
  return `${appLabel(app)} API at ${redact(origin)}`;
}
