/**
 * What a file source cannot read right now: its folder (missing, closed to us), entries in it (a symlink loop, a file
 * without read permission) and files that failed to open. A file that failed is tried again with backoff (rescans and
 * watcher events come often on a busy folder; a file that keeps failing must not be reopened on each), at least once
 * per rescan; every other file of the source is read meanwhile. Changes are logged once (WARN when a problem appears,
 * INFO when it clears) and reported, so /api/health, MQTT and the panel show the source as failing until it reads.
 */
import type { Logger } from '../core/logger.ts';
import type { Checkpoint } from '../store/records.ts';
import type { ListingProblem } from './file-selection.ts';
import type { StartMode } from './file-tailer.ts';

/** Problems kept and reported at most (a folder of thousands of broken links is summarised by its first ones). */
const MAX_PROBLEMS = 20;
/** Problems logged at most per change; the rest are counted in one line. */
const MAX_LOGGED = 5;
const FIRST_RETRY_MS = 1000;

/** How to open a file again once it can be: where its first attempt would have begun. */
export interface RetryPlan {
  ck: Checkpoint | null;
  mode: StartMode;
}

interface Failure {
  error: string;
  attempts: number;
  retryAt: number;
  plan: RetryPlan;
}

export interface SourceProblemsOptions {
  source: string;
  logger: Logger;
  /** Longest wait between two attempts at a failing file (the source's rescan interval). */
  maxBackoffMs: number;
  onChange(problems: ListingProblem[]): void;
  /** Monotonic ms (backoff only); default `performance.now()`. */
  now?: () => number;
}

export class SourceProblems {
  private readonly opts: SourceProblemsOptions;
  private readonly now: () => number;
  private listing: ListingProblem[] = [];
  /** Listings in a row that found problems, and when the last one ran (the next is due after a backoff). */
  private listingStreak = 0;
  private listedAt = 0;
  private readonly failures = new Map<string, Failure>();
  /** `path\0error` of what was reported last. */
  private reported = new Set<string>();

  constructor(opts: SourceProblemsOptions) {
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
  }

  /** What the latest listing could not read (replaces the previous listing's). */
  setListing(problems: readonly ListingProblem[]): void {
    this.listing = problems.slice(0, MAX_PROBLEMS);
    this.listingStreak = problems.length ? this.listingStreak + 1 : 0;
    this.listedAt = this.now();
  }

  /** Milliseconds until something failing is due for another try; undefined when nothing fails. */
  nextRetryIn(): number | undefined {
    let at = this.listingStreak ? this.listedAt + this.backoff(this.listingStreak) : Number.POSITIVE_INFINITY;
    for (const f of this.failures.values()) at = Math.min(at, f.retryAt);
    return Number.isFinite(at) ? Math.max(0, at - this.now()) : undefined;
  }

  /** Whether the listing found `path` itself unreadable (the folder: its watcher is broken too). */
  listingFailed(path: string): boolean {
    return this.listing.some((p) => p.path === path);
  }

  /** Opening `path` failed: it is tried again after a backoff, as `plan` says (unless an earlier plan is kept). */
  openFailed(path: string, error: string, plan: RetryPlan): void {
    const prev = this.failures.get(path);
    const attempts = (prev?.attempts ?? 0) + 1;
    this.failures.set(path, {
      error,
      attempts,
      retryAt: this.now() + this.backoff(attempts),
      plan: prev?.plan ?? plan,
    });
  }

  /** 1 s, 2 s, 4 s … up to the rescan interval. */
  private backoff(attempts: number): number {
    return Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20), Math.max(FIRST_RETRY_MS, this.opts.maxBackoffMs));
  }

  opened(path: string): void {
    this.failures.delete(path);
  }

  /** Whether `path` may be tried now: it never failed, or its backoff is over. */
  due(path: string): boolean {
    const f = this.failures.get(path);
    return !f || this.now() >= f.retryAt;
  }

  /** How a file that failed should be opened once it can be. */
  plan(path: string): RetryPlan | undefined {
    return this.failures.get(path)?.plan;
  }

  /** Files no longer selected (deleted, rotated away) are no longer failing. */
  keepOnly(selected: ReadonlySet<string>): void {
    for (const path of this.failures.keys()) if (!selected.has(path)) this.failures.delete(path);
  }

  list(): ListingProblem[] {
    const out = [...this.listing];
    for (const [path, f] of this.failures) {
      if (out.length >= MAX_PROBLEMS) break;
      if (!out.some((p) => p.path === path)) out.push({ path, error: f.error });
    }
    return out;
  }

  /** Logs and reports what changed since the last call. */
  report(): void {
    const now = this.list();
    const keys = new Set(now.map((p) => `${p.path}\u0000${p.error}`));
    if (keys.size === this.reported.size && [...keys].every((k) => this.reported.has(k))) return;
    const { logger, source } = this.opts;
    const fresh = now.filter((p) => !this.reported.has(`${p.path}\u0000${p.error}`));
    for (const p of fresh.slice(0, MAX_LOGGED)) {
      logger.warn(`Source ${source} cannot read ${p.path}: ${p.error}; it keeps trying, the rest is read meanwhile.`, {
        path: p.path,
        error: p.error,
      });
    }
    if (fresh.length > MAX_LOGGED) logger.warn(`Source ${source} cannot read ${fresh.length - MAX_LOGGED} more paths.`);
    const cleared = [...this.reported].filter((k) => !keys.has(k)).map((k) => k.split('\u0000')[0] as string);
    for (const path of cleared.slice(0, MAX_LOGGED)) {
      if (!now.some((p) => p.path === path)) logger.info(`Source ${source} can read ${path} again.`);
    }
    this.reported = keys;
    this.opts.onChange(now);
  }
}
