/**
 * The lines around a sample in its log file, read at the sample's byte offset (a bounded window, no full read). The
 * file may have rotated since: the line found at the offset must be the sample's first line, or nothing is returned.
 */
import { open } from 'node:fs/promises';
import { redact } from '../core/redact.ts';
import type { IssueSample } from '../core/types.ts';

const WINDOW_BEFORE = 4096;
const WINDOW_AFTER = 8192;

export async function readNeighbours(
  sample: Pick<IssueSample, 'file' | 'offset' | 'raw'>,
  before = 4,
  after = 4,
): Promise<{ before: string[]; after: string[] } | undefined> {
  if (sample.file === undefined || sample.offset === undefined) return undefined;
  const start = Math.max(0, sample.offset - WINDOW_BEFORE);
  let text: string;
  try {
    const fh = await open(sample.file, 'r');
    try {
      const buf = Buffer.alloc(sample.offset - start + WINDOW_AFTER);
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    // Rotated away or unreadable: the bundle goes without neighbours.
    return undefined;
  }
  const head = Buffer.from(text)
    .subarray(0, sample.offset - start)
    .toString('utf8');
  const rest = text.slice(head.length);
  const firstLine = rest.split(/\r?\n/, 1)[0] ?? '';
  const expected = (sample.raw.split('\n', 1)[0] ?? '').trim();
  const probe = expected.slice(0, 40);
  if (!probe || !redact(firstLine).trim().startsWith(probe)) return undefined;
  const sampleLines = sample.raw.split('\n').length;
  const beforeLines = head.split(/\r?\n/);
  beforeLines.pop(); // the partial line the window started in the middle of, or the empty tail before the sample
  const afterLines = rest.split(/\r?\n/).slice(sampleLines);
  return {
    // A window that starts mid-file starts mid-line: that first piece is not a line.
    before: (start > 0 ? beforeLines.slice(1) : beforeLines).slice(-before),
    after: afterLines.slice(0, after).filter((l, i, a) => i < a.length - 1 || l !== ''),
  };
}
