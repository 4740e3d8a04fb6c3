/**
 * AI analysis of an issue: `POST /api/issues/:id/analyze` queues one (202; `?force=true` asks again for the same
 * evidence), `GET /api/issues/:id/analysis` answers its state and result, `GET /api/issues/:id/ai-preview` shows the
 * exact text a call would send. Mount before the issue routes: their `POST /api/issues/:id/:action` refuses actions
 * it does not know. With `ai.enabled` false every route answers 503 naming the key.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { AiService } from '../../ai/service.ts';
import { QueueFullError } from '../../ai/service.ts';
import { redactDeep } from '../../core/redact.ts';
import { notFound, parseWith, queryOf, type RouteDocs } from './common.ts';

export interface AnalysisRouteDeps {
  /** Undefined when `ai.enabled` is false. */
  ai: Pick<AiService, 'analyze' | 'view' | 'preview'> | undefined;
  issues: { get(id: string): unknown };
}

const params = z.object({ id: z.string().min(1).max(200).describe('Issue id (fingerprint).') });
const analyzeQuery = z.strictObject({
  force: z.enum(['true', 'false']).optional().describe('Ask again even when an analysis of the same evidence exists.'),
});

const answerSchema = z.object({
  summary: z.string(),
  cause: z.string(),
  confidence: z.number(),
  evidence: z.array(z.string()),
  fix: z.array(z.string()),
  links: z.array(z.string()),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  latencyMs: z.number().int(),
  repaired: z.boolean().describe('The first answer failed validation and one repair retry fixed it.'),
  createdAt: z.string(),
});

export const analysisViewSchema = z.object({
  issueId: z.string(),
  status: z.enum(['none', 'queued', 'running', 'done', 'failed']),
  error: z.string().optional(),
  requestedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  analysis: answerSchema.optional().describe('The newest analysis of the issue.'),
});

const acceptedSchema = z.object({
  issueId: z.string(),
  status: z.enum(['queued', 'running']),
  requestedAt: z.string(),
  analysis: z.string().describe('Where the result appears.'),
});

const previewSchema = z.object({
  provider: z.string(),
  url: z.string(),
  model: z.string(),
  system: z.string(),
  user: z.string().describe('The context of the issue, redacted: exactly what the model receives.'),
  body: z.unknown().describe('The request body as the provider receives it.'),
});

/** Registers the routes' documentation (for `/api/openapi.json`). */
export function describeAnalysisRoutes(docs: RouteDocs): void {
  docs.add({
    method: 'post',
    path: '/api/issues/{id}/analyze',
    tag: 'issues',
    summary: 'Queue an AI root-cause analysis (202); the result appears on /analysis and on the issue.',
    params,
    query: analyzeQuery,
    response: acceptedSchema,
  });
  docs.add({
    method: 'get',
    path: '/api/issues/{id}/analysis',
    tag: 'issues',
    summary: 'State and result of the AI analysis of an issue.',
    params,
    response: analysisViewSchema,
  });
  docs.add({
    method: 'get',
    path: '/api/issues/{id}/ai-preview',
    tag: 'issues',
    summary: 'The exact (redacted) text an analysis would send to the model.',
    params,
    response: previewSchema,
  });
}

export function analysisRoutes(deps: AnalysisRouteDeps): Hono {
  const app = new Hono();
  const service = () => {
    if (!deps.ai) throw new HTTPException(503, { message: 'AI analysis is off: set ai.enabled to true' });
    return deps.ai;
  };

  app.post('/api/issues/:id/analyze', (c) => {
    const { id } = parseWith(params, c.req.param(), 'path');
    const q = parseWith(analyzeQuery, queryOf(c), 'query');
    const ai = service();
    let job: ReturnType<AiService['analyze']>;
    try {
      job = ai.analyze(id, q.force === 'true');
    } catch (err) {
      if (err instanceof QueueFullError) throw new HTTPException(429, { message: `try later: ${err.message}` });
      throw err;
    }
    if (!job) throw notFound(`issue "${id}" not found`);
    c.header('Location', `/api/issues/${encodeURIComponent(id)}/analysis`);
    return c.json(
      {
        issueId: id,
        status: job.state === 'queued' || job.state === 'running' ? job.state : 'queued',
        requestedAt: new Date(job.requestedAt).toISOString(),
        analysis: `/api/issues/${encodeURIComponent(id)}/analysis`,
      },
      202,
    );
  });

  app.get('/api/issues/:id/analysis', (c) => {
    const { id } = parseWith(params, c.req.param(), 'path');
    const view = service().view(id);
    if (view.status === 'none' && !deps.issues.get(id)) throw notFound(`issue "${id}" not found`);
    return c.json(redactDeep(view));
  });

  app.get('/api/issues/:id/ai-preview', async (c) => {
    const { id } = parseWith(params, c.req.param(), 'path');
    const preview = await service().preview(id);
    if (!preview) throw notFound(`issue "${id}" not found`);
    return c.json(preview);
  });

  return app;
}
