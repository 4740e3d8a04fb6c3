/**
 * The formats Arrgus reads, listed once (house rule 3), and how a configured app picks its format(s).
 */

import { createBazarrParser } from './bazarr.ts';
import { createContainerParser } from './container.ts';
import { createEmbyParser } from './emby.ts';
import { createGenericParser } from './generic.ts';
import { createJellyfinParser } from './jellyfin.ts';
import { createNlogParser } from './nlog.ts';
import { createOverseerrParser } from './overseerr.ts';
import { createPlexParser } from './plex.ts';
import { createQbittorrentParser } from './qbittorrent.ts';
import { createSabnzbdParser } from './sabnzbd.ts';
import { createTautulliParser } from './tautulli.ts';
import type { FormatParser } from './types.ts';

/** Every format, most specific first; `generic` must stay last. Each call returns fresh instances (per-stream state). */
export function allParsers(): FormatParser[] {
  return [
    createPlexParser(),
    createJellyfinParser(),
    createEmbyParser(),
    createNlogParser(),
    createBazarrParser(),
    createTautulliParser(),
    createSabnzbdParser(),
    createQbittorrentParser(),
    createOverseerrParser(),
    createContainerParser(),
    createGenericParser(),
  ];
}

/**
 * The formats to try for a configured app: a concrete app gets its own format; `auto` and `docker` try all of them.
 */
export function parsersFor(app: string): FormatParser[] {
  const all = allParsers();
  if (app === 'auto' || app === 'docker') return all;
  const own = all.filter((p) => p.apps.includes(app));
  if (own.length) return own;
  return all;
}
