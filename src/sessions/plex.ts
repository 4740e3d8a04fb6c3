/**
 * Plex `/status/sessions` → session snapshots. Plex answers JSON when asked (`Accept: application/json`) and XML
 * otherwise; both are read into the same loose shape (XML attributes are strings, JSON has numbers and booleans), so
 * one normaliser serves both.
 */

import { bool, list, num, obj, set, str } from '../core/loose-json.ts';
import type {
  MediaKind,
  SessionSnapshot,
  StreamDecision,
  StreamSpec,
  TrackDecision,
  TranscodeInfo,
} from '../core/session-types.ts';
import { mediaTitle, playState, plexResolution } from './fields.ts';
import { parseXml, type XmlElement } from './xml.ts';

type Node = Record<string, unknown>;

/** Parses a `/status/sessions` body, JSON or XML. Throws when it is neither. */
export function parsePlexSessions(body: string): SessionSnapshot[] {
  const text = body.trimStart();
  if (text.startsWith('{')) {
    const json = JSON.parse(text) as unknown;
    const mc = obj(obj(json).MediaContainer);
    return list(mc.Metadata).map(plexSnapshot);
  }
  if (text.startsWith('<')) {
    const root = parseXml(text);
    if (root.name !== 'MediaContainer') throw new Error(`expected <MediaContainer>, got <${root.name}>`);
    return root.children.map((c) => plexSnapshot(xmlNode(c)));
  }
  throw new Error('the answer is neither JSON nor XML');
}

/** An XML element as the JSON shape Plex would have sent: attributes, plus one array per child tag. */
export function xmlNode(el: XmlElement): Node {
  const out: Node = { ...el.attrs };
  for (const child of el.children) {
    const arr = (out[child.name] as Node[] | undefined) ?? [];
    arr.push(xmlNode(child));
    out[child.name] = arr;
  }
  return out;
}

export function plexSnapshot(m: Node): SessionSnapshot {
  const player = obj(first(m.Player));
  const user = obj(first(m.User));
  const session = obj(first(m.Session));
  const medias = list(m.Media);
  const media = medias.find((x) => bool(x.selected)) ?? medias[0] ?? {};
  const ts = first(m.TranscodeSession);
  const kind = kindOf(m);
  const playerId = str(player.machineIdentifier) ?? str(session.id) ?? str(m.sessionKey) ?? 'unknown';
  const snap: SessionSnapshot = {
    id: `${playerId}/${str(m.ratingKey) ?? str(m.key) ?? 'item'}`,
    location: locationOf(session, player),
    title: mediaTitle(kind, {
      title: str(m.title),
      show: str(m.grandparentTitle),
      season: num(m.parentIndex),
      episode: num(m.index),
      artist: str(m.grandparentTitle) ?? 'Unknown artist',
      year: num(m.year),
    }),
    kind,
    state: playState(str(player.state)),
    transcode: transcodeOf(media, ts ? obj(ts) : undefined),
  };
  set(snap, 'user', str(user.title));
  set(snap, 'client', str(player.product));
  set(snap, 'device', str(player.title) ?? str(player.device));
  set(snap, 'address', str(player.address) ?? str(player.remotePublicAddress));
  set(snap, 'itemId', str(m.ratingKey));
  set(snap, 'positionMs', num(m.viewOffset));
  set(snap, 'durationMs', num(m.duration));
  set(snap, 'bandwidthKbps', num(session.bandwidth));
  if (kind === 'episode') {
    set(snap, 'show', str(m.grandparentTitle));
    set(snap, 'season', num(m.parentIndex));
    set(snap, 'episode', num(m.index));
  }
  if (ts && bool(obj(ts).error)) snap.error = 'the Plex transcoder reported an error';
  return snap;
}

function transcodeOf(media: Node, ts: Node | undefined): TranscodeInfo {
  const source: StreamSpec = {};
  set(source, 'container', str(media.container));
  set(source, 'videoCodec', str(ts?.sourceVideoCodec) ?? str(media.videoCodec));
  set(source, 'audioCodec', str(ts?.sourceAudioCodec) ?? str(media.audioCodec));
  set(source, 'resolution', plexResolution(str(media.videoResolution)));
  set(source, 'bitrateKbps', num(media.bitrate));
  if (!ts) return { decision: 'directplay', reasons: [], hardware: null, source };
  const video = track(ts.videoDecision);
  const audio = track(ts.audioDecision);
  const subs = track(ts.subtitleDecision);
  const decision: StreamDecision =
    video === 'transcode' || audio === 'transcode' || subs === 'burn' ? 'transcode' : 'directstream';
  const hwEncoding = str(ts.transcodeHwEncoding);
  const videoEncoded = video === 'transcode' || subs === 'burn';
  const info: TranscodeInfo = {
    decision,
    reasons: [],
    hardware: videoEncoded ? Boolean(hwEncoding) || bool(ts.transcodeHwFullPipeline) : null,
    source,
  };
  set(info, 'videoDecision', video);
  set(info, 'audioDecision', audio);
  set(info, 'subtitleDecision', subs);
  if (ts.transcodeHwRequested !== undefined) info.hardwareRequested = bool(ts.transcodeHwRequested);
  if (subs === 'burn') info.reasons.push('subtitles burned in');
  if (video === 'transcode' && source.videoCodec && str(ts.videoCodec) && source.videoCodec !== str(ts.videoCodec)) {
    info.reasons.push(`video ${source.videoCodec} → ${str(ts.videoCodec)}`);
  }
  if (audio === 'transcode' && source.audioCodec && str(ts.audioCodec) && source.audioCodec !== str(ts.audioCodec)) {
    info.reasons.push(`audio ${source.audioCodec} → ${str(ts.audioCodec)}`);
  }
  if (info.hardwareRequested && info.hardware === false) info.reasons.push('hardware requested, running in software');
  const target: StreamSpec = {};
  set(target, 'container', str(ts.container));
  set(target, 'videoCodec', str(ts.videoCodec));
  set(target, 'audioCodec', str(ts.audioCodec));
  const w = num(ts.width);
  const h = num(ts.height);
  if (w && h) target.resolution = `${w}x${h}`;
  info.target = target;
  set(info, 'speed', num(ts.speed));
  if (ts.throttled !== undefined) info.throttled = bool(ts.throttled);
  if (ts.complete !== undefined) info.complete = bool(ts.complete);
  return info;
}

function kindOf(m: Node): MediaKind {
  if (bool(m.live)) return 'live';
  const t = str(m.type);
  return t === 'movie' || t === 'episode' || t === 'track' ? t : 'other';
}

function locationOf(session: Node, player: Node): SessionSnapshot['location'] {
  const loc = str(session.location);
  if (loc === 'lan' || loc === 'wan') return loc;
  if (player.local === undefined) return 'unknown';
  return bool(player.local) ? 'lan' : 'wan';
}

function track(v: unknown): TrackDecision | undefined {
  const s = str(v);
  return s === 'directplay' || s === 'copy' || s === 'transcode' || s === 'burn' ? s : undefined;
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}
