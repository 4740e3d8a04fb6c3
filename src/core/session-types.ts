/**
 * Playback sessions as Arrgus sees them: one shape for Plex, Jellyfin and Emby, whether the data came from a poll, a
 * websocket message or a webhook. Behaviour lives in tracker.ts; the normalisers turn each server's answer into
 * `SessionSnapshot`s.
 */

/** `stopped` only appears on ended sessions (history); live ones are playing, paused or buffering. */
export type PlayState = 'playing' | 'paused' | 'buffering' | 'stopped';

/**
 * The stream as a whole: the file as is, remuxed (copy) or re-encoded; `unknown` when only a webhook described the
 * playback (Plex and Jellyfin webhooks do not say).
 */
export type StreamDecision = 'directplay' | 'directstream' | 'transcode' | 'unknown';

/** Per track: Plex says `directplay`/`copy`/`transcode`; Jellyfin's `IsVideoDirect` maps to `copy` or `transcode`. */
export type TrackDecision = 'directplay' | 'copy' | 'transcode' | 'burn';

export interface StreamSpec {
  container?: string;
  videoCodec?: string;
  audioCodec?: string;
  /** `1080p`, `4k`, `720`, or `1920x1080` when only the size is known. */
  resolution?: string;
  bitrateKbps?: number;
}

export interface TranscodeInfo {
  decision: StreamDecision;
  videoDecision?: TrackDecision;
  audioDecision?: TrackDecision;
  subtitleDecision?: TrackDecision;
  /** Why the server did not direct play (Jellyfin `TranscodeReasons`, Plex decision texts). */
  reasons: string[];
  /**
   * Whether the video encode runs on hardware. `null` when video is not transcoded (audio-only work is cheap), so a
   * "software transcode" count only counts the expensive ones.
   */
  hardware: boolean | null;
  /** The server was asked to use hardware (Plex `transcodeHwRequested`); with `hardware: false` it fell back. */
  hardwareRequested?: boolean;
  source: StreamSpec;
  target?: StreamSpec;
  /** Encode speed relative to real time; below 1 the server cannot keep up. */
  speed?: number;
  /** The transcoder is ahead and waiting (Plex `throttled`): a low speed is then harmless. */
  throttled?: boolean;
  /** The transcode of the whole item is finished (Plex `complete`): speed no longer matters. */
  complete?: boolean;
}

export type MediaKind = 'movie' | 'episode' | 'track' | 'live' | 'other';

/** One playback as a server reports it right now. */
export interface SessionSnapshot {
  /**
   * Stable id of the playback within the server: `<player/device id>/<item id>`. The same form is derived from
   * polls, websocket messages and webhooks, so they all land on the same session.
   */
  id: string;
  user?: string;
  /** The app playing (`Plex for Android (TV)`, `Jellyfin Web`). */
  client?: string;
  device?: string;
  address?: string;
  location: 'lan' | 'wan' | 'unknown';
  /** Display title: `Show - S01E02 - Episode` or `Movie (2020)`. */
  title: string;
  kind: MediaKind;
  show?: string;
  season?: number;
  episode?: number;
  itemId?: string;
  state: 'playing' | 'paused' | 'buffering';
  positionMs?: number;
  durationMs?: number;
  bandwidthKbps?: number;
  transcode: TranscodeInfo;
  /** The server itself flags an error on this playback (Plex `TranscodeSession.error`). */
  error?: string;
  /**
   * The snapshot came from a webhook that does not describe the stream: the transcode picture (and any field left
   * out) is carried over from what the tracker already knew instead of being read as a change.
   */
  partial?: boolean;
}

export interface Session extends Omit<SessionSnapshot, 'state'> {
  /** `<server>/<id>`: unique across servers. */
  key: string;
  /** The configured source name of the server. */
  server: string;
  app: string;
  state: PlayState;
  /** 0–1 when the duration is known. */
  progress: number | null;
  startedAt: number;
  updatedAt: number;
  endedAt?: number;
  failed?: boolean;
  failReason?: string;
  /** Issue ids linked to a failed playback. */
  issueIds?: string[];
}

export type SessionEventKind =
  | 'started'
  | 'paused'
  | 'resumed'
  | 'buffering'
  | 'transcode_changed'
  | 'stopped'
  | 'failed';

/** Emitted only when something changed; progress ticks never produce one. */
export interface SessionEvent {
  kind: SessionEventKind;
  /** A copy of the session after the change. */
  session: Session;
  at: number;
  /** For `transcode_changed`: the decision before. */
  previousTranscode?: TranscodeInfo;
}

export interface SessionTrouble {
  key: string;
  server: string;
  user?: string;
  title: string;
  reason: 'buffering' | 'slow_transcode' | 'failed';
  detail: string;
}

/** Numbers for Home Assistant and the panel. */
export interface SessionSummary {
  active: number;
  playing: number;
  paused: number;
  buffering: number;
  directPlay: number;
  directStream: number;
  transcodes: number;
  /** Video transcodes running on the CPU. */
  softwareTranscodes: number;
  hardwareTranscodes: number;
  bandwidthKbps: number;
  /** Buffering now, transcoding slower than real time, or failed in the last hour. */
  inTrouble: number;
  failedLastHour: number;
  trouble: SessionTrouble[];
  byServer: Record<string, { active: number; transcodes: number; bandwidthKbps: number }>;
}
