import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type AiConfig, aiSchema } from '../config/ai.ts';
import { ANSWER_JSON_SCHEMA } from './answer.ts';
import { FakeProvider, goodAnswer } from './fake-provider.ts';
import { createProvider } from './providers.ts';
import { type ChatRequest, ProviderError, type Redacted } from './types.ts';

const servers: FakeProvider[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function setup(protocol: AiConfig['provider'], extra: Partial<AiConfig> = {}) {
  const fake = await new FakeProvider(protocol).start();
  servers.push(fake);
  const config = aiSchema.parse({
    enabled: true,
    provider: protocol,
    url: fake.url,
    model: 'm1',
    apiKey: 'sk-test-key-123',
    ...extra,
  });
  return { fake, provider: createProvider(config, () => Date.UTC(2026, 0, 1)) };
}

function req(stream: boolean, signal = AbortSignal.timeout(10_000)): ChatRequest {
  return {
    system: 'You are a test.' as Redacted,
    messages: [{ role: 'user', content: 'Explain this issue.' as Redacted }],
    schema: ANSWER_JSON_SCHEMA,
    maxOutputTokens: 300,
    stream,
    signal,
  };
}

for (const protocol of ['ollama', 'openai', 'anthropic', 'gemini'] as const) {
  describe(`${protocol} wire protocol`, () => {
    for (const stream of [false, true]) {
      test(`${stream ? 'streamed' : 'whole'} answer: text joined, usage and model read, schema sent the provider's way`, async () => {
        const { fake, provider } = await setup(protocol);
        const text = goodAnswer();
        fake.script({ kind: 'answer', text, inputTokens: 321, outputTokens: 54 });
        const r = await provider.chat(req(stream));
        assert.deepEqual(JSON.parse(r.text), JSON.parse(text));
        assert.equal(r.inputTokens, 321);
        assert.equal(r.outputTokens, 54);
        assert.equal(r.model, 'm1');
        const sent = fake.requests[0];
        assert.ok(sent);
        const body = JSON.parse(sent.body) as Record<string, unknown>;
        // The key travels in a header, never in the body.
        assert.ok(!sent.body.includes('sk-test-key-123'));
        switch (protocol) {
          case 'ollama':
            assert.equal(sent.path, '/api/chat');
            assert.deepEqual(body.format, ANSWER_JSON_SCHEMA);
            assert.equal(body.stream, stream);
            assert.equal(sent.headers.authorization, 'Bearer sk-test-key-123');
            assert.deepEqual(
              (body.messages as Array<{ role: string }>).map((m) => m.role),
              ['system', 'user'],
            );
            break;
          case 'openai': {
            assert.equal(sent.path, '/v1/chat/completions');
            assert.equal(sent.headers.authorization, 'Bearer sk-test-key-123');
            const rf = body.response_format as { type: string; json_schema: { strict: boolean; schema: unknown } };
            assert.equal(rf.type, 'json_schema');
            assert.equal(rf.json_schema.strict, true);
            assert.deepEqual(rf.json_schema.schema, ANSWER_JSON_SCHEMA);
            if (stream) assert.deepEqual(body.stream_options, { include_usage: true });
            break;
          }
          case 'anthropic': {
            assert.equal(sent.path, '/v1/messages');
            assert.equal(sent.headers['x-api-key'], 'sk-test-key-123');
            assert.equal(sent.headers['anthropic-version'], '2023-06-01');
            assert.equal(body.system, 'You are a test.');
            const tools = body.tools as Array<{ name: string; input_schema: unknown }>;
            assert.deepEqual(tools[0]?.input_schema, ANSWER_JSON_SCHEMA);
            assert.deepEqual(body.tool_choice, { type: 'tool', name: tools[0]?.name });
            break;
          }
          case 'gemini': {
            assert.equal(
              sent.path,
              stream ? '/v1beta/models/m1:streamGenerateContent?alt=sse' : '/v1beta/models/m1:generateContent',
            );
            assert.equal(sent.headers['x-goog-api-key'], 'sk-test-key-123');
            const gc = body.generationConfig as { responseMimeType: string; responseSchema: Record<string, unknown> };
            assert.equal(gc.responseMimeType, 'application/json');
            assert.equal(gc.responseSchema.type, 'OBJECT');
            assert.ok(!('additionalProperties' in gc.responseSchema));
            assert.deepEqual(gc.responseSchema.propertyOrdering, [
              'summary',
              'cause',
              'confidence',
              'evidence',
              'fix',
              'links',
            ]);
            break;
          }
        }
      });
    }

    test('429 with Retry-After: a retryable ProviderError carrying the wait, body redacted', async () => {
      const { fake, provider } = await setup(protocol);
      fake.script({
        kind: 'status',
        status: 429,
        retryAfter: '7',
        body: '{"error":{"message":"slow down, apikey=abcdef123456"}}',
      });
      await assert.rejects(provider.chat(req(false)), (err: unknown) => {
        assert.ok(err instanceof ProviderError);
        assert.equal(err.status, 429);
        assert.equal(err.retryable, true);
        assert.equal(err.retryAfterMs, 7000);
        assert.ok(!err.message.includes('abcdef123456'), err.message);
        return true;
      });
    });

    test('503 with an HTTP-date Retry-After is retryable; 400 is not', async () => {
      const { fake, provider } = await setup(protocol);
      fake.script(
        { kind: 'status', status: 503, retryAfter: new Date(Date.UTC(2026, 0, 1) + 30_000).toUTCString() },
        { kind: 'status', status: 400, body: '{"error":"bad model"}' },
      );
      await assert.rejects(provider.chat(req(false)), (err: unknown) => {
        assert.ok(err instanceof ProviderError && err.retryable && err.retryAfterMs === 30_000);
        return true;
      });
      await assert.rejects(provider.chat(req(false)), (err: unknown) => {
        assert.ok(err instanceof ProviderError && !err.retryable && err.status === 400);
        assert.match(err.message, /bad model/);
        return true;
      });
    });

    test('a body that is not JSON fails clearly', async () => {
      const { fake, provider } = await setup(protocol);
      fake.script({ kind: 'garbage', body: '<html>proxy error</html>' });
      await assert.rejects(provider.chat(req(false)), (err: unknown) => {
        assert.ok(err instanceof ProviderError, String(err));
        assert.match(err.message, /not JSON/);
        return true;
      });
    });

    test('a stream that breaks off or carries a malformed event fails clearly', async () => {
      const { fake, provider } = await setup(protocol);
      const broken =
        protocol === 'ollama'
          ? '{"model":"m1","message":{"role":"assistant","content":"{\\"sum"},"done":false}\n'
          : protocol === 'anthropic'
            ? 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\nevent: content_block_delta\ndata: {not json\n\n'
            : 'data: {"choices":[{"delta":{"content":"{"}}]}\n\ndata: {broken\n\n';
      fake.script({
        kind: 'garbage',
        body: broken,
        contentType: protocol === 'ollama' ? 'application/x-ndjson' : 'text/event-stream',
      });
      await assert.rejects(provider.chat(req(true)), (err: unknown) => {
        assert.ok(err instanceof ProviderError, String(err));
        assert.match(err.message, /malformed event|done|ended/i);
        return true;
      });
    });

    test('a hanging server is abandoned when the signal fires', async () => {
      const { fake, provider } = await setup(protocol);
      fake.script({ kind: 'hang' });
      const started = performance.now();
      await assert.rejects(provider.chat(req(false, AbortSignal.timeout(300))), (err: unknown) => {
        assert.ok(err instanceof ProviderError, String(err));
        assert.equal(err.retryable, true);
        assert.match(err.message, /in time/);
        return true;
      });
      assert.ok(performance.now() - started < 5000);
    });

    test('a refused connection is a retryable failure naming the host', async () => {
      const { fake, provider } = await setup(protocol);
      await fake.stop();
      servers.splice(servers.indexOf(fake), 1);
      await assert.rejects(provider.chat(req(false)), (err: unknown) => {
        assert.ok(err instanceof ProviderError && err.retryable, String(err));
        assert.match(err.message, /127\.0\.0\.1/);
        return true;
      });
    });
  });
}
