/**
 * Plain-fetch plumbing shared by the OpenAI, Anthropic and Gemini adapters: POST JSON with an abort signal, turn
 * error answers into `ProviderError` (Retry-After honoured, body redacted and cut), read bounded JSON bodies and
 * Server-Sent Events.
 */
import { redact } from '../core/redact.ts';
import { ProviderError } from './types.ts';

/** Largest answer body read (a model's JSON answer is a few KiB; a broken proxy must not fill memory). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  now: () => number,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    throw fetchFailure(err, url);
  }
  if (!res.ok) throw await statusError(res, now);
  return res;
}

/** A connection failure or an abort, as a retryable ProviderError. */
export function fetchFailure(err: unknown, url: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new ProviderError(`no answer from ${hostOf(url)} in time`, { retryable: true });
  }
  const why = e.cause?.code ?? e.cause?.message ?? e.message;
  return new ProviderError(`cannot reach ${hostOf(url)}: ${why}`, { retryable: true });
}

export async function statusError(res: Response, now: () => number): Promise<ProviderError> {
  let text = '';
  try {
    text = (await readText(res, 16 * 1024)).trim();
  } catch {
    // The status says enough; a body that cannot be read adds nothing.
  }
  const detail = errorDetail(text);
  const status = res.status;
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
  return new ProviderError(`HTTP ${status}${detail ? `: ${detail}` : ''}`, {
    status,
    retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** The message inside an error body (`{error:{message}}`, `{error:"..."}`), redacted and cut to 300 chars. */
function errorDetail(text: string): string {
  let msg = text;
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown };
    const e = j.error;
    if (typeof e === 'string') msg = e;
    else if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string')
      msg = (e as { message: string }).message;
    else if (typeof j.message === 'string') msg = j.message;
  } catch {
    // Not JSON: the text itself is the detail.
  }
  msg = redact(msg.replace(/\s+/g, ' '));
  return msg.length > 300 ? `${msg.slice(0, 297)}...` : msg;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3); returns ms from `now`, or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** Reads a body as text, failing past `max` bytes. */
export async function readText(res: Response, max = MAX_BODY_BYTES): Promise<string> {
  if (!res.body) return '';
  const decoder = new TextDecoder();
  let out = '';
  let bytes = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > max) throw new ProviderError(`answer larger than ${max} bytes`, { retryable: false });
    out += decoder.decode(chunk, { stream: true });
  }
  return out + decoder.decode();
}

export async function readJson(res: Response): Promise<unknown> {
  const text = await readText(res);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(`the provider answered something that is not JSON: ${preview(text)}`, {
      retryable: true,
    });
  }
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Server-Sent Events of a response body (WHATWG HTML §9.2 framing), bounded like `readText`. */
export async function* readSse(res: Response, max = MAX_BODY_BYTES): AsyncGenerator<SseEvent> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buf = '';
  let bytes = 0;
  let event = '';
  let data: string[] = [];
  const flushLine = function* (line: string): Generator<SseEvent> {
    if (line === '') {
      if (data.length) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > max) throw new ProviderError(`streamed answer larger than ${max} bytes`, { retryable: false });
    buf += decoder.decode(chunk, { stream: true });
    let nl = buf.search(/\r\n|\r|\n/);
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(buf[nl] === '\r' && buf[nl + 1] === '\n' ? nl + 2 : nl + 1);
      yield* flushLine(line);
      nl = buf.search(/\r\n|\r|\n/);
    }
  }
  buf += decoder.decode();
  if (buf) yield* flushLine(buf);
  yield* flushLine('');
}

/** Parses one SSE data field as JSON or fails as a malformed stream. */
export function sseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new ProviderError(`malformed event in the streamed answer: ${preview(data)}`, { retryable: true });
  }
}

export function preview(text: string): string {
  const t = redact(text.replace(/\s+/g, ' ').trim());
  return t.length > 120 ? `${t.slice(0, 117)}...` : t || '(empty)';
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the provider';
  }
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
