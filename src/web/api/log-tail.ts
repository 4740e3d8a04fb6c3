/**
 * The live tail behind `/api/logs/stream`: one Server-Sent Events stream per client, fed from the bus's `record`
 * events through the same filters as `/api/logs`. Each client has a bounded queue, filled as records arrive and
 * drained only as fast as its socket takes them (a pull stream): a client that falls `maxQueued` events behind is
 * sent a final `dropped` event and closed, so a slow reader never grows memory nor slows ingestion.
 */
import type { EventBus } from '../../core/bus.ts';
import type { ArrgusEvents } from '../../core/events.ts';
import type { Level, LogRecord } from '../../core/types.ts';

export interface TailFilter {
  sources?: readonly string[];
  levels?: readonly Level[];
  /** Words and "quoted phrases" that must all appear (case-insensitive) in message, exception or logger. */
  text?: string;
}

export interface TailOptions {
  maxQueued?: number;
  heartbeatMs?: number;
  /** Closes a dropped client's stream if it has not taken the final event by then. */
  dropGraceMs?: number;
}

const encoder = new TextEncoder();

function sse(event: string, data: unknown, id?: number): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n${id !== undefined ? `id: ${id}\n` : ''}\n`);
}

/** The words and phrases of a live-tail query, lower case. */
export function tailTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const t = (m[1] ?? m[2] ?? '').toLowerCase().trim();
    if (t && !['and', 'or', 'not'].includes(t)) out.push(t);
  }
  return out;
}

export function tailMatches(r: LogRecord, f: TailFilter, terms: readonly string[]): boolean {
  if (f.sources?.length && !f.sources.includes(r.source)) return false;
  if (f.levels?.length && !f.levels.includes(r.level)) return false;
  if (!terms.length) return true;
  const hay =
    `${r.message}\n${r.exception ? `${r.exception.type} ${r.exception.message}` : ''}\n${r.logger ?? ''}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}

export class LiveTail {
  private readonly bus: EventBus<ArrgusEvents>;
  private readonly opts: Required<TailOptions>;
  private clients = 0;
  private droppedClients = 0;
  private seq = 0;

  constructor(bus: EventBus<ArrgusEvents>, opts: TailOptions = {}) {
    this.bus = bus;
    this.opts = { maxQueued: 1000, heartbeatMs: 15_000, dropGraceMs: 10_000, ...opts };
  }

  /** Clients connected now. */
  get connected(): number {
    return this.clients;
  }

  /** Clients dropped for reading too slowly since start. */
  get dropped(): number {
    return this.droppedClients;
  }

  /** An SSE body for one client; `present` turns a record into the event's data. */
  open(filter: TailFilter, present: (r: LogRecord) => unknown): ReadableStream<Uint8Array> {
    const terms = tailTerms(filter.text ?? '');
    const queue: Uint8Array[] = [];
    let wake: (() => void) | null = null;
    let ending = false;
    let closed = false;
    let off: (() => void) | null = null;
    let heartbeat: NodeJS.Timeout | null = null;
    let grace: NodeJS.Timeout | null = null;
    const { maxQueued, heartbeatMs, dropGraceMs } = this.opts;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      this.clients--;
      off?.();
      if (heartbeat) clearInterval(heartbeat);
      if (grace) clearTimeout(grace);
      wake?.();
    };
    const push = (chunk: Uint8Array): void => {
      queue.push(chunk);
      const w = wake;
      wake = null;
      w?.();
    };
    this.clients++;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          controller.enqueue(sse('ready', { filter: { ...filter } }));
          off = this.bus.on('record', 'web:tail', (r) => {
            if (ending || !tailMatches(r, filter, terms)) return;
            if (queue.length >= maxQueued) {
              // Too slow: forget what it has not taken, tell it why, and end the stream once it takes that.
              ending = true;
              this.droppedClients++;
              queue.length = 0;
              off?.();
              push(sse('dropped', { reason: `the client fell ${maxQueued} records behind`, maxQueued }));
              grace = setTimeout(() => {
                try {
                  controller.error(new Error('slow client dropped'));
                } catch {
                  // Already closed by the client: nothing left to end.
                }
                finish();
              }, dropGraceMs);
              grace.unref();
              return;
            }
            push(sse('record', present(r), ++this.seq));
          });
          heartbeat = setInterval(() => {
            if (!ending && queue.length < maxQueued) push(encoder.encode(': keep-alive\n\n'));
          }, heartbeatMs);
          heartbeat.unref();
        },
        pull: async (controller) => {
          while (!queue.length && !closed) await new Promise<void>((r) => (wake = r));
          if (closed) {
            try {
              controller.close();
            } catch {
              // Errored by the grace timer: the stream is over either way.
            }
            return;
          }
          controller.enqueue(queue.shift() as Uint8Array);
          if (ending && !queue.length) {
            controller.close();
            finish();
          }
        },
        cancel: () => finish(),
      },
      { highWaterMark: 1 },
    );
  }
}
