/**
 * `/api/logs`: full-text search over every stored line (FTS5 syntax; a malformed query is a 400 naming the problem),
 * newest first with keyset pages; `/api/logs/stream`: the live tail over SSE with the same filters.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { redact } from '../../core/redact.ts';
import { LEVELS, type LogRecord } from '../../core/types.ts';
import {
  badRequest,
  cursorSchema,
  decodeCursor,
  encodeCursor,
  iso,
  limitSchema,
  listOf,
  pageSchema,
  parseWith,
  queryOf,
  type RouteDocs,
  timeParam,
} from './common.ts';
import type { LiveTail } from './log-tail.ts';

export const logLineSchema = z.object({
  id: z.number().int().nullable().describe('Row id in the store (null on the live tail: not stored yet).'),
  time: z.string(),
  level: z.enum(LEVELS),
  source: z.string(),
  app: z.string(),
  logger: z.string().nullable(),
  message: z.string(),
  raw: z.string().describe('The text as read (header and continuation lines).'),
  issue: z.string().nullable().describe('The issue the line belongs to.'),
  exception: z.object({ type: z.string(), message: z.string() }).nullable(),
});
export type LogLine = z.infer<typeof logLineSchema>;

/** A stored line as the log store answers it. */
export interface StoredLogLine {
  id: number;
  time: number;
  level: (typeof LEVELS)[number];
  source: string;
  app: string;
  logger: string | null;
  message: string;
  raw: string;
  issue: string | null;
  exception: { type: string; message: string } | null;
}

export interface LogRouteDeps {
  search(q: {
    text?: string;
    sources?: readonly string[];
    levels?: ReadonlyArray<(typeof LEVELS)[number]>;
    from?: number;
    to?: number;
    issue?: string;
    before?: number;
    limit: number;
  }): { lines: StoredLogLine[]; continueBelow?: number };
  /** Whether `err` is a malformed query (answered 400 with its message). */
  isQueryError(err: unknown): boolean;
  tail: LiveTail;
}

const filters = {
  q: z.string().max(500).optional().describe('FTS5 query: words, "phrases", prefix*, AND/OR/NOT, column: word.'),
  source: listOf(z.string().max(200)).describe('Sources (comma separated or repeated).'),
  level: listOf(z.enum(LEVELS)).describe('Levels (comma separated or repeated).'),
};

const searchQuery = z.strictObject({
  ...filters,
  from: timeParam.describe('Lines at or after (ISO 8601 or epoch ms).'),
  to: timeParam.describe('Lines before (ISO 8601 or epoch ms).'),
  issue: z.string().max(200).optional().describe('Lines of this issue.'),
  limit: limitSchema,
  cursor: cursorSchema,
});

const streamQuery = z.strictObject({
  ...filters,
  q: z.string().max(500).optional().describe('Words and "phrases" that must all appear (case-insensitive).'),
});

export function presentStored(l: StoredLogLine): LogLine {
  return {
    id: l.id,
    time: iso(l.time) as string,
    level: l.level,
    source: l.source,
    app: l.app,
    logger: l.logger,
    message: l.message,
    raw: l.raw,
    issue: l.issue,
    exception: l.exception,
  };
}

function presentLive(r: LogRecord): LogLine {
  return {
    id: null,
    time: iso(r.time) as string,
    level: r.level,
    source: r.source,
    app: r.app,
    logger: r.logger ?? null,
    message: redact(r.message),
    raw: redact(r.raw),
    issue: r.issue ?? null,
    exception: r.exception ? { type: r.exception.type, message: redact(r.exception.message) } : null,
  };
}

export function logRoutes(deps: LogRouteDeps, docs: RouteDocs): Hono {
  const app = new Hono();
  docs.add({
    method: 'get',
    path: '/api/logs',
    tag: 'logs',
    summary:
      'Search stored lines (FTS5 query syntax), newest first. A filtered search stops after about 50 ms of work: the page then holds what was found (fewer than `limit`, maybe none) and `next` goes on with the older lines.',
    query: searchQuery,
    response: pageSchema(logLineSchema),
  });
  app.get('/api/logs', (c) => {
    const q = parseWith(searchQuery, queryOf(c), 'query');
    if (q.from !== undefined && q.to !== undefined && q.from > q.to)
      throw badRequest('from: expected a time before `to`');
    const before = q.cursor !== undefined ? (decodeCursor(q.cursor, ['number'])[0] as number) : undefined;
    let page: { lines: StoredLogLine[]; continueBelow?: number };
    try {
      page = deps.search({
        ...(q.q !== undefined ? { text: q.q } : {}),
        ...(q.source?.length ? { sources: q.source } : {}),
        ...(q.level?.length ? { levels: q.level } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.issue !== undefined ? { issue: q.issue } : {}),
        ...(before !== undefined ? { before } : {}),
        limit: q.limit + 1,
      });
    } catch (err) {
      if (deps.isQueryError(err)) throw badRequest(`q: ${(err as Error).message}`);
      throw err;
    }
    const { lines, continueBelow } = page;
    const items = lines.slice(0, q.limit);
    const last = items.at(-1);
    // A search that ran out of time before the oldest line answers what it found, and where to go on from.
    const next =
      lines.length > q.limit && last
        ? encodeCursor([last.id])
        : continueBelow !== undefined
          ? encodeCursor([continueBelow])
          : null;
    return c.json({ items: items.map(presentStored), next });
  });

  docs.add({
    method: 'get',
    path: '/api/logs/stream',
    tag: 'logs',
    summary:
      'Live tail (Server-Sent Events): `ready`, then one `record` event per new line; a client too slow to keep up gets `dropped` and is closed.',
    query: streamQuery,
    response: z.string().describe('text/event-stream; `record` events carry a log line (id null).'),
    produces: 'text/event-stream',
  });
  app.get('/api/logs/stream', (c) => {
    const q = parseWith(streamQuery, queryOf(c), 'query');
    const body = deps.tail.open(
      {
        ...(q.source?.length ? { sources: q.source } : {}),
        ...(q.level?.length ? { levels: q.level } : {}),
        ...(q.q !== undefined ? { text: q.q } : {}),
      },
      presentLive,
    );
    return new Response(body, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
    });
  });
  return app;
}
