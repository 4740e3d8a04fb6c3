/**
 * OpenAI-compatible chat completions (`POST {url}/chat/completions`): OpenAI, LM Studio, llama.cpp server, vLLM.
 * Structured output through `response_format: {type: "json_schema", json_schema: {name, strict, schema}}`; streaming
 * is SSE `data: {chunk}` lines ending with `data: [DONE]`, usage in the last chunk when
 * `stream_options.include_usage` is set.
 */
import { hostOf, joinUrl, postJson, readJson, readSse, sseJson } from './http.ts';
import { type AiProvider, type ChatRequest, type ChatResult, ProviderError, type ProviderOptions } from './types.ts';

interface Completion {
  model?: string;
  choices?: Array<{
    message?: { content?: string | null; refusal?: string | null };
    delta?: { content?: string | null; refusal?: string | null };
    finish_reason?: string | null;
  }> | null;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

export class OpenAiProvider implements AiProvider {
  readonly name = 'openai';
  readonly url: string;
  private readonly opts: ProviderOptions;
  private readonly official: boolean;

  constructor(opts: ProviderOptions) {
    this.opts = opts;
    this.url = joinUrl(opts.url, 'chat/completions');
    this.official = hostOf(this.url) === 'api.openai.com';
  }

  /** The request body, exported for the preview and the tests. */
  body(req: ChatRequest): Record<string, unknown> {
    return {
      model: this.opts.model,
      messages: [{ role: 'system', content: req.system }, ...req.messages],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'issue_analysis', strict: true, schema: req.schema },
      },
      // OpenAI's newer models refuse `max_tokens`; the compatible servers (LM Studio, llama.cpp, vLLM) know only it.
      ...(this.official ? { max_completion_tokens: req.maxOutputTokens } : { max_tokens: req.maxOutputTokens }),
      temperature: 0.2,
      stream: req.stream,
      ...(req.stream ? { stream_options: { include_usage: true } } : {}),
    };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const headers: Record<string, string> = this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {};
    const res = await postJson(this.url, headers, this.body(req), req.signal, this.opts.now);
    if (!req.stream) {
      const j = (await readJson(res)) as Completion;
      const choice = j.choices?.[0];
      if (choice?.message?.refusal) throw refused(choice.message.refusal);
      const text = choice?.message?.content;
      if (typeof text !== 'string') throw new ProviderError('the answer has no message content', { retryable: true });
      return result(j, text, this.opts.model);
    }
    let text = '';
    let model = this.opts.model;
    let usage: Completion['usage'] = null;
    let done = false;
    for await (const ev of readSse(res)) {
      if (ev.data === '[DONE]') {
        done = true;
        break;
      }
      const chunk = sseJson(ev.data) as Completion;
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices?.[0]?.delta;
      if (delta?.refusal) throw refused(delta.refusal);
      if (typeof delta?.content === 'string') text += delta.content;
    }
    if (!done) throw new ProviderError(`the stream from ${hostOf(this.url)} ended before [DONE]`, { retryable: true });
    return result({ model, usage }, text, this.opts.model);
  }
}

function result(j: Completion, text: string, fallbackModel: string): ChatResult {
  return {
    text,
    model: j.model ?? fallbackModel,
    inputTokens: j.usage?.prompt_tokens ?? 0,
    outputTokens: j.usage?.completion_tokens ?? 0,
  };
}

function refused(why: string): ProviderError {
  return new ProviderError(`the model refused: ${why.slice(0, 200)}`, { retryable: false });
}
