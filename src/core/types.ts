/**
 * Types shared by every room of the house. Behaviour lives elsewhere; this file only names things.
 */

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** Numeric rank of a level, for "at least" comparisons: trace 0 … fatal 5. */
export const LEVEL_RANK: Readonly<Record<Level, number>> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

export function levelAtLeast(level: Level, min: Level): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[min];
}

/** Apps whose logs Arrgus understands. `docker`, `generic` and `auto` are ways of reading, not products. */
export const APPS = [
  'plex',
  'jellyfin',
  'emby',
  'sonarr',
  'radarr',
  'prowlarr',
  'lidarr',
  'readarr',
  'whisparr',
  'bazarr',
  'overseerr',
  'qbittorrent',
  'sabnzbd',
  'tautulli',
  'docker',
  'generic',
  'auto',
] as const;
export type AppName = (typeof APPS)[number];

/** The *arr apps that share NLog's file layout. */
export const NLOG_APPS = ['sonarr', 'radarr', 'prowlarr', 'lidarr', 'readarr', 'whisparr'] as const;

/** Correlation values a record may carry; each is optional and only set when the line names it. */
export interface Correlation {
  /** Plex `Req#1bee` request id. */
  requestId?: string;
  ratingKey?: string;
  sessionId?: string;
  playSessionId?: string;
  user?: string;
  clientIp?: string;
  itemId?: string;
}

export interface RecordException {
  type: string;
  message: string;
  /** Stack frames and inner exceptions, joined with `\n`, capped like the record. */
  stack?: string;
}

/**
 * One log record: a header line plus every continuation line that belongs to it.
 * `time` is always set (epoch ms); `timeExact` says whether it came from a full date in the log or an envelope
 * (true) or was inferred (time of day only, journald without a year, no time at all: false).
 */
export interface LogRecord {
  time: number;
  timeExact: boolean;
  level: Level;
  /** The concrete app that wrote the line (`plex`, `sonarr`, …; `generic` when unknown). */
  app: string;
  /** The configured source name (or the replay's file name). */
  source: string;
  logger?: string;
  thread?: string;
  message: string;
  exception?: RecordException;
  /** Lines before the first header of a stream. */
  orphan?: boolean;
  correlation?: Correlation;
  /** The record's text as read (envelopes stripped), header and continuation lines joined with `\n`, capped. */
  raw: string;
  file?: string;
  /** Byte offset of the record's first line in `file`. */
  offset?: number;
  /** Physical lines the record spans (kept or not). */
  lines: number;
  /** Lines beyond the per-record cap: counted in `lines`, not kept in `raw`. */
  droppedLines?: number;
  /** Set when a line was longer than the line cap and was cut. */
  truncated?: boolean;
  /** The issue the record joined (set by ingestion once detection has seen it; live tails link to it). */
  issue?: string;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export type IssueStatus = 'open' | 'acknowledged' | 'resolved' | 'muted';

export interface IssueSample {
  time: number;
  source: string;
  level: Level;
  message: string;
  /** Trimmed raw text of the record. */
  raw: string;
  file?: string;
  offset?: number;
}

/** The classifier layers, in the order they are tried; the first that decides wins. */
export const CATEGORY_LAYERS = ['rule', 'exception', 'logger', 'code', 'keyword', 'level', 'none'] as const;
export type CategoryLayer = (typeof CATEGORY_LAYERS)[number];

/** Why a record (and so its issue) got its category: the deciding layer and what it saw. */
export interface CategoryEvidence {
  layer: CategoryLayer;
  /** What decided, in words a person can check against the line: `rule plex.transcoder-crash`, `exception System.Net.WebException`, `errno ECONNREFUSED`, `HTTP 401`. */
  detail: string;
}

/** Kinds of variable parts a template masks and an issue counts: which files, users, devices… it touched. */
export const ENTITY_KINDS = ['file', 'user', 'device', 'client', 'host', 'indexer', 'downloadClient', 'item'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One affected entity of an issue with how many of its records named it. */
export interface EntityCount {
  value: string;
  count: number;
}

/** A fingerprinted group of records (or of API health items) that a person can act on. */
export interface Issue {
  /** The fingerprint: stable across restarts and rotated files. */
  id: string;
  title: string;
  category: string;
  severity: Severity;
  /** Highest record level seen in the issue. */
  level: Level;
  app: string;
  sources: string[];
  ruleId?: string;
  status: IssueStatus;
  regressed: boolean;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** 0–100, see detect/impact.ts. */
  impact: number;
  /** Hourly counts: `histogram[i]` counts records in hour `histogramStart + i` (hours since epoch), last 7 days. */
  histogramStart: number;
  histogram: number[];
  samples: IssueSample[];
  users: string[];
  sessions: string[];
  clients: string[];
  statusChangedAt: number;
  resolvedAt?: number;
  /** Why the issue has its category (absent for issues restored from state written before evidence existed). */
  evidence?: CategoryEvidence;
  /** The masked message template the issue groups (`Permission denied on <path>`). */
  template?: string;
  /** Top affected entities per kind (at most 10 values each, most frequent first); kinds with none are absent. */
  entities?: Partial<Record<EntityKind, EntityCount[]>>;
}

export type AlertState = 'firing' | 'resolved';

/** A threshold crossed (or a silent source): what notifications and Home Assistant announce. */
export interface Alert {
  id: string;
  /** What the threshold counts: `issue:<fp>`, `rule:<id>`, `category:<source>:<cat>`, `silent:<source>`. */
  key: string;
  kind: 'threshold' | 'silent';
  state: AlertState;
  title: string;
  source: string;
  app: string;
  category: string;
  severity: Severity;
  level: Level;
  /** The issue the alert is about, when it is about one. */
  fingerprint?: string;
  /** Occurrences within the window when it fired. */
  count: number;
  /** Occurrences swallowed by the cooldown since the previous alert of this key. */
  suppressed: number;
  threshold: number;
  windowMs: number;
  firedAt: number;
  resolvedAt?: number;
  /**
   * The alert ended because its issue was dropped (beyond `detect.retention.maxIssues`, or resolved long ago), not
   * because the problem stopped: recorded in the history, never notified.
   */
  pruned?: boolean;
}

/** Issues from different sources that started close together: one story. */
export interface Incident {
  id: string;
  title: string;
  severity: Severity;
  status: 'open' | 'resolved';
  /** Issue ids in the order they started. */
  issueIds: string[];
  sources: string[];
  startedAt: number;
  lastSeen: number;
  resolvedAt?: number;
}

/** How each app is named to people (titles, Home Assistant devices, notifications). */
export const APP_LABELS: Readonly<Record<string, string>> = {
  plex: 'Plex',
  jellyfin: 'Jellyfin',
  emby: 'Emby',
  sonarr: 'Sonarr',
  radarr: 'Radarr',
  prowlarr: 'Prowlarr',
  lidarr: 'Lidarr',
  readarr: 'Readarr',
  whisparr: 'Whisparr',
  bazarr: 'Bazarr',
  overseerr: 'Overseerr',
  qbittorrent: 'qBittorrent',
  sabnzbd: 'SABnzbd',
  tautulli: 'Tautulli',
  // `auto` sources are named after what they hold: logs.
  auto: 'Logs',
};

/** The label of an app, or the app id itself when it has none. */
export function appLabel(app: string): string {
  return APP_LABELS[app] ?? app;
}
