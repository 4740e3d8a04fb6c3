/**
 * Impact score, 0–100: how much an issue deserves attention now. A weighted sum of five components, each in 0–1:
 *
 * | component | weight | formula |
 * |---|---|---|
 * | severity  | 40% | info 0.1, low 0.3, medium 0.55, high 0.8, critical 1 |
 * | frequency | 25% | occurrences in the last 24 h (hourly histogram): `log10(1 + n) / log10(1 + 1000)`, capped at 1 — 1 a day ≈ 0.1, 30 ≈ 0.5, 1000+ = 1 |
 * | users     | 20% | distinct users affected `u`: `u / (u + 2)` — 1 ≈ 0.33, 2 = 0.5, 10 ≈ 0.83 |
 * | sessions  | 10% | distinct sessions or clients affected `s` (the larger): `s / (s + 3)` — 1 = 0.25, 3 = 0.5, 12 = 0.8 |
 * | recency   |  5% | age of the last occurrence: `0.5 ^ (age / 6 h)`, 1 when it just happened, 0 in the future never |
 *
 * score = round(100 × Σ weight × component). Pure: `now` is passed in, so the tick that recomputes every issue makes
 * recency (and the 24-hour frequency window) decay on replayed time exactly as on live time.
 */
import type { Issue, Severity } from '../core/types.ts';

export const IMPACT_WEIGHTS = { severity: 0.4, frequency: 0.25, users: 0.2, sessions: 0.1, recency: 0.05 } as const;

const SEVERITY_SCORE: Readonly<Record<Severity, number>> = {
  info: 0.1,
  low: 0.3,
  medium: 0.55,
  high: 0.8,
  critical: 1,
};

const HOUR = 3_600_000;
const RECENCY_HALF_LIFE = 6 * HOUR;
const FREQUENCY_SATURATION = Math.log10(1 + 1000);

export interface ImpactParts {
  severity: number;
  frequency: number;
  users: number;
  sessions: number;
  recency: number;
}

type ImpactInput = Pick<
  Issue,
  'severity' | 'histogram' | 'histogramStart' | 'users' | 'sessions' | 'clients' | 'lastSeen' | 'count'
>;

/** Occurrences in the 24 hours up to `now` (whole hours), read from the hourly histogram. */
export function countLast24h(issue: Pick<Issue, 'histogram' | 'histogramStart'>, now: number): number {
  const nowHour = Math.floor(now / HOUR);
  let n = 0;
  for (let i = 0; i < issue.histogram.length; i++) {
    const hour = issue.histogramStart + i;
    if (hour > nowHour - 24 && hour <= nowHour) n += issue.histogram[i] ?? 0;
  }
  return n;
}

export function impactParts(issue: ImpactInput, now: number): ImpactParts {
  const n = countLast24h(issue, now);
  const u = issue.users.length;
  const s = Math.max(issue.sessions.length, issue.clients.length);
  const age = Math.max(0, now - issue.lastSeen);
  return {
    severity: SEVERITY_SCORE[issue.severity],
    frequency: Math.min(1, Math.log10(1 + n) / FREQUENCY_SATURATION),
    users: u / (u + 2),
    sessions: s / (s + 3),
    recency: 0.5 ** (age / RECENCY_HALF_LIFE),
  };
}

export function impactScore(issue: ImpactInput, now: number): number {
  const p = impactParts(issue, now);
  const w = IMPACT_WEIGHTS;
  const score =
    w.severity * p.severity +
    w.frequency * p.frequency +
    w.users * p.users +
    w.sessions * p.sessions +
    w.recency * p.recency;
  return Math.max(0, Math.min(100, Math.round(score * 100)));
}
