/**
 * Tautulli's API (`/api/v2?apikey=...&cmd=...`, every answer wrapped as `{response: {result, message, data}}`).
 * `cmd=status` tells whether Tautulli answers (failures become the source's `connectivity` problem through the
 * poller); `cmd=get_activity` is a fallback session source for a Plex server that Arrgus does not poll itself: its
 * sessions are attributed to that Plex source (or, with none configured, to the Tautulli source), so they meet the
 * Plex webhooks' and Tautulli webhooks' sessions under the same `<machine_id>/<rating_key>` id.
 */
import type { SourceConfig } from '../config/sources.ts';
import { bool, list, num, obj, set, str } from '../core/loose-json.ts';
import type { MediaKind, SessionSnapshot, StreamSpec, TrackDecision, TranscodeInfo } from '../core/session-types.ts';
import { mediaTitle, playState, plexResolution, tautulliDecision } from '../sessions/fields.ts';
import type { SessionTracker } from '../sessions/tracker.ts';
import { ApiError, apiLabel, type JsonClient } from './api-http.ts';
import type { ApiPollerDeps } from './api-poller.ts';
import { sourceClient } from './source-client.ts';

export interface TautulliApiDeps extends ApiPollerDeps {
  tracker?: SessionTracker;
}

export interface TautulliApiOptions {
  timeoutMs?: number;
  /** Where `get_activity` sessions go; omitted when a Plex poller already covers the server (status only). */
  sessionsFor?: Pick<SourceConfig, 'name' | 'app'>;
}

type Node = Record<string, unknown>;

export class TautulliApi {
  private readonly deps: TautulliApiDeps;
  private readonly source: SourceConfig;
  private readonly client: JsonClient;
  private readonly label: string;
  private readonly sessionsFor: Pick<SourceConfig, 'name' | 'app'> | undefined;

  constructor(deps: TautulliApiDeps, source: SourceConfig, opts: TautulliApiOptions = {}) {
    this.deps = deps;
    this.source = source;
    this.label = apiLabel(source.app, source.url ?? '');
    this.client = sourceClient(source, { timeoutMs: opts.timeoutMs });
    this.sessionsFor = opts.sessionsFor;
  }

  async poll(signal: AbortSignal): Promise<void> {
    await this.call('status', signal);
    const target = this.sessionsFor;
    if (!target || !this.deps.tracker) return;
    const data = await this.call('get_activity', signal);
    let snaps: SessionSnapshot[];
    try {
      snaps = parseTautulliActivity(data);
    } catch (err) {
      throw new ApiError(
        'invalid',
        `${this.label} get_activity answered something unreadable: ${(err as Error).message}`,
      );
    }
    this.deps.tracker.reconcile(target.name, target.app, snaps, this.deps.clock.now());
  }

  /** The `data` of a successful answer. Tautulli answers a wrong key with 401 (older releases: 200 and an error). */
  private async call(cmd: string, signal: AbortSignal): Promise<Node> {
    const query: Record<string, string> = { cmd };
    if (this.source.apiKey) query.apikey = this.source.apiKey;
    const body = await this.client.get('api/v2', signal, query);
    const response = obj(obj(body).response);
    const result = str(response.result);
    if (result === 'success') return obj(response.data);
    const message = str(response.message) ?? (result ? `result ${result}` : 'no `response` object');
    if (/api ?key/i.test(message)) throw new ApiError('unauthorized', `${this.label} refused the API key: ${message}`);
    throw new ApiError(result ? 'http' : 'invalid', `${this.label} cmd=${cmd} failed: ${message}`);
  }
}

/** `get_activity` data: `{stream_count, total_bandwidth, ..., sessions: [...]}` with Plex's fields in snake case. */
export function parseTautulliActivity(data: Node): SessionSnapshot[] {
  if (!Array.isArray(data.sessions)) throw new Error('expected `sessions` to be an array');
  return list(data.sessions).map(tautulliActivitySnapshot);
}

