/** Jellyfin log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createJellyfinParser(): FormatParser {
  return {
    id: 'jellyfin',
    apps: ['jellyfin'],
    header: () => null,
  };
}
