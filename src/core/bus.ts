/**
 * A typed event bus. Each listener is isolated: a throwing or rejecting listener is logged once with its name and
 * never reaches the emitter or the other listeners (zigbee2mqtt's EventBus does the same).
 */
import { LogSummary } from './log-summary.ts';
import type { Logger } from './logger.ts';

type Listener<T> = (payload: T) => void | Promise<void>;

interface Entry<T> {
  name: string;
  fn: Listener<T>;
}

export class EventBus<Events extends object> {
  private readonly listeners = new Map<keyof Events, Entry<never>[]>();
  /** A listener that fails on every record would otherwise write a line per record: one line a minute per listener. */
  private readonly failures: LogSummary;

  constructor(logger: Logger) {
    this.failures = new LogSummary(logger);
  }

  /** Subscribes `fn` under `name` (used in error logs). Returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, name: string, fn: Listener<Events[K]>): () => void {
    const entry: Entry<Events[K]> = { name, fn };
    // Lists are replaced, never changed in place: an emit under way keeps the list it started with, and emitting (once
    // per record for `record`) copies nothing.
    const list = (this.listeners.get(event) ?? []) as Entry<Events[K]>[];
    this.listeners.set(event, [...list, entry] as Entry<never>[]);
    return () => {
      const cur = (this.listeners.get(event) ?? []) as Entry<Events[K]>[];
      if (cur.includes(entry))
        this.listeners.set(
          event,
          cur.filter((e) => e !== entry),
        );
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners.get(event) as Entry<Events[K]>[] | undefined;
    if (!list || list.length === 0) return;
    for (let i = 0; i < list.length; i++) {
      const { name, fn } = list[i] as Entry<Events[K]>;
      try {
        const r = fn(payload);
        if (r && typeof (r as Promise<void>).then === 'function') {
          (r as Promise<void>).catch((err: unknown) => this.fail(String(event), name, err));
        }
      } catch (err) {
        this.fail(String(event), name, err);
      }
    }
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  removeAll(): void {
    this.listeners.clear();
  }

  private fail(event: string, name: string, err: unknown): void {
    this.failures.warn(
      `${event}\u0000${name}`,
      (n) =>
        n > 1
          ? `Listener ${name} failed on event ${event} ${n} times since the last warning; the others carry on.`
          : `Listener ${name} failed on event ${event}; the others carry on.`,
      { error: err instanceof Error ? err.message : String(err) },
    );
  }
}
