/** Generic log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createGenericParser(): FormatParser {
  return {
    id: 'generic',
    apps: ['generic'],
    header: () => null,
  };
}
