/** `/api/openapi.json`: the OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import { Hono } from 'hono';
import { z } from 'zod';
import { errorSchema, type RouteDoc, type RouteDocs } from './common.ts';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

function parameters(doc: RouteDoc): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ['path', doc.params],
    ['query', doc.query],
  ] as const) {
    if (!obj) continue;
    for (const [name, prop] of Object.entries(obj.shape)) {
      const schema = schemaOf(prop as z.ZodType, 'input');
      const optional = where === 'query' && (prop as z.ZodType).safeParse(undefined).success;
      out.push({
        name,
        in: where,
        required: !optional,
        ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
        schema,
      });
    }
  }
  return out;
}

export function openApiDocument(docs: readonly RouteDoc[], version: string): Json {
  const paths: Record<string, Json> = {};
  const error = { content: { 'application/json': { schema: schemaOf(errorSchema, 'output') } } };
  for (const d of docs) {
    const item = paths[d.path] ?? {};
    item[d.method] = {
      summary: d.summary,
      tags: [d.tag],
      parameters: parameters(d),
      ...(d.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(d.body, 'input') } } } }
        : {}),
      responses: {
        '200': {
          description: d.summary,
          content: { [d.produces ?? 'application/json']: { schema: schemaOf(d.response, 'output') } },
        },
        ...(d.params || d.query ? { '400': { description: 'Bad parameter; the error names it.', ...error } } : {}),
        ...(d.params ? { '404': { description: 'Unknown id.', ...error } } : {}),
        '401': { description: 'Missing or wrong bearer token (when `web.token` is set).', ...error },
      },
    };
    paths[d.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Arrgus API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

export function openApiRoutes(docs: RouteDocs, version: string): Hono {
  const app = new Hono();
  let cached: Json | null = null;
  app.get('/api/openapi.json', (c) => {
    cached ??= openApiDocument(docs.list, version);
    return c.json(cached);
  });
  return app;
}
