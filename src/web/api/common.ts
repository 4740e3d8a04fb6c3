/**
 * What every API resource shares: the error answer, query/params/body parsing with zod (400 naming the key), keyset
 * cursors and the `{items, next}` list shape, and the route descriptions `/api/openapi.json` is generated from.
 * Each resource file declares its routes with `route()`, so the document and the validation use the same schemas.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

/** Largest page any list answers; larger `limit`s are a 400, not silently cut. */
export const MAX_LIMIT = 500;

export const limitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_LIMIT)
  .default(50)
  .describe(`Items per page (1-${MAX_LIMIT}).`);
export const cursorSchema = z.string().max(512).optional().describe('The `next` value of the previous page.');

export const errorSchema = z
  .object({ error: z.string().describe('What was wrong, naming the parameter.'), status: z.number().int() })
  .describe('An error answer.');

/** `{items, next}`: `next` is the cursor of the following page, null on the last one. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: z.string().nullable().describe('Cursor of the next page; null when this is the last.'),
  });
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface RouteDoc {
  method: 'get' | 'post';
  /** OpenAPI path (`/api/issues/{id}`). */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Content type of the 200 answer (default JSON). */
  produces?: string;
}

/** Registry of the documented routes (filled as resource files build their apps). */
export class RouteDocs {
  readonly list: RouteDoc[] = [];
  add(doc: RouteDoc): RouteDoc {
    this.list.push(doc);
    return doc;
  }
}

export function badRequest(message: string): HTTPException {
  return new HTTPException(400, { message });
}

export function notFound(message: string): HTTPException {
  return new HTTPException(404, { message });
}

/** Parses `input` with `schema`, or throws a 400 naming the first bad key and what was expected. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const parts = r.error.issues.slice(0, 3).map((i) => {
    const key = i.path.length ? i.path.map(String).join('.') : where;
    if (i.code === 'unrecognized_keys') return `${where}: unknown parameter ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${key}: ${i.message}`;
  });
  throw badRequest(parts.join('; '));
}

/** The query string as an object; a key given several times keeps all its values (for `status=a&status=b`). */
export function queryOf(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(c.req.queries())) out[k] = v.length === 1 ? (v[0] as string) : v;
  return out;
}

/** A list filter that accepts `a,b` or repeated keys. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => {
    if (v === undefined) return undefined;
    const arr = Array.isArray(v) ? v : [v];
    return arr.flatMap((s) => String(s).split(',')).filter((s) => s !== '');
  }, z.array(item).max(32).optional());
}

/** Cursors are opaque to clients: base64url JSON of the last item's sort key. */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, shape: ReadonlyArray<'string' | 'number'>): Array<string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('cursor: not a cursor this API handed out');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    parsed.some((v, i) => typeof v !== shape[i] || (typeof v === 'number' && !Number.isFinite(v)))
  ) {
    throw badRequest('cursor: not a cursor this API handed out (or one from another list or sort)');
  }
  return parsed as Array<string | number>;
}

/**
 * One page of an in-memory list sorted by `key` descending then `id` ascending: items strictly after the cursor.
 * Keyset (not offset) so a page does not repeat or skip items when earlier ones change between requests.
 */
export function pageInMemory<T>(
  all: readonly T[],
  key: (item: T) => number,
  id: (item: T) => string,
  limit: number,
  cursor: string | undefined,
): Page<T> {
  const sorted = [...all].sort((a, b) => key(b) - key(a) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  let start = 0;
  if (cursor !== undefined) {
    const [k, i] = decodeCursor(cursor, ['number', 'string']) as [number, string];
    start = sorted.findIndex((x) => key(x) < k || (key(x) === k && id(x) > i));
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  const next = last !== undefined && start + limit < sorted.length ? encodeCursor([key(last), id(last)]) : null;
  return { items, next };
}

export const isoTime = z.string().describe('ISO 8601 time (UTC).');

export function iso(t: number | null | undefined): string | null {
  return t === null || t === undefined ? null : new Date(t).toISOString();
}

/** `from`/`to` accept ISO 8601 or epoch milliseconds. */
export const timeParam = z
  .string()
  .transform((s, ctx) => {
    const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `expected an ISO 8601 time or epoch milliseconds, got "${s}"` });
      return z.NEVER;
    }
    return n;
  })
  .optional();
