/**
 * The formats Arrgus reads, listed once (house rule 3), and how a configured app picks its format(s).
 */

import { createPlexParser } from './plex.ts';
import type { FormatParser } from './types.ts';

/** Every format, most specific first; `generic` (when present) must stay last. Each call returns fresh instances. */
export function allParsers(): FormatParser[] {
  return [createPlexParser()];
}

/**
 * The formats to try for a configured app. A concrete app gets its own format first and the others after it only
 * when its logs are known to interleave other layouts (none yet); `auto` and `docker` try all of them.
 */
export function parsersFor(app: string): FormatParser[] {
  const all = allParsers();
  if (app === 'auto' || app === 'docker') return all;
  const own = all.filter((p) => p.apps.includes(app));
  if (own.length) return own;
  return all;
}
