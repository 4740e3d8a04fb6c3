/**
 * `POST /loki/api/v1/push`: Loki's push API, so log shippers on other hosts (Promtail, Grafana Alloy, Vector, Fluent
 * Bit, Docker's Loki driver) send their logs to Arrgus. Protobuf + snappy or JSON (+ gzip), as Loki accepts; labels
 * name the source and app (see streamTarget). The same bearer token as the rest of the API; answers 204 like Loki.
 */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { CoreContext } from '../core/context.ts';
import { decodeJsonPush, decodeProtoPush, PushError, type PushStream, streamTarget } from '../sources/loki/push.ts';
import { SnappyError, snappyUncompress } from '../sources/loki/snappy.ts';
import { readBodyLimited } from './body.ts';
import type { IngestDeps } from './ingest-routes.ts';

/** A compressed body may expand this many times its size limit, no more. */
const EXPANSION = 8;

export function lokiRoutes(ctx: CoreContext, deps: IngestDeps): Hono {
  const app = new Hono();
  app.post('/loki/api/v1/push', async (c) => {
    const push = deps.pushLines;
    if (!push) throw new HTTPException(503, { message: 'ingestion is not running' });
    const max = ctx.config.web.maxBodyBytes;
    const raw = await readBodyLimited(c, max);
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const encoding = (c.req.header('content-encoding') ?? '').trim().toLowerCase();
    let streams: PushStream[];
    try {
      if (type === 'application/json') {
        streams = decodeJsonPush(inflate(raw, encoding, max * EXPANSION).toString('utf8'));
      } else if (type === 'application/x-protobuf' || type === '') {
        // Protobuf bodies are snappy blocks (Loki's own rule); a gzip Content-Encoding may wrap them.
        const body = encoding === 'gzip' ? inflate(raw, encoding, max * EXPANSION) : raw;
        streams = decodeProtoPush(snappyUncompress(body, max * EXPANSION));
      } else {
        throw new HTTPException(415, {
          message: `Content-Type: got "${type}", expected application/x-protobuf (snappy) or application/json`,
        });
      }
    } catch (err) {
      if (err instanceof HTTPException) throw err;
      if (err instanceof RangeError || (err instanceof SnappyError && /over the limit/.test(err.message)))
        throw new HTTPException(413, { message: `decompressed body is larger than ${max * EXPANSION} bytes` });
      if (
        err instanceof PushError ||
        err instanceof SnappyError ||
        (err as NodeJS.ErrnoException).code?.startsWith('Z_')
      )
        throw new HTTPException(400, { message: `invalid push request: ${(err as Error).message}` });
      throw err;
    }
    for (const s of streams) {
      if (!s.lines.length) continue;
      const t = streamTarget(s.labels);
      push(t.source, t.app, s.lines);
    }
    return c.body(null, 204);
  });
  return app;
}

function inflate(raw: Buffer, encoding: string, maxOutputLength: number): Buffer {
  if (encoding === '' || encoding === 'identity') return raw;
  if (encoding === 'gzip') return gunzipSync(raw, { maxOutputLength });
  throw new HTTPException(415, { message: `Content-Encoding: got "${encoding}", expected gzip or none` });
}
