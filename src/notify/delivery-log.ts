/**
 * What a target's delivery attempts leave behind for people: a bounded log of recent attempts (the panel's delivery
 * view and `notify-test` read it) and the fields a failure is logged and reported with. Kept apart from the queue so
 * the shape operators see is defined once, whoever records into it.
 */
import type { Clock } from '../core/clock.ts';
import { type ContentKind, DeliveryError, type FailureKind } from './types.ts';

export interface AttemptLog {
  at: number;
  target: string;
  /** Outbox id; 0 for a test send. */
  id: number;
  kind: ContentKind;
  title: string;
  attempt: number;
  outcome: 'sent' | 'retry' | 'failed' | 'dropped' | 'test-ok' | 'test-failed';
  durationMs: number;
  error?: string;
  failure?: FailureKind;
  status?: number;
  nextAt?: number;
}

/** The last `size` attempts of one target, oldest first; memory only (the outbox is the durable record). */
export class DeliveryLog {
  private readonly target: string;
  private readonly clock: Clock;
  private readonly size: number;
  private readonly entries: AttemptLog[] = [];

  constructor(target: string, clock: Clock, size = 50) {
    this.target = target;
    this.clock = clock;
    this.size = size;
  }

  record(entry: Omit<AttemptLog, 'at' | 'target'>): void {
    this.entries.push({ at: this.clock.now(), target: this.target, ...entry });
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
  }

  list(): AttemptLog[] {
    return [...this.entries];
  }
}

/** Anything a channel threw, as a `DeliveryError`: unknown errors count as network trouble (retried). */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError(message, { kind: 'network', cause: err });
}

/** The fields a failure carries into the attempt log, the logger and a test result. */
export function failureFields(e: DeliveryError): { error: string; failure: FailureKind; status?: number } {
  return { error: e.message, failure: e.kind, ...(e.status === undefined ? {} : { status: e.status }) };
}
