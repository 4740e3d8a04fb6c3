/**
 * `/api/sources`: every source with the files it follows (read offset, size, bytes still to read), freshness,
 * records per minute, parse failures, and `records`: how many of its records are stored now.
 */
import { statSync } from 'node:fs';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import type { SourceStats } from '../../core/ports.ts';
import { redactDeep } from '../../core/redact.ts';
import {
  cursorSchema,
  iso,
  limitSchema,
  pageInMemory,
  pageSchema,
  parseWith,
  queryOf,
  type RouteDocs,
} from './common.ts';

export const sourceSchema = z.object({
  name: z.string(),
  app: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      offset: z.number().int().nullable().describe('Bytes read and stored (checkpoint); null before the first.'),
      size: z.number().int().nullable().describe('Size of the file now; null when it cannot be read.'),
      lag: z.number().int().nullable().describe('Bytes written but not read yet.'),
    }),
  ),
  lastRecordAt: z.string().nullable(),
  freshnessSeconds: z.number().nullable().describe('Seconds since the last record.'),
  recordsPerMinute: z.number(),
  errors5m: z.number().int(),
  warnings5m: z.number().int(),
  parseFailures: z.number().int(),
  totalRecords: z.number().int().describe('Records read since start.'),
  records: z.number().int().describe('Records of this source stored now.'),
  dropped: z.number().int().describe('Records not stored because the store could not keep up (since start).'),
});

export interface SourceRouteDeps {
  clock: Clock;
  stats(): SourceStats[];
  /** Files followed by each source now. */
  followed(): Array<{ source: string; files: string[] }>;
  /** Checkpointed offsets by path. */
  offsets(source: string): Map<string, number>;
  /** Records stored per source. */
  storedCounts(): Map<string, number>;
  /** Records dropped per source (back-pressure). */
  droppedCounts?(): Map<string, number>;
}

const query = z.strictObject({ limit: limitSchema, cursor: cursorSchema });

export function sourceRoutes(deps: SourceRouteDeps, docs: RouteDocs): Hono {
  const app = new Hono();
  docs.add({
    method: 'get',
    path: '/api/sources',
    tag: 'sources',
    summary: 'Sources: files followed, offsets, lag, freshness, rates, parse failures, records stored.',
    query,
    response: pageSchema(sourceSchema),
  });
  app.get('/api/sources', (c) => {
    const q = parseWith(query, queryOf(c), 'query');
    const followed = new Map(deps.followed().map((f) => [f.source, f.files]));
    const stored = deps.storedCounts();
    const dropped = deps.droppedCounts?.() ?? new Map<string, number>();
    const now = deps.clock.now();
    const page = pageInMemory(
      deps.stats(),
      () => 0,
      (s) => s.source,
      q.limit,
      q.cursor,
    );
    const items = page.items.map((s) => {
      const offsets = deps.offsets(s.source);
      const files = (followed.get(s.source) ?? s.files).map((path) => {
        const size = sizeOf(path);
        const offset = offsets.get(path) ?? null;
        return { path, offset, size, lag: size !== null && offset !== null ? Math.max(0, size - offset) : null };
      });
      return {
        name: s.source,
        app: s.app,
        files,
        lastRecordAt: iso(s.lastRecordAt),
        freshnessSeconds: s.lastRecordAt === null ? null : Math.max(0, Math.round((now - s.lastRecordAt) / 1000)),
        recordsPerMinute: s.recordsPerMinute,
        errors5m: s.errors5m,
        warnings5m: s.warnings5m,
        parseFailures: s.parseFailures,
        totalRecords: s.totalRecords,
        records: stored.get(s.source) ?? 0,
        dropped: dropped.get(s.source) ?? 0,
      };
    });
    return c.json(redactDeep({ items, next: page.next }));
  });
  return app;
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    // Gone between the listing and now (rotated away): no size, not an error.
    return null;
  }
}
