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

/** Ways of reading that are not one app: the format is detected from the content, per stream. */
const DETECTING: ReadonlySet<string> = new Set(['auto', 'docker']);

/**
 * The formats to try for a configured app: a concrete app gets its own format only (one regex per line on the hot
 * path); `auto` and `docker` get every format, and the assembler locks onto the first app format that recognises a
 * header (container and generic lines never decide). `hint` (an app guessed from the file name, app-hint.ts) moves
 * that app's format to the front so it wins a tie, without overriding what the content says.
 */
export function parsersFor(app: string, hint?: string | null): FormatParser[] {
  const all = allParsers();
  if (DETECTING.has(app)) {
    if (!hint || DETECTING.has(hint)) return all;
    const front = all.filter((p) => p.apps.includes(hint) && p.id !== 'generic');
    return [...front, ...all.filter((p) => !front.includes(p))];
  }
  const own = all.filter((p) => p.apps.includes(app));
  if (own.length) return own;
  return all;
}
