import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Issue } from '../core/types.ts';
import { PruneCandidates, pruneOrder } from './prune-candidates.ts';

/** A small seeded generator (mulberry32), so a failure names its seed and replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const issue = (id: string, lastSeen: number, status: Issue['status'] = 'open') =>
  ({ id, lastSeen, status }) as unknown as Issue;

/** What the tracker did before: one scan of every issue, the first in prune order that is not `keep`. */
function scan(issues: Map<string, Issue>, keep: Issue): Issue | undefined {
  let victim: Issue | undefined;
  for (const i of issues.values()) if (i !== keep && (!victim || pruneOrder(i, victim) < 0)) victim = i;
  return victim;
}

test('the candidates give the same victims as a scan of every issue, through sightings, resolutions and backfill', () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    const r = rng(seed);
    const issues = new Map<string, Issue>();
    const cands = new PruneCandidates(8);
    const max = 40;
    let now = 1_000;
    let n = 0;
    for (let step = 0; step < 3000; step++) {
      now += 1 + Math.floor(r() * 3);
      const all = [...issues.values()];
      const pick = all[Math.floor(r() * all.length)];
      const roll = r();
      if (pick && roll < 0.25) {
        // Seen again (or a resolved one recurs: open again).
        pick.lastSeen = now;
        pick.status = 'open';
      } else if (pick && roll < 0.35) {
        pick.status = 'resolved';
        cands.consider(pick);
      } else if (pick && roll < 0.4) {
        // Set back to open by hand: no new sighting, it only moves back in prune order.
        if (pick.status === 'resolved') pick.status = 'acknowledged';
      } else {
        // A new issue, now and then with an old time (backfill).
        const opened = issue(`i${n++}`, roll > 0.95 ? now - Math.floor(r() * 500) : now);
        issues.set(opened.id, opened);
        cands.consider(opened);
        while (issues.size > max) {
          const expected = scan(issues, opened);
          const got = cands.take(issues, opened);
          assert.equal(got?.id, expected?.id, `seed ${seed}, step ${step}`);
          if (!got) break;
          issues.delete(got.id);
        }
      }
    }
  }
});

test('the one issue left is never taken when it is the one kept', () => {
  const only = issue('a', 1);
  const cands = new PruneCandidates(4);
  assert.equal(cands.take(new Map([['a', only]]), only), undefined);
});
