/**
 * The AI room's shared names: one interface every provider implements (ollama.ts, openai.ts, anthropic.ts,
 * gemini.ts), the text type that proves redaction happened, and the errors the scheduler retries on.
 */
import type { AiProviderName } from '../config/ai.ts';

/**
 * Text that went through `AiRedactor.apply` (redact.ts). Providers only accept this type, so no code path can hand a
 * provider a string that skipped redaction without a cast that review would see.
 */
export type Redacted = string & { readonly __redacted: unique symbol };

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: Redacted;
}

/** A JSON Schema object (the subset providers accept; see answer.ts). */
export type JsonSchema = { [key: string]: unknown };

export interface ChatRequest {
  system: Redacted;
  messages: ChatMessage[];
  /** The answer's JSON Schema: Ollama `format`, OpenAI `response_format`, Anthropic tool input, Gemini `responseSchema`. */
  schema: JsonSchema;
  maxOutputTokens: number;
  stream: boolean;
  /** Aborts the call (timeout, shutdown). */
  signal: AbortSignal;
}

export interface ChatResult {
  /** The answer as JSON text (Anthropic's tool input is serialised back to text). */
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export interface AiProvider {
  readonly name: AiProviderName;
  /** The URL requests go to (for logs and the preview). */
  readonly url: string;
  chat(req: ChatRequest): Promise<ChatResult>;
}

/** A failed call. `retryable` covers 408/429/5xx, timeouts and connection failures; 4xx answers are not retried. */
export class ProviderError extends Error {
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** What the server's Retry-After asked for, in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { status?: number; retryable: boolean; retryAfterMs?: number }) {
    super(message);
    this.name = 'ProviderError';
    this.status = opts.status;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export interface ProviderOptions {
  url: string;
  model: string;
  apiKey?: string;
  /** For Retry-After dates. */
  now: () => number;
}
