/** Test support: hand-made Issue/Alert/Incident objects shaped like detection's, and contents built from them. */
import type { Alert, Incident, Issue } from '../core/types.ts';
import { buildContent, fromAlertEvent } from './content.ts';
import type { Content } from './types.ts';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function sampleIssue(over: Partial<Issue> = {}): Issue {
  return {
    id: 'fp-db-locked',
    title: 'SQLite database is locked',
    category: 'database',
    severity: 'high',
    level: 'error',
    app: 'sonarr',
    sources: ['sonarr'],
    status: 'open',
    regressed: false,
    firstSeen: T0 - 3_600_000,
    lastSeen: T0,
    count: 42,
    impact: 73,
    histogramStart: 0,
    histogram: [],
    samples: [
      {
        time: T0,
        source: 'sonarr',
        level: 'error',
        message: 'database is locked',
        raw: '2026-01-01 12:00:00.0|Error|Database|database is locked\nat Sonarr.Db.Query() apikey=0123456789abcdef0123',
        file: '/config/logs/sonarr.txt',
        offset: 123456,
      },
    ],
    users: [],
    sessions: [],
    clients: [],
    statusChangedAt: T0,
    ...over,
  };
}

export function sampleAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-1',
    key: 'issue:fp-db-locked',
    kind: 'threshold',
    state: 'firing',
    title: 'SQLite database is locked',
    source: 'sonarr',
    app: 'sonarr',
    category: 'database',
    severity: 'high',
    level: 'error',
    fingerprint: 'fp-db-locked',
    count: 7,
    suppressed: 3,
    threshold: 5,
    windowMs: 300_000,
    firedAt: T0,
    ...over,
  };
}

export function sampleIncident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    title: 'Downloads failing',
    severity: 'critical',
    status: 'open',
    issueIds: ['a', 'b'],
    sources: ['sonarr', 'qbittorrent'],
    startedAt: T0,
    lastSeen: T0,
    ...over,
  };
}

export function alertContent(over: Partial<Alert> = {}): Content {
  return buildContent(
    fromAlertEvent({ kind: 'fired', alert: sampleAlert(over), at: T0, issue: sampleIssue() }),
    'http://arrgus.local:8099',
  );
}
