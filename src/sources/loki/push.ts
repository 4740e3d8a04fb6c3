/**
 * Loki's push API as a source (`POST /loki/api/v1/push`): Promtail, Grafana Alloy, Vector, Fluent Bit and Docker's Loki
 * driver on other hosts ship their logs here. Two bodies, as Loki accepts them: protobuf (`logproto.PushRequest`,
 * snappy-compressed, the clients' default) and JSON (`{"streams":[{"stream":{labels},"values":[[ns, line], ...]}]}`,
 * optionally gzip). Decoding is pure and bounded; the route feeds the lines to the same pipeline as tailed files.
 */
import { z } from 'zod';
import { APPS, type AppName } from '../../core/types.ts';

export interface PushStream {
  labels: Record<string, string>;
  /** Lines in the order sent (Loki requires that order within a stream). */
  lines: string[];
}

export class PushError extends Error {
  override name = 'PushError';
}

export interface PushLimits {
  maxStreams: number;
  maxLines: number;
  maxLabels: number;
}

export const DEFAULT_PUSH_LIMITS: PushLimits = { maxStreams: 1000, maxLines: 100_000, maxLabels: 32 };

const jsonBody = z.strictObject({
  streams: z.array(
    z.object({
      stream: z.record(z.string(), z.string()).default({}),
      values: z.array(
        z.union([
          z.tuple([z.string(), z.string()]),
          // The third element is structured metadata (Loki 3); it is not a label of the stream.
          z.tuple([z.string(), z.string(), z.record(z.string(), z.string())]),
        ]),
      ),
    }),
  ),
});

export function decodeJsonPush(text: string, limits: PushLimits = DEFAULT_PUSH_LIMITS): PushStream[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PushError(`body is not JSON: ${(err as Error).message}`);
  }
  const parsed = jsonBody.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PushError(
      `expected {"streams":[{"stream":{...},"values":[["<ns>","<line>"]]}]} (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
    );
  }
  const streams = parsed.data.streams.map((s) => ({ labels: s.stream, lines: s.values.map((v) => v[1]) }));
  return checkLimits(streams, limits);
}

/** Decodes a `logproto.PushRequest` (already snappy-decompressed). */
export function decodeProtoPush(buf: Uint8Array, limits: PushLimits = DEFAULT_PUSH_LIMITS): PushStream[] {
  const streams: PushStream[] = [];
  let lines = 0;
  for (const f of fields(buf, 0, buf.length)) {
    // PushRequest: 1 = repeated StreamAdapter streams, 2 = format (ignored).
    if (f.no !== 1 || f.wire !== 2) continue;
    if (streams.length >= limits.maxStreams) throw new PushError(`more than ${limits.maxStreams} streams`);
    let labels: Record<string, string> = {};
    const out: string[] = [];
    for (const s of fields(buf, f.start, f.end)) {
      // StreamAdapter: 1 = labels (`{a="b"}`), 2 = repeated EntryAdapter entries, 3 = hash.
      if (s.no === 1 && s.wire === 2) labels = parseLabels(utf8(buf, s.start, s.end), limits.maxLabels);
      else if (s.no === 2 && s.wire === 2) {
        for (const e of fields(buf, s.start, s.end)) {
          // EntryAdapter: 1 = timestamp, 2 = line, 3 = structured metadata.
          if (e.no === 2 && e.wire === 2) {
            if (++lines > limits.maxLines) throw new PushError(`more than ${limits.maxLines} lines in one request`);
            out.push(utf8(buf, e.start, e.end));
          }
        }
      }
    }
    streams.push({ labels, lines: out });
  }
  return streams;
}

function checkLimits(streams: PushStream[], limits: PushLimits): PushStream[] {
  if (streams.length > limits.maxStreams) throw new PushError(`more than ${limits.maxStreams} streams`);
  const lines = streams.reduce((n, s) => n + s.lines.length, 0);
  if (lines > limits.maxLines) throw new PushError(`more than ${limits.maxLines} lines in one request`);
  for (const s of streams)
    if (Object.keys(s.labels).length > limits.maxLabels) throw new PushError(`more than ${limits.maxLabels} labels`);
  return streams;
}

interface Field {
  no: number;
  wire: number;
  /** Payload bounds of a length-delimited field (wire type 2). */
  start: number;
  end: number;
}

/** The fields of one protobuf message in `buf[start, end)`; varint and fixed fields are skipped over. */
function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end || shift > 63) throw new PushError('malformed protobuf (varint)');
      const b = buf[pos++] as number;
      if (shift < 53) v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (pos < end) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (pos + len > end) throw new PushError('malformed protobuf (length past the end)');
      yield { no, wire, start: pos, end: pos + len };
      pos += len;
      continue;
    } else throw new PushError(`malformed protobuf (wire type ${wire})`);
    if (pos > end) throw new PushError('malformed protobuf (field past the end)');
  }
}

const decoder = new TextDecoder();
function utf8(buf: Uint8Array, start: number, end: number): string {
  return decoder.decode(buf.subarray(start, end));
}

/** Parses a Prometheus label set as Loki writes it: `{job="varlogs", filename="/var/log/x.log"}`. */
export function parseLabels(text: string, maxLabels = DEFAULT_PUSH_LIMITS.maxLabels): Record<string, string> {
  const out: Record<string, string> = {};
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}'))
    throw new PushError(`labels must look like {name="value"}, got ${s.slice(0, 40)}`);
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  const body = s.slice(1, -1);
  re.lastIndex = 0;
  while (re.lastIndex < body.length) {
    const m = re.exec(body);
    if (!m) throw new PushError(`labels must look like {name="value"}, got ${s.slice(0, 40)}`);
    out[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (Object.keys(out).length > maxLabels) throw new PushError(`more than ${maxLabels} labels`);
    if (m[3] === '') break;
  }
  return out;
}

/** Labels, in order of preference, that name the app or the service a stream comes from. */
const APP_LABELS = ['app', 'service_name', 'container', 'container_name', 'compose_service', 'job'];
const HOST_LABELS = ['host', 'hostname', 'instance', 'node'];

/**
 * Which source and app a stream feeds: a `source` label names the source; else the host (if any) and the first
 * service-like label (`host-sonarr`). The app is the first such label that names a known app (`sonarr`,
 * `linuxserver/sonarr`, `sonarr-4k` all do), else `auto`: the content decides.
 */
export function streamTarget(labels: Record<string, string>): { source: string; app: AppName } {
  const service = APP_LABELS.map((k) => labels[k]).find((v): v is string => Boolean(v));
  let app: AppName = 'auto';
  for (const k of APP_LABELS) {
    const found = appIn(labels[k]);
    if (found) {
      app = found;
      break;
    }
  }
  const host = HOST_LABELS.map((k) => labels[k]).find((v): v is string => Boolean(v));
  const raw = labels.source ?? [host, service ?? 'loki'].filter(Boolean).join('-');
  const source =
    raw
      .replace(/[^\w .-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 64) || 'loki';
  return { source, app };
}

function appIn(value: string | undefined): AppName | undefined {
  if (!value) return undefined;
  const words = value.toLowerCase().split(/[^a-z0-9]+/);
  return (APPS as readonly string[]).find(
    (a) => a !== 'auto' && a !== 'generic' && a !== 'docker' && words.includes(a),
  ) as AppName | undefined;
}
