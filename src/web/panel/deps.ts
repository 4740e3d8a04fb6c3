/** What the panel reads and acts on; main.ts hands over the real services, tests small fakes. */
import type { Config } from '../../config/schema.ts';
import type { IssueService, MuteService, StatsService } from '../../core/ports.ts';
import type { AttemptLog, TargetHealth, TestResult } from '../../notify/delivery.ts';
import type { SessionTracker } from '../../sessions/tracker.ts';
import type { IssueRouteDeps } from '../api/issues.ts';
import type { LogRouteDeps } from '../api/logs.ts';
import type { StatsRouteDeps } from '../api/stats.ts';

export interface PanelNotify {
  health(): TargetHealth[];
  deliveryLog(target?: string, limit?: number): AttemptLog[];
  test(name: string): Promise<TestResult | undefined>;
  targetNames(): string[];
}

/** Where each configuration value came from: dotted key path → `file`, `add-on option` or `environment`. */
export type ConfigOrigins = Readonly<Record<string, string>>;

export interface PanelDeps {
  config: Config;
  origins?: ConfigOrigins;
  issues: IssueService;
  mutes: MuteService;
  stats: StatsService;
  sessions: Pick<SessionTracker, 'active' | 'history' | 'summary'>;
  notify: PanelNotify;
  /** The log store's search (the same function `/api/logs` calls); the live tail is the API's `/api/logs/stream`. */
  logs?: Pick<LogRouteDeps, 'search' | 'isQueryError'>;
  /** The same in-process functions the JSON API's issue routes use: timeline, context lines, analysis. */
  issueApi?: Pick<IssueRouteDeps, 'timeline' | 'context' | 'analysis'>;
  /** Stored record counts per hour, source and level (the API's `/api/stats`): the overview's 24 h chart. */
  hourly?: StatsRouteDeps['hourly'];
}
