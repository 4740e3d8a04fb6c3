/**
 * The live tail as server-sent events: one `record` event per new record (already redacted on the hot path),
 * filtered by source and minimum level on the server. Bounded: a few streams at once, and a slow reader loses lines
 * (counted in a `dropped` event) instead of growing a queue.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { LEVEL_RANK, type Level } from '../../core/types.ts';
import type { PanelDeps, PanelLogRecord } from './deps.ts';
import { logText } from './html.ts';

export const MAX_STREAMS = 16;
const MAX_QUEUE = 500;
const HEARTBEAT_MS = 15_000;
const MAX_TEXT = 4000;

let open = 0;

export function tailStream(c: Context, d: PanelDeps, filter: { source?: string; level?: string }): Response {
  const subscribe = d.subscribeRecords;
  if (!subscribe) return c.text('live tail unavailable', 503);
  if (open >= MAX_STREAMS) return c.text(`too many live tails open (at most ${MAX_STREAMS})`, 503);
  open++;
  const min = filter.level && filter.level in LEVEL_RANK ? LEVEL_RANK[filter.level as Level] : 0;
  // Through Home Assistant ingress and other proxies: do not buffer the stream.
  c.header('x-accel-buffering', 'no');
  c.header('cache-control', 'no-cache');
  return streamSSE(c, async (stream) => {
    const queue: PanelLogRecord[] = [];
    let dropped = 0;
    let wake: (() => void) | null = null;
    const unsubscribe = subscribe((r) => {
      if (filter.source && r.source !== filter.source) return;
      if ((LEVEL_RANK[r.level as Level] ?? 0) < min) return;
      if (queue.length >= MAX_QUEUE) dropped++;
      else queue.push(r);
      wake?.();
    });
    const heartbeat = setInterval(() => wake?.(), HEARTBEAT_MS);
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    try {
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!closed) {
        if (!queue.length && !dropped) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
          if (!queue.length && !dropped && !closed) await stream.write(': keep-alive\n\n');
          continue;
        }
        if (dropped) {
          await stream.writeSSE({ event: 'dropped', data: String(dropped) });
          dropped = 0;
        }
        const batch = queue.splice(0, queue.length);
        for (const r of batch) {
          const text = logText((r.raw ?? r.message).slice(0, MAX_TEXT));
          await stream.writeSSE({
            event: 'record',
            data: JSON.stringify({ time: r.time, level: r.level, source: r.source, text, issueId: r.issueId }),
          });
        }
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      open--;
    }
  });
}
