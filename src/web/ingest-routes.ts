/**
 * `POST /api/ingest`: raw log lines from anything that can POST (scripts, log shippers). Bodies: a JSON array (of
 * strings, or of `{line, app?, source?}` objects) or NDJSON (one string or object per line). `app` and `source`
 * default to the query parameters. Lines run through the same assembler and detection as tailed files.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { CoreContext } from '../core/context.ts';
import { APPS } from '../core/types.ts';
import { readBodyLimited } from './body.ts';

export interface IngestDeps {
  /** Runs lines through the pipeline; returns how many lines were accepted. */
  pushLines?(source: string, app: string, lines: string[]): number;
  /** Whether lines may go to this source name (configured, or a new one within `web.ingestNewSources`). */
  acceptSource?(source: string): boolean;
}

const appSchema = z.enum(APPS);
const sourceName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][\w .-]*$/);
const item = z.union([
  z.string(),
  z.strictObject({
    line: z.string(),
    app: appSchema.optional(),
    source: sourceName.optional(),
  }),
]);
const MAX_LINES = 100_000;

export function ingestRoutes(ctx: CoreContext, deps: IngestDeps): Hono {
  const app = new Hono();
  app.post('/api/ingest', async (c) => {
    if (!deps.pushLines) throw new HTTPException(503, { message: 'ingestion is not running' });
    const raw = await readBodyLimited(c, ctx.config.web.maxBodyBytes);
    const defaults = {
      app: c.req.query('app') ?? 'auto',
      source: c.req.query('source') ?? 'http',
    };
    const qApp = appSchema.safeParse(defaults.app);
    if (!qApp.success) throw bad(`query app: got "${defaults.app}", expected one of ${APPS.join(', ')}`);
    if (!sourceName.safeParse(defaults.source).success) {
      throw bad(
        `query source: got "${defaults.source}", expected 1-64 letters, digits, space, dot, dash or underscore`,
      );
    }
    const items = parseItems(raw.toString('utf8'), c.req.header('content-type') ?? '');
    if (items.length > MAX_LINES)
      throw new HTTPException(413, { message: `more than ${MAX_LINES} lines in one request` });
    // Group by (source, app) preserving order within each group.
    const groups = new Map<string, { source: string; app: string; lines: string[] }>();
    for (const it of items) {
      const line = typeof it === 'string' ? it : it.line;
      const src = typeof it === 'string' ? defaults.source : (it.source ?? defaults.source);
      const ap = typeof it === 'string' ? defaults.app : (it.app ?? defaults.app);
      const key = `${src}\u0000${ap}`;
      let g = groups.get(key);
      if (!g) {
        g = { source: src, app: ap, lines: [] };
        groups.set(key, g);
      }
      // A pushed "line" may hold several physical lines (a pasted stack): split them so each is one physical line.
      for (const part of line.split(/\r?\n/)) g.lines.push(part);
    }
    for (const g of groups.values()) {
      if (deps.acceptSource && !deps.acceptSource(g.source)) {
        throw new HTTPException(403, {
          message: `source "${g.source}" is not configured; add it to sources, or allow new ones with web.ingestNewSources`,
        });
      }
    }
    let accepted = 0;
    for (const g of groups.values()) accepted += deps.pushLines(g.source, g.app, g.lines);
    return c.json({ accepted }, 202);
  });
  return app;
}

type Item = z.infer<typeof item>;

function parseItems(text: string, contentType: string): Item[] {
  const trimmed = text.trim();
  if (!trimmed) throw bad('empty body: expected a JSON array or NDJSON of log lines');
  if (contentType.includes('application/json') || trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (err) {
      throw bad(`body is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = z.array(item).safeParse(data);
    if (!parsed.success) throw bad(describe(parsed.error));
    return parsed.data;
  }
  const out: Item[] = [];
  const lines = trimmed.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).trim();
    if (!l) continue;
    let data: unknown;
    try {
      data = JSON.parse(l);
    } catch {
      throw bad(`NDJSON line ${i + 1} is not valid JSON (send a JSON string or {"line": ...} per line)`);
    }
    const parsed = item.safeParse(data);
    if (!parsed.success) throw bad(`NDJSON line ${i + 1}: ${describe(parsed.error)}`);
    out.push(parsed.data);
  }
  return out;
}

function describe(err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return 'invalid body';
  const path = first.path.length ? first.path.join('.') : '(body)';
  return `${path}: ${first.message}; expected log lines as strings or {"line": string, "app"?: string, "source"?: string}`;
}

function bad(message: string): HTTPException {
  return new HTTPException(400, { message });
}
