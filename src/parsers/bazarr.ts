/** Bazarr log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createBazarrParser(): FormatParser {
  return {
    id: 'bazarr',
    apps: ['bazarr'],
    header: () => null,
  };
}
