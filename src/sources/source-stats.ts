/**
 * Live numbers per source for /api/health, MQTT states and the panel. Memory is bounded: one ring of per-minute
 * buckets (the last hour) per source. Arrival time comes from the injected clock; `lastRecordAt`/`lastErrorAt` are
 * the records' own times (what the app wrote), so a backfill does not pretend the app is talking right now.
 */
import type { Clock } from '../core/clock.ts';
import type { SourceStats, StatsService } from '../core/ports.ts';
import type { LogRecord } from '../core/types.ts';

const MINUTE = 60_000;
const BUCKETS = 60;

interface Bucket {
  minute: number;
  records: number;
  errors: number;
  warnings: number;
}

interface Entry {
  source: string;
  app: string;
  files: string[];
  lastRecordAt: number | null;
  lastErrorAt: number | null;
  parseFailures: number;
  totalRecords: number;
  problems: Array<{ path: string; error: string }>;
  since: number;
  buckets: Array<Bucket | undefined>;
}

export class SourceStatsTracker implements StatsService {
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Makes a source known (so it shows up with zeros before its first record). */
  register(source: string, app: string): void {
    if (!this.entries.has(source)) this.entries.set(source, this.fresh(source, app));
  }

  setFiles(source: string, files: readonly string[]): void {
    this.entry(source).files = [...files];
  }

  /** What the source cannot read now (empty: everything is read). */
  setProblems(source: string, problems: ReadonlyArray<{ path: string; error: string }>): void {
    this.entry(source).problems = problems.map((p) => ({ path: p.path, error: p.error }));
  }

  /** Counts one record; orphan records (lines before any header) count as parse failures too. */
  record(rec: LogRecord): void {
    const e = this.entry(rec.source, rec.app);
    if (e.app === 'auto' || e.app === 'docker' || e.app === 'generic') e.app = rec.app;
    const b = this.bucket(e);
    b.records++;
    e.totalRecords++;
    if (e.lastRecordAt === null || rec.time > e.lastRecordAt) e.lastRecordAt = rec.time;
    if (rec.level === 'error' || rec.level === 'fatal') {
      b.errors++;
      if (e.lastErrorAt === null || rec.time > e.lastErrorAt) e.lastErrorAt = rec.time;
    } else if (rec.level === 'warn') b.warnings++;
    if (rec.orphan) e.parseFailures++;
  }

  /** Lines that could not be read as records at all. */
  parseFailure(source: string, count = 1): void {
    this.entry(source).parseFailures += count;
  }

  get(source: string): SourceStats | undefined {
    const e = this.entries.get(source);
    return e ? this.snapshot(e) : undefined;
  }

  all(): SourceStats[] {
    return [...this.entries.values()].map((e) => this.snapshot(e)).sort((a, b) => a.source.localeCompare(b.source));
  }

  private snapshot(e: Entry): SourceStats {
    const now = this.clock.now();
    const minute = Math.floor(now / MINUTE);
    let r5 = 0;
    let e5 = 0;
    let w5 = 0;
    let e60 = 0;
    let w60 = 0;
    for (const b of e.buckets) {
      // The ring is sparse until every slot was used once.
      if (!b) continue;
      const age = minute - b.minute;
      if (age < 0 || age >= BUCKETS) continue;
      e60 += b.errors;
      w60 += b.warnings;
      if (age < 5) {
        r5 += b.records;
        e5 += b.errors;
        w5 += b.warnings;
      }
    }
    // Average over the last five minutes, or over the time since the source started when that is shorter.
    const span = Math.min(5, Math.max(1, Math.ceil((now - e.since) / MINUTE)));
    return {
      source: e.source,
      app: e.app,
      files: [...e.files],
      lastRecordAt: e.lastRecordAt,
      lastErrorAt: e.lastErrorAt,
      recordsPerMinute: Math.round((r5 / span) * 10) / 10,
      errors5m: e5,
      warnings5m: w5,
      errors1h: e60,
      warnings1h: w60,
      parseFailures: e.parseFailures,
      totalRecords: e.totalRecords,
      problems: e.problems.map((p) => ({ ...p })),
    };
  }

  private entry(source: string, app = 'generic'): Entry {
    let e = this.entries.get(source);
    if (!e) {
      e = this.fresh(source, app);
      this.entries.set(source, e);
    }
    return e;
  }

  private fresh(source: string, app: string): Entry {
    return {
      source,
      app,
      files: [],
      lastRecordAt: null,
      lastErrorAt: null,
      parseFailures: 0,
      totalRecords: 0,
      problems: [],
      since: this.clock.now(),
      buckets: [],
    };
  }

  /** The bucket of the current minute; a ring of BUCKETS slots indexed by minute, reused when it comes round. */
  private bucket(e: Entry): Bucket {
    const minute = Math.floor(this.clock.now() / MINUTE);
    const slot = ((minute % BUCKETS) + BUCKETS) % BUCKETS;
    let b = e.buckets[slot];
    if (!b) {
      b = { minute, records: 0, errors: 0, warnings: 0 };
      e.buckets[slot] = b;
    } else if (b.minute !== minute) {
      b.minute = minute;
      b.records = 0;
      b.errors = 0;
      b.warnings = 0;
    }
    return b;
  }
}
