/**
 * The events on the bus. The hot path (parse → rules → issue tracker) is plain function calls; everything slow
 * (MQTT, notifications, storage, the panel) listens here.
 */
import type { SessionEvent } from './session-types.ts';
import type { Alert, Incident, Issue, LogRecord } from './types.ts';

/**
 * `regressed`: detection saw a resolved issue again; `reopened`: a person opened a resolved or acknowledged issue again
 * (from muted it is `unmuted`).
 */
export type IssueEventKind =
  | 'opened'
  | 'regressed'
  | 'reopened'
  | 'acknowledged'
  | 'resolved'
  | 'muted'
  | 'unmuted'
  | 'updated';

export interface IssueEvent {
  kind: IssueEventKind;
  issue: Issue;
  at: number;
  /** Who changed the status: detection itself, a user (API, MQTT command) or an API health poll. */
  by?: 'detect' | 'user' | 'auto' | 'api';
}

export interface AlertEvent {
  kind: 'fired' | 'resolved';
  alert: Alert;
  at: number;
  /** The issue behind the alert, when there is one. */
  issue?: Issue;
}

export interface IncidentEvent {
  kind: 'opened' | 'updated' | 'resolved';
  incident: Incident;
  at: number;
}

export interface MuteEvent {
  /** `null` is the global mute (maintenance mode). */
  source: string | null;
  muted: boolean;
  at: number;
}

/** An AI analysis of an issue was stored (src/ai): notifications and MQTT show its summary from now on. */
export interface AnalysisEvent {
  issueId: string;
  /** Sources of the issue: whose MQTT state shows it. */
  sources: string[];
  summary: string;
  at: number;
}

export interface SourceHealthEvent {
  source: string;
  at: number;
  /** Files followed, freshness and parse failures changed. */
  kind: 'files' | 'silent' | 'active';
}

/** Every event on the bus, by name. Listeners receive the payload. */
export interface ArrgusEvents {
  /** A parsed record, after detection saw it. High rate: listeners must be cheap. */
  record: LogRecord;
  issue: IssueEvent;
  alert: AlertEvent;
  incident: IncidentEvent;
  mute: MuteEvent;
  source: SourceHealthEvent;
  /** A playback changed: started, paused, resumed, buffering, transcode_changed, stopped, failed. */
  session: SessionEvent;
  analysis: AnalysisEvent;
}
