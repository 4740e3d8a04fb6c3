/**
 * The next issues the issue cap drops, so that a flood of new messages (every line a new issue, thousands a second)
 * costs no scan of every tracked issue per issue opened. One sort of the tracked issues yields the first `batch` in
 * prune order (resolved ones, then the longest quiet); each issue opened beyond the cap takes the head. The order can
 * only change in a few ways, each handled so the head stays the true first:
 * - an issue seen again or reopened moves back (its `lastSeen` grows, it stops being resolved): a candidate whose
 *   snapshot no longer matches is placed again, or left out when it now sorts after the last candidate (everything not
 *   in the list sorted after it at the last sort and can only have moved back since);
 * - an issue moves forward only when it resolves, or enters with an old time (backfill, an API's problem): the
 *   tracker calls `consider`, which inserts it when it sorts before the last candidate.
 * The list is sorted again from scratch once used up.
 */
import type { Issue } from '../core/types.ts';

interface Candidate {
  issue: Issue;
  resolved: boolean;
  lastSeen: number;
}

const snap = (issue: Issue): Candidate => ({
  issue,
  resolved: issue.status === 'resolved',
  lastSeen: issue.lastSeen,
});

/** Which issues the cap drops first: resolved ones, then the longest quiet. */
export function pruneOrder(a: Issue, b: Issue): number {
  return Number(b.status === 'resolved') - Number(a.status === 'resolved') || a.lastSeen - b.lastSeen;
}

const order = (a: Candidate, b: Candidate): number =>
  Number(b.resolved) - Number(a.resolved) || a.lastSeen - b.lastSeen;

export class PruneCandidates {
  private readonly batch: number;
  /** Ascending prune order; empty until the first `take`. */
  private list: Candidate[] = [];

  constructor(batch: number) {
    this.batch = Math.max(1, batch);
  }

  /** Forgets the list (the tracker's issues were replaced). */
  reset(): void {
    this.list = [];
  }

  /** `issue` may have moved forward in prune order (resolved, or entered with an old time). */
  consider(issue: Issue): void {
    const tail = this.list[this.list.length - 1];
    if (!tail) return; // no list: the next sort sees it
    const c = snap(issue);
    if (order(c, tail) < 0) this.insert(c);
  }

  /** The first issue in prune order among `issues`, never `keep`; undefined when there is none. */
  take(issues: ReadonlyMap<string, Issue>, keep: Issue): Issue | undefined {
    for (let sorted = false; ; sorted = true) {
      let i = 0;
      while (i < this.list.length) {
        const c = this.list[i] as Candidate;
        const issue = c.issue;
        if (issues.get(issue.id) !== issue) {
          this.list.splice(i, 1);
          continue;
        }
        if (c.resolved !== (issue.status === 'resolved') || c.lastSeen !== issue.lastSeen) {
          this.list.splice(i, 1);
          const tail = this.list[this.list.length - 1];
          const now = snap(issue);
          if (tail && order(now, tail) < 0) this.insert(now);
          continue;
        }
        if (issue === keep) {
          i++;
          continue;
        }
        this.list.splice(i, 1);
        return issue;
      }
      if (sorted) return undefined;
      this.sort(issues);
    }
  }

  private sort(issues: ReadonlyMap<string, Issue>): void {
    const all: Candidate[] = [];
    for (const issue of issues.values()) all.push(snap(issue));
    // Stable: among equals, the issue tracked first goes first.
    all.sort(order);
    this.list = all.slice(0, this.batch);
  }

  /** After its equals, so that among equals the one listed first stays first. */
  private insert(c: Candidate): void {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order(this.list[mid] as Candidate, c) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.list.splice(lo, 0, c);
    // Bounded: what falls off the end sorts after the new last candidate, which keeps the rule above true.
    if (this.list.length > 2 * this.batch) this.list.length = this.batch;
  }
}
