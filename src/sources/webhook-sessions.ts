/**
 * Session snapshots from webhook payloads. Ids use the same `<player>/<item>` form as the API normalisers (Plex
 * `Player.uuid` is the player's `machineIdentifier`, Jellyfin's `DeviceId`/`ItemId` are the API's), so a webhook and a
 * poll of the same playback meet on one session. Webhooks say nothing reliable about the stream, so snapshots are
 * `partial` with an `unknown` decision unless the payload names one (Tautulli). The event-name maps live here too, so
 * everything a playback webhook means for a session is in one place; webhooks.ts only routes and applies.
 */

import { bool, num, obj, set, str } from '../core/loose-json.ts';
import type { MediaKind, SessionSnapshot } from '../core/session-types.ts';
import { tautulliDecision } from '../sessions/fields.ts';
import { locationOf } from '../sessions/jellyfin.ts';
import { plexSnapshot } from '../sessions/plex.ts';

type Node = Record<string, unknown>;

/** What a webhook playback event does to its session; each app's event names map onto these. */
export type PlaybackAction = 'play' | 'pause' | 'buffer' | 'stop' | 'error';

/** Each app's playback event names and the session change they mean (Jellyfin's progress pings apply as playing). */
export const JELLYFIN_ACTIONS: Record<string, PlaybackAction | 'progress' | undefined> = {
  PlaybackStart: 'play',
  PlaybackProgress: 'progress',
  PlaybackStop: 'stop',
};
export const PLEX_ACTIONS: Record<string, PlaybackAction | undefined> = {
  'media.play': 'play',
  'media.resume': 'play',
  'media.pause': 'pause',
  'media.stop': 'stop',
};
export const TAUTULLI_ACTIONS: Record<string, PlaybackAction | undefined> = {
  play: 'play',
  resume: 'play',
  pause: 'pause',
  buffer: 'buffer',
  stop: 'stop',
  error: 'error',
};
export const EMBY_ACTIONS: Record<string, PlaybackAction | undefined> = {
  'playback.start': 'play',
  'playback.unpause': 'play',
  'playback.pause': 'pause',
  'playback.stop': 'stop',
};

const UNKNOWN = { decision: 'unknown' as const, reasons: [], hardware: null, source: {} };

export function plexWebhookSnapshot(b: Node): SessionSnapshot | undefined {
  const player = obj(b.Player);
  const meta = obj(b.Metadata);
  const uuid = str(player.uuid);
  if (!uuid || !str(meta.ratingKey)) return undefined;
  const node: Node = {
    ...meta,
    Player: { machineIdentifier: uuid, title: player.title, address: player.publicAddress, local: player.local },
    User: { title: obj(b.Account).title },
  };
  return { ...plexSnapshot(node), transcode: { ...UNKNOWN }, partial: true };
}

export function jellyfinWebhookSnapshot(b: Node): SessionSnapshot | undefined {
  const device = str(b.DeviceId) ?? str(b.DeviceName);
  const item = str(b.ItemId) ?? str(b.Name);
  if (!device || !item) return undefined;
  const kind = kindOf(str(b.ItemType));
  const s = num(b.SeasonNumber);
  const e = num(b.EpisodeNumber);
  const title = mediaTitle(kind, str(b.Name), str(b.SeriesName), s, e, num(b.Year));
  const snap: SessionSnapshot = {
    id: `${device}/${item}`,
    location: locationOf(str(b.RemoteEndPoint)),
    title,
    kind,
    state: bool(b.IsPaused) ? 'paused' : 'playing',
    transcode: { ...UNKNOWN },
    partial: true,
  };
  set(snap, 'user', str(b.NotificationUsername) ?? str(b.Username));
  set(snap, 'client', str(b.ClientName));
  set(snap, 'device', str(b.DeviceName));
  set(snap, 'address', str(b.RemoteEndPoint));
  set(snap, 'itemId', str(b.ItemId));
  const pos = num(b.PlaybackPositionTicks);
  if (pos !== undefined) snap.positionMs = Math.round(pos / 10_000);
  const dur = num(b.RunTimeTicks);
  if (dur !== undefined) snap.durationMs = Math.round(dur / 10_000);
  if (kind === 'episode') {
    set(snap, 'show', str(b.SeriesName));
    set(snap, 'season', s);
    set(snap, 'episode', e);
  }
  return snap;
}

