/**
 * Google Gemini `generateContent` (`POST {url}/models/{model}:generateContent`, key in `x-goog-api-key`).
 * Structured output through `generationConfig.responseMimeType: application/json` and `responseSchema` (Gemini's
 * OpenAPI subset: upper-case types, no `additionalProperties`). Streaming is `:streamGenerateContent?alt=sse`, each
 * event a whole GenerateContentResponse whose text parts are concatenated; usage is in the last `usageMetadata`.
 */
import { joinUrl, postJson, readJson, readSse, sseJson } from './http.ts';
import {
  type AiProvider,
  type ChatRequest,
  type ChatResult,
  type JsonSchema,
  ProviderError,
  type ProviderOptions,
} from './types.ts';

interface GenerateResponse {
  modelVersion?: string;
  candidates?: Array<{ content?: { parts?: Array<{ text?: string }> }; finishReason?: string }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number };
}

export class GeminiProvider implements AiProvider {
  readonly name = 'gemini';
  readonly url: string;
  private readonly opts: ProviderOptions;

  constructor(opts: ProviderOptions) {
    this.opts = opts;
    this.url = joinUrl(opts.url, `models/${encodeURIComponent(opts.model)}`);
  }

  body(req: ChatRequest): Record<string, unknown> {
    return {
      systemInstruction: { parts: [{ text: req.system }] },
      contents: req.messages.map((m) => ({
        role: m.role === 'assistant' ? 'model' : 'user',
        parts: [{ text: m.content }],
      })),
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: geminiSchema(req.schema),
        maxOutputTokens: req.maxOutputTokens,
        temperature: 0.2,
      },
    };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const headers: Record<string, string> = this.opts.apiKey ? { 'x-goog-api-key': this.opts.apiKey } : {};
    const url = req.stream ? `${this.url}:streamGenerateContent?alt=sse` : `${this.url}:generateContent`;
    const res = await postJson(url, headers, this.body(req), req.signal, this.opts.now);
    const parts: GenerateResponse[] = [];
    if (!req.stream) parts.push((await readJson(res)) as GenerateResponse);
    else for await (const ev of readSse(res)) parts.push(sseJson(ev.data) as GenerateResponse);
    let text = '';
    let model = this.opts.model;
    let inputTokens = 0;
    let outputTokens = 0;
    for (const p of parts) {
      if (p.promptFeedback?.blockReason) {
        throw new ProviderError(`the prompt was blocked: ${p.promptFeedback.blockReason}`, { retryable: false });
      }
      for (const part of p.candidates?.[0]?.content?.parts ?? []) text += part.text ?? '';
      model = p.modelVersion ?? model;
      inputTokens = p.usageMetadata?.promptTokenCount ?? inputTokens;
      outputTokens = p.usageMetadata?.candidatesTokenCount ?? outputTokens;
    }
    if (!parts.length || !text) throw new ProviderError('the answer has no text part', { retryable: true });
    return { text, model, inputTokens, outputTokens };
  }
}

const GEMINI_KEYS = new Set(['description', 'enum', 'minimum', 'maximum', 'minItems', 'maxItems', 'required']);

/** JSON Schema → Gemini's Schema object: upper-case `type`, known keywords only, `propertyOrdering` kept. */
export function geminiSchema(s: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'type' && typeof v === 'string') out.type = v.toUpperCase();
    else if (k === 'items' && v && typeof v === 'object') out.items = geminiSchema(v as JsonSchema);
    else if (k === 'properties' && v && typeof v === 'object') {
      const props: JsonSchema = {};
      for (const [name, sub] of Object.entries(v as JsonSchema)) props[name] = geminiSchema(sub as JsonSchema);
      out.properties = props;
      out.propertyOrdering = Object.keys(props);
    } else if (GEMINI_KEYS.has(k)) out[k] = v;
  }
  return out;
}
