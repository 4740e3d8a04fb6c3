/**
 * The HTTP client every HTTP channel shares. node:http rather than fetch because a delivery needs what fetch hides
 * or cannot do without undici internals: the socket error code (DNS, refused, TLS) for the exact failure reason,
 * per-target TLS verification, and the `Retry-After` header on failures. Error messages name the host only: channel
 * URLs carry tokens in their paths.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DeliveryError, type FailureKind } from './types.ts';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  verifyTls?: boolean;
  /** Now, for `Retry-After` written as a date. */
  now: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/** Sends one request; resolves with any HTTP answer, rejects with a DeliveryError when there is none. */
export function send(url: URL, opts: HttpOptions): Promise<HttpResponse> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
  const headers: Record<string, string> = { 'user-agent': 'Arrgus', ...opts.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    if (opts.signal.aborted) {
      reject(abortError(url, opts.signal));
      return;
    }
    const req = request(url, {
      method: opts.method ?? 'POST',
      headers,
      signal: opts.signal,
      rejectUnauthorized: opts.verifyTls ?? true,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (err) => reject(classifySocketError(url, err, opts.signal)));
    });
    req.on('error', (err) => reject(classifySocketError(url, err, opts.signal)));
    req.end(body);
  });
}

/** Turns a non-2xx answer into a DeliveryError; `detail` is the service's own error text when it has one. */
export function failFromStatus(
  service: string,
  res: HttpResponse,
  now: number,
  detail?: string,
  retryAfterFallbackMs?: number,
): DeliveryError {
  const s = res.status;
  const why = detail ? `: ${detail.slice(0, 200)}` : '';
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now) ?? retryAfterFallbackMs;
  const init = (kind: FailureKind, permanent = false) => ({
    kind,
    status: s,
    permanent,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  if (s === 401 || s === 403)
    return new DeliveryError(`${service} refused the credentials (HTTP ${s})${why}`, init('auth'));
  if (s === 404) return new DeliveryError(`${service} has no such endpoint (HTTP 404)${why}`, init('not-found'));
  if (s === 413)
    return new DeliveryError(`${service} found the message too large (HTTP 413)${why}`, init('too-large', true));
  if (s === 429) return new DeliveryError(`${service} is rate limiting (HTTP 429)${why}`, init('rate-limited'));
  if (s === 408) return new DeliveryError(`${service} timed out reading the request (HTTP 408)${why}`, init('timeout'));
  if (s >= 500) return new DeliveryError(`${service} failed (HTTP ${s})${why}`, init('server'));
  // 400, 422 and friends: the payload itself is refused, so sending it again cannot help.
  return new DeliveryError(`${service} rejected the message (HTTP ${s})${why}`, init('rejected', s >= 400));
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Reads a JSON error body's message field, if the body is JSON and has one. */
export function jsonErrorText(text: string, ...keys: string[]): string | undefined {
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    for (const k of keys) {
      const v = data[k];
      if (typeof v === 'string' && v) return v;
    }
  } catch {
    // Not JSON: the caller falls back to the raw text.
    return text.trim() || undefined;
  }
  return undefined;
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)|ALTNAME|EPROTO/i;

export function classifySocketError(url: URL, err: unknown, signal?: AbortSignal): DeliveryError {
  if (signal?.aborted) return abortError(url, signal);
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const host = url.host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new DeliveryError(`DNS: cannot resolve ${url.hostname} (${code})`, { kind: 'dns', cause: err });
  }
  if (code === 'ECONNREFUSED') {
    return new DeliveryError(`connection refused by ${host}`, { kind: 'refused', cause: err });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new DeliveryError(`${host} is unreachable (${code})`, { kind: 'unreachable', cause: err });
  }
  if (code === 'ETIMEDOUT')
    return new DeliveryError(`timed out connecting to ${host}`, { kind: 'timeout', cause: err });
  if (TLS_CODE.test(code) || /certificate|ssl|tls/i.test(e.message)) {
    return new DeliveryError(`TLS: ${e.message}${code ? ` (${code})` : ''} talking to ${host}`, {
      kind: 'tls',
      cause: err,
    });
  }
  return new DeliveryError(`network error talking to ${host}: ${e.message}${code ? ` (${code})` : ''}`, {
    kind: 'network',
    cause: err,
  });
}

function abortError(url: URL, signal: AbortSignal): DeliveryError {
  const reason: unknown = signal.reason;
  if (reason instanceof DeliveryError) return reason;
  return new DeliveryError(`no answer from ${url.host} in time`, { kind: 'timeout', cause: reason });
}
