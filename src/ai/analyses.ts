/**
 * Analyses kept with their issues, in the small state file (section `ai`): the latest analysis per issue and a cache
 * keyed by fingerprint + evidence hash, so the same evidence is never sent twice. Bounded: the oldest entries go
 * first past `max`. Persisted through the StateStore the service hands over (lowdb stays in src/store).
 */
import type { StateStore } from '../store/state.ts';
import type { AnalysisAnswer } from './answer.ts';

export interface Analysis {
  issueId: string;
  /** `<fingerprint>:<evidence hash>`. */
  key: string;
  answer: AnalysisAnswer;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** The first answer failed validation and the repair retry fixed it. */
  repaired: boolean;
  createdAt: number;
}

interface Saved {
  analyses: Analysis[];
  /** Tokens spent per UTC day (`2026-12-02`), the last few days. */
  spent: Record<string, number>;
}

const SECTION = 'ai';
const VERSION = 1;

export class AnalysisStore {
  private readonly byKey = new Map<string, Analysis>();
  private readonly latest = new Map<string, Analysis>();
  private spent: Record<string, number> = {};
  private readonly max: number;
  private state: StateStore | undefined;

  constructor(max = 500) {
    this.max = max;
  }

  /** Adopts the state file (already loaded) and restores the saved section. */
  attach(state: StateStore): void {
    this.state = state;
    const saved = state.register<Saved>(SECTION, { version: VERSION, snapshot: () => this.snapshot() });
    if (!saved) return;
    for (const a of saved.analyses ?? []) this.put(a, false);
    this.spent = saved.spent ?? {};
  }

  get(key: string): Analysis | undefined {
    return this.byKey.get(key);
  }

  /** The newest analysis of an issue, whatever its evidence. */
  latestFor(issueId: string): Analysis | undefined {
    return this.latest.get(issueId);
  }

  put(a: Analysis, dirty = true): void {
    this.byKey.delete(a.key);
    this.byKey.set(a.key, a);
    const cur = this.latest.get(a.issueId);
    if (!cur || cur.createdAt <= a.createdAt) this.latest.set(a.issueId, a);
    while (this.byKey.size > this.max) {
      const oldest = this.byKey.values().next().value as Analysis;
      this.byKey.delete(oldest.key);
      if (this.latest.get(oldest.issueId) === oldest) this.latest.delete(oldest.issueId);
    }
    if (dirty) this.state?.markDirty();
  }

  spentOn(day: string): number {
    return this.spent[day] ?? 0;
  }

  addSpent(day: string, tokens: number): void {
    this.spent[day] = (this.spent[day] ?? 0) + tokens;
    // Keep a week of days: enough to read back, bounded.
    const days = Object.keys(this.spent).sort();
    for (const d of days.slice(0, Math.max(0, days.length - 7))) delete this.spent[d];
    this.state?.markDirty();
  }

  private snapshot(): Saved {
    return { analyses: [...this.byKey.values()], spent: { ...this.spent } };
  }
}
