/** Sabnzbd log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createSabnzbdParser(): FormatParser {
  return {
    id: 'sabnzbd',
    apps: ['sabnzbd'],
    header: () => null,
  };
}
