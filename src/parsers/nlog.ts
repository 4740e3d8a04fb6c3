/** Nlog log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createNlogParser(): FormatParser {
  return {
    id: 'nlog',
    apps: ['sonarr', 'radarr', 'prowlarr', 'lidarr', 'readarr', 'whisparr'],
    header: () => null,
  };
}
