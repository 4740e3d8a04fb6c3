/** The providers, listed once (house rule 3): `ai.provider` picks one. */
import { AI_DEFAULT_URLS, type AiConfig } from '../config/ai.ts';
import { registerSecret } from '../core/redact.ts';
import { AnthropicProvider } from './anthropic.ts';
import { GeminiProvider } from './gemini.ts';
import { OllamaProvider } from './ollama.ts';
import { OpenAiProvider } from './openai.ts';
import type { AiProvider, ProviderOptions } from './types.ts';

export function createProvider(config: AiConfig, now: () => number): AiProvider {
  // Registered here too, not only by the config loader: a key must never reach a log line or a prompt.
  registerSecret(config.apiKey);
  const opts: ProviderOptions = {
    url: config.url ?? AI_DEFAULT_URLS[config.provider],
    model: config.model,
    now,
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
  switch (config.provider) {
    case 'ollama':
      return new OllamaProvider(opts);
    case 'openai':
      return new OpenAiProvider(opts);
    case 'anthropic':
      return new AnthropicProvider(opts);
    case 'gemini':
      return new GeminiProvider(opts);
  }
}