export function tautulliActivitySnapshot(s: Node): SessionSnapshot {
  const media = str(s.media_type);
  const kind: MediaKind = bool(s.live)
    ? 'live'
    : media === 'movie' || media === 'episode' || media === 'track'
      ? media
      : 'other';
  const player = str(s.machine_id) ?? str(s.session_id) ?? str(s.session_key) ?? 'unknown';
  const location = str(s.location);
  const snap: SessionSnapshot = {
    id: `${player}/${str(s.rating_key) ?? 'item'}`,
    location:
      location === 'lan' || location === 'wan'
        ? location
        : s.local === undefined
          ? 'unknown'
          : bool(s.local)
            ? 'lan'
            : 'wan',
    title: mediaTitle(kind, {
      title: str(s.title),
      show: str(s.grandparent_title),
      season: num(s.parent_media_index),
      episode: num(s.media_index),
      artist: str(s.grandparent_title) ?? 'Unknown artist',
      year: num(s.year),
    }),
    kind,
    state: playState(str(s.state)),
    transcode: transcodeOf(s),
  };
  set(snap, 'user', str(s.friendly_name) ?? str(s.user) ?? str(s.username));
  set(snap, 'client', str(s.product));
  set(snap, 'device', str(s.player));
  set(snap, 'address', str(s.ip_address) ?? str(s.ip_address_public));
  set(snap, 'itemId', str(s.rating_key));
  set(snap, 'positionMs', num(s.view_offset));
  set(snap, 'durationMs', num(s.duration));
  set(snap, 'bandwidthKbps', num(s.bandwidth));
  if (kind === 'episode') {
    set(snap, 'show', str(s.grandparent_title));
    set(snap, 'season', num(s.parent_media_index));
    set(snap, 'episode', num(s.media_index));
  }
  return snap;
}

function transcodeOf(s: Node): TranscodeInfo {
  const source: StreamSpec = {};
  set(source, 'container', str(s.container));
  set(source, 'videoCodec', str(s.video_codec));
  set(source, 'audioCodec', str(s.audio_codec));
  set(source, 'resolution', str(s.video_full_resolution) ?? plexResolution(str(s.video_resolution)));
  set(source, 'bitrateKbps', num(s.bitrate));
  const decision = tautulliDecision(str(s.transcode_decision));
  const video = track(str(s.video_decision));
  const subs = track(str(s.subtitle_decision));
  const videoEncoded = video === 'transcode' || subs === 'burn';
  const info: TranscodeInfo = {
    decision,
    reasons: [],
    hardware: videoEncoded ? bool(s.transcode_hw_encoding) || bool(s.transcode_hw_full_pipeline) : null,
    source,
  };
  set(info, 'videoDecision', video);
  set(info, 'audioDecision', track(str(s.audio_decision)));
  set(info, 'subtitleDecision', subs);
  if (decision === 'directplay') return info;
  if (s.transcode_hw_requested !== undefined) info.hardwareRequested = bool(s.transcode_hw_requested);
  if (subs === 'burn') info.reasons.push('subtitles burned in');
  if (info.hardwareRequested && info.hardware === false) info.reasons.push('hardware requested, running in software');
  const target: StreamSpec = {};
  set(target, 'container', str(s.stream_container));
  set(target, 'videoCodec', str(s.stream_video_codec));
  set(target, 'audioCodec', str(s.stream_audio_codec));
  set(target, 'resolution', str(s.stream_video_full_resolution) ?? plexResolution(str(s.stream_video_resolution)));
  set(target, 'bitrateKbps', num(s.stream_bitrate));
  info.target = target;
  set(info, 'speed', num(s.transcode_speed));
  if (s.transcode_throttled !== undefined) info.throttled = bool(s.transcode_throttled);
  return info;
}

/** Tautulli writes `direct play`, `copy`, `transcode` (and `burn` for subtitles). */
function track(v: string | undefined): TrackDecision | undefined {
  const d = v?.toLowerCase();
  if (d === 'direct play' || d === 'directplay') return 'directplay';
  return d === 'copy' || d === 'transcode' || d === 'burn' ? d : undefined;
}
