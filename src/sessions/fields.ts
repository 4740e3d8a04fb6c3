/**
 * Session fields every normaliser (Plex, Jellyfin/Emby, Tautulli, webhooks) reads the same way, so a playback seen
 * through two of them reads the same.
 */
import type { MediaKind, SessionSnapshot, StreamDecision } from '../core/session-types.ts';

export interface TitleParts {
  title: string | undefined;
  /** Episodes: the series. */
  show?: string | undefined;
  season?: number | undefined;
  episode?: number | undefined;
  /** Tracks: the artist (left out of the title when unknown). */
  artist?: string | undefined;
  /** Movies and others. */
  year?: number | undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `Show - S01E02 - Title`, `Artist - Title`, `Title (2019)`. */
export function mediaTitle(kind: MediaKind, p: TitleParts): string {
  const title = p.title ?? 'Unknown';
  if (kind === 'episode') {
    const se = p.season !== undefined && p.episode !== undefined ? ` - S${pad(p.season)}E${pad(p.episode)}` : '';
    return `${p.show ?? 'Unknown show'}${se} - ${title}`;
  }
  if (kind === 'track') return p.artist ? `${p.artist} - ${title}` : title;
  return p.year ? `${title} (${p.year})` : title;
}

/** Plex's and Tautulli's player state: anything but paused or buffering is playing. */
export function playState(s: string | undefined): SessionSnapshot['state'] {
  return s === 'paused' || s === 'buffering' ? s : 'playing';
}

/** Tautulli's `transcode_decision` (its API and its webhooks). */
export function tautulliDecision(d: string | undefined): StreamDecision {
  const v = d?.toLowerCase();
  if (v === 'direct play') return 'directplay';
  if (v === 'copy' || v === 'direct stream') return 'directstream';
  if (v === 'transcode') return 'transcode';
  return 'unknown';
}

/** Plex's (and Tautulli's) video resolution: `1080` → `1080p`; `4k`, `sd` as they are. */
export function plexResolution(r: string | undefined): string | undefined {
  if (!r) return undefined;
  return /^\d+$/.test(r) ? `${r}p` : r;
}
