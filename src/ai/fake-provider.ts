/**
 * Test helper: a loopback HTTP server that speaks each provider's wire protocol (Ollama `/api/chat` NDJSON,
 * OpenAI chat completions with SSE, Anthropic Messages with tool use and SSE, Gemini generateContent and
 * streamGenerateContent with `alt=sse`), records every request (path, headers, body text) and can be scripted to
 * misbehave: an error status with Retry-After, a body that is not JSON, or no answer at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AiProviderName } from '../config/ai.ts';

export interface Captured {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the server does with one request. */
export type Step =
  | { kind: 'answer'; text: string; inputTokens?: number; outputTokens?: number }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'garbage'; body: string; contentType?: string }
  | { kind: 'hang' };

export class FakeProvider {
  readonly requests: Captured[] = [];
  private readonly server: Server;
  private readonly steps: Step[] = [];
  private readonly hanging = new Set<ServerResponse>();
  /** Used when the script is empty. */
  fallback: Step = { kind: 'status', status: 500, body: '{"error":"no scripted answer"}' };
  url = '';
  readonly protocol: AiProviderName;

  constructor(protocol: AiProviderName) {
    this.protocol = protocol;
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    this.url = this.protocol === 'openai' ? `${base}/v1` : this.protocol === 'gemini' ? `${base}/v1beta` : base;
    return this;
  }

  script(...steps: Step[]): this {
    this.steps.push(...steps);
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Ends the hanging requests now by closing their connections: the client sees a failed call. */
  dropHanging(): void {
    for (const res of this.hanging) res.destroy();
  }

  /** Every request body, joined: what left the process. */
  sentText(): string {
    return this.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.path}\n${r.body}`).join('\n');
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const step = this.steps.shift() ?? this.fallback;
    switch (step.kind) {
      case 'hang':
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': step.contentType ?? 'application/json' }).end(step.body);
        return;
      case 'status': {
        const h: Record<string, string> = { 'content-type': 'application/json' };
        if (step.retryAfter !== undefined) h['retry-after'] = step.retryAfter;
        res.writeHead(step.status, h).end(step.body ?? '{"error":{"message":"scripted failure"}}');
        return;
      }
      case 'answer':
        this.answer(req, res, body, step);
    }
  }

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    step: Extract<Step, { kind: 'answer' }>,
  ): void {
    const j = JSON.parse(body) as { stream?: boolean; model?: string };
    const inTok = step.inputTokens ?? 100;
    const outTok = step.outputTokens ?? 50;
    // Gemini names the model in the path (`/models/<model>:generateContent`), the others in the body.
    const model = j.model ?? /\/models\/([^:/]+):/.exec(req.url ?? '')?.[1] ?? 'fake-model';
    // Split the answer in three pieces so stream readers must join them.
    const third = Math.ceil(step.text.length / 3);
    const pieces = [step.text.slice(0, third), step.text.slice(third, 2 * third), step.text.slice(2 * third)];
    const sse = (events: Array<[string | null, unknown]>): void => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const [ev, data] of events) {
        res.write(`${ev ? `event: ${ev}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      }
      res.end();
    };
    switch (this.protocol) {
      case 'ollama': {
        if (j.stream) {
          res.writeHead(200, { 'content-type': 'application/x-ndjson' });
          for (const p of pieces)
            res.write(`${JSON.stringify({ model, message: { role: 'assistant', content: p }, done: false })}\n`);
          res.end(
            `${JSON.stringify({ model, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: inTok, eval_count: outTok })}\n`,
          );
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              model,
              created_at: new Date(0).toISOString(),
              message: { role: 'assistant', content: step.text },
              done: true,
              done_reason: 'stop',
              prompt_eval_count: inTok,
              eval_count: outTok,
            }),
          );
        }
        return;
      }
      case 'openai': {
        if (j.stream) {
          sse([
            ...pieces.map((p): [null, unknown] => [
              null,
              {
                id: 'c1',
                object: 'chat.completion.chunk',
                model,
                choices: [{ index: 0, delta: { content: p }, finish_reason: null }],
                usage: null,
              },
            ]),
            [
              null,
              {
                id: 'c1',
                object: 'chat.completion.chunk',
                model,
                choices: [],
                usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok },
              },
            ],
            [null, '[DONE]'],
          ]);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'c1',
              object: 'chat.completion',
              model,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: step.text, refusal: null },
                  finish_reason: 'stop',
                },
              ],
              usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok },
            }),
          );
        }
        return;
      }
      case 'anthropic': {
        // The answer must be an object for a tool_use block; anything else is sent as text (a model ignoring the tool).
        let input: unknown;
        try {
          input = JSON.parse(step.text);
        } catch {
          input = undefined;
        }
        const isObj = !!input && typeof input === 'object' && !Array.isArray(input);
        if (j.stream) {
          sse([
            [
              'message_start',
              {
                type: 'message_start',
                message: {
                  id: 'm1',
                  type: 'message',
                  role: 'assistant',
                  model,
                  content: [],
                  usage: { input_tokens: inTok, output_tokens: 1 },
                },
              },
            ],
            [
              'content_block_start',
              {
                type: 'content_block_start',
                index: 0,
                content_block: isObj
                  ? { type: 'tool_use', id: 't1', name: 'report_issue_analysis', input: {} }
                  : { type: 'text', text: '' },
              },
            ],
            ['ping', { type: 'ping' }],
            ...pieces.map((p): [string, unknown] => [
              'content_block_delta',
              {
                type: 'content_block_delta',
                index: 0,
                delta: isObj ? { type: 'input_json_delta', partial_json: p } : { type: 'text_delta', text: p },
              },
            ]),
            ['content_block_stop', { type: 'content_block_stop', index: 0 }],
            [
              'message_delta',
              { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: outTok } },
            ],
            ['message_stop', { type: 'message_stop' }],
          ]);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'm1',
              type: 'message',
              role: 'assistant',
              model,
              stop_reason: 'tool_use',
              content: isObj
                ? [{ type: 'tool_use', id: 't1', name: 'report_issue_analysis', input }]
                : [{ type: 'text', text: step.text }],
              usage: { input_tokens: inTok, output_tokens: outTok },
            }),
          );
        }
        return;
      }
      case 'gemini': {
        const chunk = (text: string, last: boolean) => ({
          candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(last ? { finishReason: 'STOP' } : {}) }],
          usageMetadata: { promptTokenCount: inTok, candidatesTokenCount: last ? outTok : 1 },
          modelVersion: model,
        });
        if ((req.url ?? '').includes(':streamGenerateContent')) {
          sse(pieces.map((p, i): [null, unknown] => [null, chunk(p, i === pieces.length - 1)]));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chunk(step.text, true)));
        }
      }
    }
  }
}

/** A valid answer as JSON text. */
export function goodAnswer(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    summary: 'Sonarr cannot reach the indexer because its DNS name does not resolve.',
    cause: 'The container has no working DNS resolver.',
    confidence: 0.7,
    evidence: ['System.Net.WebException: Name or service not known'],
    fix: ['Check the DNS settings of the Docker network.', 'Restart the container.'],
    links: ['https://wiki.servarr.com/sonarr/troubleshooting', 'https://evil.example.com/phish'],
    ...over,
  });
}
