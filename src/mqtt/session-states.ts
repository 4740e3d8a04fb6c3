/**
 * The playback side of a media server as Arrgus publishes it: the retained summary on `<base>/<slug>/sessions` and the
 * `playback_failed` event. Pure functions over the session tracker's numbers (no I/O, time comes in as `at`); like
 * states.ts, keys are snake_case and only ever added.
 */
import { redact } from '../core/redact.ts';
import type { Session, SessionSummary, SessionTrouble } from '../core/session-types.ts';
import { clip, EVENT_TYPES, type EventPayload, type EventType, iso, PLAYBACK_EVENT_TYPES } from './states.ts';

/** Apps whose playbacks the session tracker follows (API polls, websockets, webhooks). */
export const MEDIA_SERVER_APPS: readonly string[] = ['plex', 'jellyfin', 'emby'];

export function isMediaServer(app: string): boolean {
  return MEDIA_SERVER_APPS.includes(app);
}

/** The event types a source's event topic can carry: media servers add failed playbacks. */
export function eventTypesFor(app: string): EventType[] {
  return isMediaServer(app) ? [...EVENT_TYPES, ...PLAYBACK_EVENT_TYPES] : [...EVENT_TYPES];
}

/** The summary numbers of one media server, read through the tracker's per-server view. */
export interface SessionSummaries {
  summary(server?: string): SessionSummary;
}

/** At most this many troubled sessions are listed (as Home Assistant attributes); `in_trouble` counts them all. */
export const MAX_TROUBLE_LISTED = 10;

export interface TroubleItem {
  session: string;
  user: string | null;
  title: string;
  reason: SessionTrouble['reason'];
  detail: string;
}

export interface SessionsState {
  source: string;
  /** Something reports this server's playbacks (API, webhook, Tautulli); false: the sensors are unavailable. */
  tracked: boolean;
  /** Playing, paused or buffering right now. */
  active: number;
  playing: number;
  paused: number;
  buffering: number;
  direct_play: number;
  direct_stream: number;
  transcodes: number;
  /** Video transcodes on the CPU: the ones that load the server. */
  software_transcodes: number;
  hardware_transcodes: number;
  /** Sum of the sessions' bandwidth as the servers report it. */
  bandwidth_kbps: number;
  /** Buffering now, transcoding slower than real time, or failed in the last hour. */
  in_trouble: number;
  failed_1h: number;
  trouble: TroubleItem[];
}

/** `privacy` (the default): no user names, since Home Assistant's recorder keeps every attribute. */
export function sessionsState(source: string, s: SessionSummary, tracked = true, privacy = true): SessionsState {
  return {
    source,
    tracked,
    active: s.active,
    playing: s.playing,
    paused: s.paused,
    buffering: s.buffering,
    direct_play: s.directPlay,
    direct_stream: s.directStream,
    transcodes: s.transcodes,
    software_transcodes: s.softwareTranscodes,
    hardware_transcodes: s.hardwareTranscodes,
    bandwidth_kbps: Math.round(s.bandwidthKbps),
    in_trouble: s.inTrouble,
    failed_1h: s.failedLastHour,
    trouble: s.trouble.slice(0, MAX_TROUBLE_LISTED).map((t) => ({
      session: t.key,
      user: privacy ? null : (t.user ?? null),
      title: clip(t.title),
      reason: t.reason,
      detail: clip(redact(t.detail)),
    })),
  };
}

/** A playback that ended in failure: what users want an automation for ("tell me when a stream dies"). */
export function playbackFailedEvent(session: Session, at: number, muted: boolean, privacy = true): EventPayload {
  const who = session.user && !privacy ? ` for ${session.user}` : '';
  // Failure texts can come from a server's error message or a webhook body: mask any secret they carry.
  const reason = redact(session.failReason ?? 'playback failed');
  const event: EventPayload = {
    event_type: 'playback_failed',
    source: session.server,
    title: clip(`${session.title} failed${who}: ${reason}`),
    // A person's playback broke: more than a log line, less than the server being down.
    severity: 'medium',
    at: iso(at) as string,
    subject: 'session',
    session_key: session.key,
    media_title: clip(session.title),
    reason: clip(reason),
    muted,
  };
  if (session.user && !privacy) event.user = session.user;
  const client = session.client ?? session.device;
  if (client) event.client = client;
  if (session.issueIds?.length) event.issue_ids = session.issueIds.slice(0, 20);
  return event;
}

/** The configuration of a source as far as playback reporting goes. */
export interface SessionSourceConfig {
  name: string;
  app: string;
  enabled: boolean;
  url?: string | undefined;
  webhookSecret?: string | undefined;
  server?: string | undefined;
}

/**
 * Whether anything is configured to report the playbacks of media server `name`: its API (`url`), its webhook (a
 * `webhookSecret`), or a Tautulli source standing in for a Plex server (its `server`, else the first Plex source).
 */
export function hasSessionSource(sources: readonly SessionSourceConfig[], name: string): boolean {
  const s = sources.find((x) => x.name === name);
  if (!s || !isMediaServer(s.app)) return false;
  if (s.enabled && (s.url || s.webhookSecret)) return true;
  if (s.app !== 'plex') return false;
  const firstPlex = sources.find((x) => x.app === 'plex' && x.enabled)?.name;
  return sources.some((t) => t.app === 'tautulli' && t.enabled && t.url && (t.server ?? firstPlex) === name);
}
