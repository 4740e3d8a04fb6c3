/**
 * Jellyfin and Emby `/Sessions` (and their websocket `Sessions` messages) → session snapshots. Both servers share the
 * MediaBrowser shape; they differ in how they say "hardware": Jellyfin names the accelerator
 * (`HardwareAccelerationType`), Emby flags the encoder (`VideoEncoderIsHardware`).
 */

import { bool, list, num, obj, set, str } from '../core/loose-json.ts';
import type { MediaKind, SessionSnapshot, StreamDecision, StreamSpec, TranscodeInfo } from '../core/session-types.ts';
import { mediaTitle } from './fields.ts';

type Node = Record<string, unknown>;

const TICKS_PER_MS = 10_000;

/** Only sessions that are playing something become snapshots; idle clients are not playbacks. */
export function parseJellyfinSessions(body: unknown): SessionSnapshot[] {
  if (!Array.isArray(body)) throw new Error('expected a JSON array of sessions');
  return list(body)
    .filter((s) => obj(s.NowPlayingItem).Id !== undefined || str(obj(s.NowPlayingItem).Name) !== undefined)
    .map(jellyfinSnapshot);
}

export function jellyfinSnapshot(s: Node): SessionSnapshot {
  const item = obj(s.NowPlayingItem);
  const play = obj(s.PlayState);
  const kind = kindOf(str(item.Type));
  const snap: SessionSnapshot = {
    id: `${str(s.DeviceId) ?? str(s.Id) ?? 'unknown'}/${str(item.Id) ?? str(item.Name) ?? 'item'}`,
    location: locationOf(str(s.RemoteEndPoint)),
    title: mediaTitle(kind, {
      title: str(item.Name),
      show: str(item.SeriesName),
      season: num(item.ParentIndexNumber),
      episode: num(item.IndexNumber),
      artist: str((Array.isArray(item.Artists) ? item.Artists : [])[0]) ?? str(item.AlbumArtist),
      year: num(item.ProductionYear),
    }),
    kind,
    state: bool(play.IsPaused) ? 'paused' : 'playing',
    transcode: transcodeOf(item, play, s.TranscodingInfo === undefined ? undefined : obj(s.TranscodingInfo)),
  };
  set(snap, 'user', str(s.UserName));
  set(snap, 'client', str(s.Client));
  set(snap, 'device', str(s.DeviceName));
  set(snap, 'address', str(s.RemoteEndPoint));
  set(snap, 'itemId', str(item.Id));
  const pos = num(play.PositionTicks);
  if (pos !== undefined) snap.positionMs = Math.round(pos / TICKS_PER_MS);
  const dur = num(item.RunTimeTicks);
  if (dur !== undefined) snap.durationMs = Math.round(dur / TICKS_PER_MS);
  const bps = snap.transcode.target?.bitrateKbps ?? snap.transcode.source.bitrateKbps;
  set(snap, 'bandwidthKbps', bps);
  if (kind === 'episode') {
    set(snap, 'show', str(item.SeriesName));
    set(snap, 'season', num(item.ParentIndexNumber));
    set(snap, 'episode', num(item.IndexNumber));
  }
  return snap;
}

function transcodeOf(item: Node, play: Node, ti: Node | undefined): TranscodeInfo {
  const streams = list(item.MediaStreams);
  const video = streams.find((x) => str(x.Type) === 'Video');
  const audio = streams.find((x) => str(x.Type) === 'Audio');
  const source: StreamSpec = {};
  set(source, 'container', str(item.Container));
  set(source, 'videoCodec', str(video?.Codec));
  set(source, 'audioCodec', str(audio?.Codec));
  const w = num(video?.Width);
  const h = num(video?.Height);
  if (w && h) source.resolution = `${w}x${h}`;
  const srcBits = (num(video?.BitRate) ?? 0) + (num(audio?.BitRate) ?? 0);
  if (srcBits > 0) source.bitrateKbps = Math.round(srcBits / 1000);
  const method = str(play.PlayMethod);
  if (!ti) {
    const decision: StreamDecision =
      method === 'Transcode' || method === 'DirectStream' ? 'directstream' : 'directplay';
    const info: TranscodeInfo = { decision, reasons: [], hardware: null, source };
    if (decision === 'directplay') {
      info.videoDecision = 'directplay';
      info.audioDecision = 'directplay';
    }
    return info;
  }
  const videoDirect = bool(ti.IsVideoDirect);
  const audioDirect = bool(ti.IsAudioDirect);
  const decision: StreamDecision = videoDirect && audioDirect ? 'directstream' : 'transcode';
  const hwType = str(ti.HardwareAccelerationType);
  const hardware = videoDirect
    ? null
    : Boolean(hwType && hwType.toLowerCase() !== 'none') || bool(ti.VideoEncoderIsHardware);
  const info: TranscodeInfo = {
    decision,
    videoDecision: videoDirect ? 'copy' : 'transcode',
    audioDecision: audioDirect ? 'copy' : 'transcode',
    reasons: reasonsOf(ti.TranscodeReasons),
    hardware,
    source,
  };
  const target: StreamSpec = {};
  set(target, 'container', str(ti.Container));
  set(target, 'videoCodec', str(ti.VideoCodec));
  set(target, 'audioCodec', str(ti.AudioCodec));
  const tw = num(ti.Width);
  const th = num(ti.Height);
  if (tw && th) target.resolution = `${tw}x${th}`;
  const tb = num(ti.Bitrate);
  if (tb) target.bitrateKbps = Math.round(tb / 1000);
  info.target = target;
  // Jellyfin reports the encoder's frames per second; against the source frame rate that is the speed.
  const fps = num(ti.Framerate);
  const srcFps = num(video?.RealFrameRate) ?? num(video?.AverageFrameRate);
  if (!videoDirect && fps !== undefined && srcFps) info.speed = Math.round((fps / srcFps) * 100) / 100;
  const pct = num(ti.CompletionPercentage);
  if (pct !== undefined && pct >= 100) info.complete = true;
  return info;
}

function reasonsOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  if (typeof v === 'string')
    return v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return [];
}

function kindOf(t: string | undefined): MediaKind {
  if (t === 'Movie') return 'movie';
  if (t === 'Episode') return 'episode';
  if (t === 'Audio') return 'track';
  if (t === 'TvChannel' || t === 'LiveTvProgram' || t === 'Program') return 'live';
  return 'other';
}

/** Jellyfin does not say LAN or WAN; the client address does (private, loopback, link-local and ULA ranges). */
export function locationOf(address: string | undefined): SessionSnapshot['location'] {
  if (!address) return 'unknown';
  const ip = address.replace(/^::ffff:/i, '').replace(/^\[|\](:\d+)?$/g, '');
  if (/^(10\.|127\.|192\.168\.|169\.254\.)/.test(ip)) return 'lan';
  const m = /^172\.(\d+)\./.exec(ip);
  if (m && Number(m[1]) >= 16 && Number(m[1]) <= 31) return 'lan';
  if (/^(::1$|f[cd][0-9a-f]{2}:|fe80:)/i.test(ip)) return 'lan';
  return 'wan';
}
