/**
 * What the issue routes need, built from the running parts (the detector, the history, the record store): one place
 * for the service (main.ts) and the API test harness, so both exercise the same wiring.
 */
import type { Clock } from '../../core/clock.ts';
import type { StoredLine } from '../../store/log-reader.ts';
import type { ContextLine, IssueRouteDeps } from './issues.ts';

export interface IssueDepsSources {
  issues: IssueRouteDeps['issues'];
  clock: Clock;
  timeline?: IssueRouteDeps['timeline'];
  /** Stored lines around a moment of a source (RecordStore.around). */
  around?(
    at: { source: string; time: number; issue?: string },
    before: number,
    after: number,
  ): { before: StoredLine[]; after: StoredLine[] };
  analysis?: IssueRouteDeps['analysis'];
}

export function issueRouteDeps(s: IssueDepsSources): IssueRouteDeps {
  const { issues, around } = s;
  const line = (r: StoredLine): ContextLine => ({
    id: r.id,
    time: new Date(r.time).toISOString(),
    level: r.level,
    source: r.source,
    message: r.message,
    raw: r.raw,
  });
  return {
    issues,
    clock: s.clock,
    ...(s.timeline ? { timeline: s.timeline } : {}),
    ...(s.analysis ? { analysis: s.analysis } : {}),
    ...(around
      ? {
          context: (id, sample, before, after) => {
            const r = around({ ...sample, issue: id }, before, after);
            return { before: r.before.map(line), after: r.after.map(line) };
          },
        }
      : {}),
  };
}
