/** `/api/stats`: stored record counts per level, per source and per hour over a time range (default: last 24 h). */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { LEVELS } from '../../core/types.ts';
import { badRequest, parseWith, queryOf, type RouteDocs, timeParam } from './common.ts';

export interface HourCount {
  /** Hour start, epoch ms. */
  hour: number;
  source: string;
  level: string;
  count: number;
}

export interface StatsRouteDeps {
  clock: Clock;
  /** Counts per (hour, source, level) with `from <= hour < to`; outlive the lines retention deletes. */
  hourly(q: { from: number; to: number; source?: string }): HourCount[];
  /** Records dropped by back-pressure since start, and how many are stored now. */
  totals?(): { stored: number; dropped: number };
}

const HOUR = 3_600_000;
/** Longest range one request may ask for (hour rows are bounded by it). */
const MAX_RANGE_MS = 400 * 24 * HOUR;

const query = z.strictObject({
  from: timeParam.describe('Start (ISO 8601 or epoch ms); default 24 h before `to`.'),
  to: timeParam.describe('End (ISO 8601 or epoch ms); default now.'),
  source: z.string().max(200).optional(),
});

const levelCounts = z.partialRecord(z.enum(LEVELS), z.number().int());

export const statsSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number().int(),
  byLevel: levelCounts,
  bySource: z.record(z.string(), z.number().int()),
  byHour: z.array(z.object({ hour: z.string(), total: z.number().int(), byLevel: levelCounts })),
  stored: z.number().int().optional().describe('Records in the store now.'),
  dropped: z.number().int().optional().describe('Records the store had to drop since start (back-pressure).'),
});

export function statsRoutes(deps: StatsRouteDeps, docs: RouteDocs): Hono {
  const app = new Hono();
  docs.add({
    method: 'get',
    path: '/api/stats',
    tag: 'stats',
    summary: 'Record counts per level, source and hour.',
    query,
    response: statsSchema,
  });
  app.get('/api/stats', (c) => {
    const q = parseWith(query, queryOf(c), 'query');
    const to = q.to ?? deps.clock.now();
    const from = q.from ?? to - 24 * HOUR;
    if (from > to) throw badRequest('from: expected a time before `to`');
    if (to - from > MAX_RANGE_MS) throw badRequest('from: the range may span at most 400 days');
    const rows = deps.hourly({
      from: Math.floor(from / HOUR) * HOUR,
      to,
      ...(q.source !== undefined ? { source: q.source } : {}),
    });
    const byLevel: Record<string, number> = {};
    const bySource: Record<string, number> = {};
    const hours = new Map<number, { total: number; byLevel: Record<string, number> }>();
    let total = 0;
    for (const r of rows) {
      total += r.count;
      byLevel[r.level] = (byLevel[r.level] ?? 0) + r.count;
      bySource[r.source] = (bySource[r.source] ?? 0) + r.count;
      let h = hours.get(r.hour);
      if (!h) {
        h = { total: 0, byLevel: {} };
        hours.set(r.hour, h);
      }
      h.total += r.count;
      h.byLevel[r.level] = (h.byLevel[r.level] ?? 0) + r.count;
    }
    const byHour = [...hours.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([hour, h]) => ({ hour: new Date(hour).toISOString(), ...h }));
    return c.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      total,
      byLevel,
      bySource,
      byHour,
      ...(deps.totals?.() ?? {}),
    });
  });
  return app;
}
