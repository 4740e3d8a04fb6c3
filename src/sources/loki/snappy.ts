/**
 * Snappy block decompression (the raw format of https://github.com/google/snappy/blob/main/format_description.txt,
 * not the framing format), which Loki push clients (Promtail, Alloy, Docker's driver, Vector, Fluent Bit) use for
 * protobuf bodies. The declared length is checked against `maxBytes` before anything is allocated, and every copy is
 * checked against what was written, so a hostile body fails with an error instead of growing memory.
 */
export class SnappyError extends Error {
  override name = 'SnappyError';
}

export function snappyUncompress(input: Uint8Array, maxBytes: number): Buffer {
  let pos = 0;
  // The uncompressed length: a little-endian base-128 varint of at most 32 bits.
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new SnappyError('bad length header');
    const b = input[pos++] as number;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > maxBytes) throw new SnappyError(`uncompressed size ${length} is over the limit of ${maxBytes} bytes`);
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  const need = (n: number): void => {
    if (pos + n > input.length) throw new SnappyError('truncated input');
  };
  while (pos < input.length) {
    const tag = input[pos++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const extra = len - 59;
        need(extra);
        len = 0;
        for (let i = 0; i < extra; i++) len += (input[pos + i] as number) * 2 ** (8 * i);
        pos += extra;
      }
      len += 1;
      need(len);
      if (o + len > length) throw new SnappyError('literal runs past the declared length');
      out.set(input.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      need(1);
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | (input[pos++] as number);
    } else if (kind === 2) {
      need(2);
      len = (tag >> 2) + 1;
      offset = (input[pos] as number) | ((input[pos + 1] as number) << 8);
      pos += 2;
    } else {
      need(4);
      len = (tag >> 2) + 1;
      offset =
        (input[pos] as number) +
        (input[pos + 1] as number) * 2 ** 8 +
        (input[pos + 2] as number) * 2 ** 16 +
        (input[pos + 3] as number) * 2 ** 24;
      pos += 4;
    }
    if (offset === 0 || offset > o) throw new SnappyError('copy from before the start');
    if (o + len > length) throw new SnappyError('copy runs past the declared length');
    // Overlapping copies repeat the last `offset` bytes: byte by byte is what the format means.
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset] as number;
  }
  if (o !== length) throw new SnappyError(`got ${o} bytes, the header declared ${length}`);
  return out;
}
