/** Emby log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createEmbyParser(): FormatParser {
  return {
    id: 'emby',
    apps: ['emby'],
    header: () => null,
  };
}
