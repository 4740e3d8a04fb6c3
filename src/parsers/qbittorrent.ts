/** Qbittorrent log format. Not written yet: recognises no header, so every line joins an orphan record. */
import type { FormatParser } from './types.ts';

export function createQbittorrentParser(): FormatParser {
  return {
    id: 'qbittorrent',
    apps: ['qbittorrent'],
    header: () => null,
  };
}
