/** Overseerr log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createOverseerrParser(): FormatParser {
  return {
    id: 'overseerr',
    apps: ['overseerr'],
    header: () => null,
  };
}
