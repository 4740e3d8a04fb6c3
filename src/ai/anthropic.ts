/**
 * Anthropic Messages API (`POST {url}/v1/messages`). Structured output through one forced tool: `tools:
 * [{name, input_schema}]` with `tool_choice: {type: "tool", name}`; the answer is the `tool_use` block's `input`.
 * Streaming is SSE: `message_start` (input usage), `content_block_delta` with `input_json_delta.partial_json`,
 * `message_delta` (output usage), `message_stop`; an `error` event fails the call.
 */
import { hostOf, joinUrl, postJson, readJson, readSse, sseJson } from './http.ts';
import { type AiProvider, type ChatRequest, type ChatResult, ProviderError, type ProviderOptions } from './types.ts';

const TOOL = 'report_issue_analysis';
const API_VERSION = '2023-06-01';

interface Message {
  model?: string;
  content?: Array<{ type: string; name?: string; input?: unknown; text?: string }>;
  usage?: { input_tokens?: number; output_tokens?: number };
  stop_reason?: string;
}

interface StreamEvent {
  type?: string;
  message?: Message;
  delta?: { type?: string; partial_json?: string; text?: string };
  usage?: { output_tokens?: number };
  error?: { type?: string; message?: string };
}

export class AnthropicProvider implements AiProvider {
  readonly name = 'anthropic';
  readonly url: string;
  private readonly opts: ProviderOptions;

  constructor(opts: ProviderOptions) {
    this.opts = opts;
    this.url = joinUrl(opts.url, 'v1/messages');
  }

  body(req: ChatRequest): Record<string, unknown> {
    return {
      model: this.opts.model,
      max_tokens: req.maxOutputTokens,
      system: req.system,
      messages: req.messages,
      tools: [{ name: TOOL, description: 'Report the analysis of the issue.', input_schema: req.schema }],
      tool_choice: { type: 'tool', name: TOOL },
      temperature: 0.2,
      stream: req.stream,
    };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const headers: Record<string, string> = { 'anthropic-version': API_VERSION };
    if (this.opts.apiKey) headers['x-api-key'] = this.opts.apiKey;
    const res = await postJson(this.url, headers, this.body(req), req.signal, this.opts.now);
    if (!req.stream) {
      const m = (await readJson(res)) as Message;
      const block = m.content?.find((b) => b.type === 'tool_use' && b.name === TOOL);
      // A model that ignored the forced tool and wrote text still gets its chance at validation and repair.
      const text = block ? JSON.stringify(block.input) : m.content?.find((b) => b.type === 'text')?.text;
      if (typeof text !== 'string') throw new ProviderError('the answer has no tool_use block', { retryable: true });
      return {
        text,
        model: m.model ?? this.opts.model,
        inputTokens: m.usage?.input_tokens ?? 0,
        outputTokens: m.usage?.output_tokens ?? 0,
      };
    }
    let json = '';
    let text = '';
    let model = this.opts.model;
    let inputTokens = 0;
    let outputTokens = 0;
    let stopped = false;
    for await (const ev of readSse(res)) {
      const e = sseJson(ev.data) as StreamEvent;
      switch (e.type) {
        case 'message_start':
          model = e.message?.model ?? model;
          inputTokens = e.message?.usage?.input_tokens ?? 0;
          outputTokens = e.message?.usage?.output_tokens ?? 0;
          break;
        case 'content_block_delta':
          if (e.delta?.type === 'input_json_delta') json += e.delta.partial_json ?? '';
          else if (e.delta?.type === 'text_delta') text += e.delta.text ?? '';
          break;
        case 'message_delta':
          outputTokens = e.usage?.output_tokens ?? outputTokens;
          break;
        case 'message_stop':
          stopped = true;
          break;
        case 'error': {
          const overloaded = e.error?.type === 'overloaded_error';
          throw new ProviderError(`stream error: ${e.error?.type ?? 'unknown'} ${e.error?.message ?? ''}`.trim(), {
            retryable: overloaded || e.error?.type === 'api_error',
          });
        }
      }
    }
    if (!stopped) throw new ProviderError(`the stream from ${hostOf(this.url)} ended early`, { retryable: true });
    return { text: json || text, model, inputTokens, outputTokens };
  }
}
