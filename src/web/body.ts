/**
 * Reading request bodies with a hard size limit enforced while reading (not only from Content-Length, which chunked
 * requests do not send), so an oversized body gets a 413 before it is buffered.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

export async function readBodyLimited(c: Context, maxBytes: number): Promise<Buffer> {
  const declared = c.req.header('content-length');
  if (declared && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const body = c.req.raw.body;
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(max: number): HTTPException {
  return new HTTPException(413, { message: `request body is larger than the limit of ${max} bytes` });
}
