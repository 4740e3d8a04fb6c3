/**
 * Ollama through the `ollama` package (the only importer of it, house rule 4): `/api/chat` with `format` set to the
 * answer's JSON Schema, streamed (NDJSON chunks, usage in the `done` chunk) or not. The package takes a `fetch`; ours
 * adds the call's abort signal (the package only aborts streams), turns error answers into ProviderError with
 * Retry-After before the package sees them, and bounds the body.
 */
import { Ollama } from 'ollama';
import { fetchFailure, MAX_BODY_BYTES, statusError } from './http.ts';
import { type AiProvider, type ChatRequest, type ChatResult, ProviderError, type ProviderOptions } from './types.ts';

export class OllamaProvider implements AiProvider {
  readonly name = 'ollama';
  readonly url: string;
  private readonly opts: ProviderOptions;

  constructor(opts: ProviderOptions) {
    this.opts = opts;
    this.url = `${opts.url.replace(/\/+$/, '')}/api/chat`;
  }

  body(req: ChatRequest) {
    return {
      model: this.opts.model,
      messages: [{ role: 'system', content: req.system as string }, ...req.messages],
      format: req.schema,
      options: { temperature: 0.2, num_predict: req.maxOutputTokens },
    };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const client = new Ollama({
      host: this.opts.url,
      fetch: this.fetchFor(req.signal),
      ...(this.opts.apiKey ? { headers: { authorization: `Bearer ${this.opts.apiKey}` } } : {}),
    });
    try {
      if (!req.stream) {
        const r = await client.chat({ ...this.body(req), stream: false });
        if (typeof r?.message?.content !== 'string') {
          throw new ProviderError('the answer has no message content', { retryable: true });
        }
        return {
          text: r.message.content,
          model: r.model ?? this.opts.model,
          inputTokens: r.prompt_eval_count ?? 0,
          outputTokens: r.eval_count ?? 0,
        };
      }
      const stream = await client.chat({ ...this.body(req), stream: true });
      let text = '';
      let model = this.opts.model;
      let inputTokens = 0;
      let outputTokens = 0;
      for await (const part of stream) {
        text += part.message?.content ?? '';
        model = part.model ?? model;
        if (part.done) {
          inputTokens = part.prompt_eval_count ?? 0;
          outputTokens = part.eval_count ?? 0;
        }
      }
      return { text, model, inputTokens, outputTokens };
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      if (err instanceof SyntaxError) {
        throw new ProviderError('Ollama answered something that is not JSON', { retryable: true });
      }
      // The package's own errors: a stream `{"error":...}` line, or a stream that ended without `done`.
      if (err instanceof Error && err.name !== 'AbortError' && err.name !== 'TimeoutError') {
        throw new ProviderError(`Ollama: ${err.message.slice(0, 300)}`, { retryable: true });
      }
      throw fetchFailure(err, this.url);
    }
  }

  private fetchFor(signal: AbortSignal): typeof fetch {
    const now = this.opts.now;
    const url = this.url;
    return async (input, init) => {
      let res: Response;
      try {
        res = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      } catch (err) {
        throw fetchFailure(err, url);
      }
      if (!res.ok) throw await statusError(res, now);
      return bounded(res);
    };
  }
}

/** The same response with a body that errors past MAX_BODY_BYTES. */
function bounded(res: Response): Response {
  if (!res.body) return res;
  let bytes = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      bytes += chunk.byteLength;
      if (bytes > MAX_BODY_BYTES) {
        ctl.error(new ProviderError(`answer larger than ${MAX_BODY_BYTES} bytes`, { retryable: false }));
        return;
      }
      ctl.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(limit), { status: res.status, headers: res.headers });
}
