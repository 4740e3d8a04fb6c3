/**
 * What the rooms offer each other. The composition root (main.ts) builds the implementations and hands them over in
 * one context object; a room depends on these interfaces, never on another room's classes, so each is tested with
 * small fakes.
 */
import type { Alert, Incident, Issue, IssueStatus, Severity } from './types.ts';

export interface IssueFilter {
  source?: string;
  status?: IssueStatus | IssueStatus[];
  category?: string;
  limit?: number;
}

/** A problem an app's API reports (health item, stuck queue item, unreachable API): a state, not an event. */
export interface ExternalProblem {
  /** Stable key within the source (`health:IndexerRssCheck`, `queue:1234`, `connectivity`). */
  key: string;
  source: string;
  app: string;
  title: string;
  message: string;
  category: string;
  severity: Severity;
}

/** The issue tracker, as other rooms see it (detect/ implements it). */
export interface IssueService {
  list(filter?: IssueFilter): Issue[];
  get(id: string): Issue | undefined;
  acknowledge(id: string, at: number): Issue | undefined;
  /** Acknowledges every open issue (of one source, or all); returns how many changed. */
  acknowledgeAll(source: string | null, at: number): number;
  resolve(id: string, at: number): Issue | undefined;
  /** Opens a resolved, acknowledged or muted issue again (a person's decision: not flagged `regressed`). */
  reopen(id: string, at: number): Issue | undefined;
  setIssueMuted(id: string, muted: boolean, at: number): Issue | undefined;
  /**
   * Reconciles the problems an API currently reports for `source` under key prefix `scope` (`health`, `queue`,
   * `connectivity`): new ones open (or reopen) issues, vanished ones resolve. Calling it again with the same list
   * changes nothing.
   */
  syncExternal(source: string, scope: string, problems: ExternalProblem[], at: number): void;
  /** Marks the issues of `source` active around `at` (± window) as affecting this user/session/client. */
  linkSession(
    source: string,
    at: number,
    windowMs: number,
    who: { user?: string; session?: string; client?: string },
  ): Issue[];
  incidents(): Incident[];
  activeAlerts(): Alert[];
}

/** Maintenance mode: alerts and notifications held, ingestion continues. `null` is the global switch. */
export interface MuteService {
  isMuted(source: string | null): boolean;
  setMuted(source: string | null, muted: boolean, at: number): void;
  /** Every muted scope: `null` (global) and source names. */
  muted(): Array<string | null>;
}

/** Live numbers per source, for /api/health, MQTT states and the panel. */
export interface SourceStats {
  source: string;
  app: string;
  /** Files being followed now. */
  files: string[];
  lastRecordAt: number | null;
  lastErrorAt: number | null;
  recordsPerMinute: number;
  errors5m: number;
  warnings5m: number;
  errors1h: number;
  warnings1h: number;
  /** Lines that could not be read as records (orphans, bad envelopes) since start. */
  parseFailures: number;
  totalRecords: number;
  /** What the source cannot read now (its folder, files in it), with why; empty or absent when it reads everything. */
  problems?: ReadonlyArray<{ path: string; error: string }>;
}

export interface StatsService {
  get(source: string): SourceStats | undefined;
  all(): SourceStats[];
}
