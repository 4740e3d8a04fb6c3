/** The `ai` section: root-cause analysis of issues by a language model (src/ai). Off unless enabled. */
import { z } from 'zod';
import { duration } from './duration-field.ts';
import { httpUrl, secretString } from './secret.ts';

export const AI_PROVIDERS = ['ollama', 'openai', 'anthropic', 'gemini'] as const;
export type AiProviderName = (typeof AI_PROVIDERS)[number];

/** Where each provider answers when `ai.url` is unset. */
export const AI_DEFAULT_URLS: Readonly<Record<AiProviderName, string>> = {
  ollama: 'http://127.0.0.1:11434',
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
};

export const aiSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Offer AI root-cause analysis of issues (on demand, and automatically above `ai.autoImpact`).'),
    provider: z
      .enum(AI_PROVIDERS)
      .default('ollama')
      .describe(
        'Who answers: `ollama` (local, default), `openai` (any OpenAI-compatible `/chat/completions`: LM Studio, llama.cpp server, vLLM, OpenAI), `anthropic` (Messages API) or `gemini` (generateContent).',
      ),
    url: httpUrl()
      .optional()
      .describe(
        'Base URL of the provider. Defaults: ollama http://127.0.0.1:11434, openai https://api.openai.com/v1 (LM Studio: http://HOST:1234/v1), anthropic https://api.anthropic.com, gemini https://generativelanguage.googleapis.com/v1beta.',
      ),
    model: z
      .string()
      .min(1)
      .default('qwen2.5:3b-instruct')
      .describe('Model name as the provider spells it (`qwen2.5:3b-instruct`, `gpt-4o-mini`, `claude-haiku-4-5`...).'),
    apiKey: secretString()
      .optional()
      .describe('API key of a hosted provider (sent only to `ai.url`, never to the model). Secret.'),
    stream: z
      .boolean()
      .default(false)
      .describe(
        'Ask for a streamed answer (SSE, or NDJSON for Ollama) instead of one JSON body; the timeout covers the whole answer.',
      ),
    timeout: duration('120s').describe('Longest wait for one answer; a slower model is aborted and retried.'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(2)
      .describe('Retries after a timeout, a 429 or a 5xx (backoff doubles from 2 s, or what Retry-After says).'),
    concurrency: z.number().int().min(1).max(4).default(1).describe('Analyses running at the same time.'),
    dailyTokenBudget: z
      .number()
      .int()
      .min(0)
      .default(200_000)
      .describe('Tokens (prompt + answer) spent per UTC day at most; analyses past it wait for the next day. 0: none.'),
    maxOutputTokens: z.number().int().min(100).max(8192).default(1024).describe('Longest answer asked for, in tokens.'),
    maxPromptChars: z
      .number()
      .int()
      .min(2000)
      .max(200_000)
      .default(12_000)
      .describe('Size bound of the context sent about one issue, in characters (about 4 per token).'),
    autoImpact: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('Analyse issues on their own once their impact reaches this (0-100). Unset: on demand only.'),
    queueSize: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe('Analyses waiting at most; requests past it are refused (HTTP 429).'),
  })
  .describe('AI root-cause analysis. Everything sent is redacted first; `arrgus ai-preview ISSUE` prints it.');

export type AiConfig = z.infer<typeof aiSchema>;