/**
 * Emby's own webhooks (Emby Premiere, 4.7+): `Event` with `User`, `Item`, `Session`, `Server` and `PlaybackInfo`
 * objects. The API's session id is `<Session.DeviceId>/<NowPlayingItem.Id>`, and the webhook carries both halves.
 */
export function embyWebhookSnapshot(b: Node): SessionSnapshot | undefined {
  const session = obj(b.Session);
  const item = obj(b.Item);
  const info = obj(b.PlaybackInfo);
  const device = str(session.DeviceId) ?? str(session.DeviceName);
  const itemId = str(item.Id) ?? str(item.Name);
  if (!device || !itemId) return undefined;
  const kind = kindOf(str(item.Type));
  const s = num(item.ParentIndexNumber);
  const e = num(item.IndexNumber);
  const snap: SessionSnapshot = {
    id: `${device}/${itemId}`,
    location: locationOf(str(session.RemoteEndPoint)),
    title: mediaTitle(kind, str(item.Name), str(item.SeriesName), s, e, num(item.ProductionYear)),
    kind,
    state: 'playing',
    transcode: { ...UNKNOWN },
    partial: true,
  };
  set(snap, 'user', str(obj(b.User).Name));
  set(snap, 'client', str(session.Client));
  set(snap, 'device', str(session.DeviceName));
  set(snap, 'address', str(session.RemoteEndPoint));
  set(snap, 'itemId', str(item.Id));
  const pos = num(info.PositionTicks);
  if (pos !== undefined) snap.positionMs = Math.round(pos / 10_000);
  const dur = num(item.RunTimeTicks);
  if (dur !== undefined) snap.durationMs = Math.round(dur / 10_000);
  if (kind === 'episode') {
    set(snap, 'show', str(item.SeriesName));
    set(snap, 'season', s);
    set(snap, 'episode', e);
  }
  return snap;
}

/** Tautulli's body is whatever the user templated; the README gives the recommended one (field names below). */
export function tautulliSnapshot(b: Node): SessionSnapshot | undefined {
  const player = str(b.machine_id) ?? str(b.player);
  const item = str(b.rating_key) ?? str(b.title);
  if (!player || !item) return undefined;
  const media = str(b.media_type);
  const kind: MediaKind = media === 'movie' || media === 'episode' || media === 'track' ? media : 'other';
  const decision = tautulliDecision(str(b.transcode_decision));
  const snap: SessionSnapshot = {
    id: `${player}/${item}`,
    location: str(b.stream_local) === undefined ? locationOf(str(b.ip_address)) : bool(b.stream_local) ? 'lan' : 'wan',
    title: str(b.full_title) ?? str(b.title) ?? 'Unknown',
    kind,
    state: 'playing',
    transcode: { decision, reasons: [], hardware: null, source: {} },
    partial: decision === 'unknown',
  };
  set(snap, 'user', str(b.user) ?? str(b.username));
  set(snap, 'client', str(b.product));
  set(snap, 'device', str(b.player));
  set(snap, 'address', str(b.ip_address));
  set(snap, 'itemId', str(b.rating_key));
  return snap;
}

/** Jellyfin and Emby name item types alike (`Movie`, `Episode`, `Audio`). */
function kindOf(type: string | undefined): MediaKind {
  return type === 'Movie' ? 'movie' : type === 'Episode' ? 'episode' : type === 'Audio' ? 'track' : 'other';
}

/** The display title in the API normalisers' form: `Show - S01E02 - Episode` or `Movie (2020)`. */
function mediaTitle(
  kind: MediaKind,
  name: string | undefined,
  series: string | undefined,
  s: number | undefined,
  e: number | undefined,
  year: number | undefined,
): string {
  const n = name ?? 'Unknown';
  if (kind === 'episode') {
    const se = s !== undefined && e !== undefined ? ` - S${pad(s)}E${pad(e)}` : '';
    return `${series ?? 'Unknown show'}${se} - ${n}`;
  }
  return year ? `${n} (${year})` : n;
}

const pad = (n: number): string => String(n).padStart(2, '0');
