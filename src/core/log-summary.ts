/**
 * Summaries for log lines that outsiders or log content can repeat at will (a refused webhook, a listener failing
 * on every record): the first occurrence of a kind is logged at once, later ones are counted and logged at most once
 * per interval with the count since the last line. A flood then writes a line a minute, not thousands. The set of
 * kinds is bounded too (the oldest is forgotten), since a kind may carry a name the sender chose.
 */
import type { Fields, Logger } from './logger.ts';

export interface LogSummaryOptions {
  /** Least time between two lines of one kind (default one minute). */
  intervalMs?: number;
  /** Kinds remembered at most (default 256). */
  maxKinds?: number;
  /** Monotonic time in ms; default `performance.now()` (only spacing is decided here, no dates). */
  now?: () => number;
}

interface Kind {
  count: number;
  loggedAt: number;
}

export class LogSummary {
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly maxKinds: number;
  private readonly now: () => number;
  private readonly kinds = new Map<string, Kind>();

  constructor(logger: Logger, opts: LogSummaryOptions = {}) {
    this.logger = logger;
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.maxKinds = opts.maxKinds ?? 256;
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * One occurrence of `kind`: logs `message(n)` at `level` when the kind's interval is over, where `n` is the number
   * of occurrences since its last line (this one included); otherwise only counts it. Returns whether it logged.
   */
  warn(kind: string, message: (n: number) => string, fields?: Fields): boolean {
    return this.note('warn', kind, message, fields);
  }

  note(level: 'info' | 'warn' | 'error', kind: string, message: (n: number) => string, fields?: Fields): boolean {
    const now = this.now();
    let k = this.kinds.get(kind);
    if (!k) {
      if (this.kinds.size >= this.maxKinds) this.kinds.delete(this.kinds.keys().next().value as string);
      k = { count: 0, loggedAt: Number.NEGATIVE_INFINITY };
      this.kinds.set(kind, k);
    }
    k.count++;
    if (now - k.loggedAt < this.intervalMs) return false;
    const n = k.count;
    k.count = 0;
    k.loggedAt = now;
    const f = n > 1 ? { ...fields, occurrences: n } : fields;
    this.logger[level](message(n), f);
    return true;
  }
}
