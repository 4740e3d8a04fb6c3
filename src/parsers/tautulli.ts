/** Tautulli log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createTautulliParser(): FormatParser {
  return {
    id: 'tautulli',
    apps: ['tautulli'],
    header: () => null,
  };
}
