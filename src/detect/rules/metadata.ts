/** Scanner and metadata rules: metadata servers down, agents and providers failing, items not found. */
import { NLOG_APPS } from '../../core/types.ts';
import type { RuleDefinition } from './types.ts';

/** Checked before the network causes: "Radarr's metadata server is down" says more than "connection refused". */
export const METADATA_SERVER_RULES: readonly RuleDefinition[] = [
  {
    id: 'metadata.arr-server',
    // Names the part that failed, not why: a cause in the same record (credentials, files) decides.
    strength: 'peer',
    apps: [...NLOG_APPS],
    text: /SkyHookException|BookInfoException|api\.radarr\.video|skyhook\.sonarr\.tv|api\.lidarr\.audio|bookinfo\.club/i,
    category: 'metadata',
    severity: 'medium',
    title: '{app} cannot get answers from its metadata server',
  },
  {
    id: 'metadata.not-found',
    apps: [...NLOG_APPS],
    text: /was not found, it may have been removed from|with this ID was not found/i,
    category: 'metadata',
    severity: 'low',
    title: '{app}: an item was not found on the metadata server',
  },
];

export const METADATA_RULES: readonly RuleDefinition[] = [
  {
    id: 'metadata.provider-failed',
    // Names the part that failed, not why: a cause in the same record (credentials, files) decides.
    strength: 'peer',
    apps: ['jellyfin', 'emby'],
    message: /^Error in "?([^"]+?)"?$/,
    category: 'metadata',
    severity: 'medium',
    title: 'Metadata provider {1} fails',
  },
  {
    id: 'metadata.subtitle-download',
    // Names the part that failed, not why: a cause in the same record (credentials, files) decides.
    strength: 'peer',
    apps: ['jellyfin', 'emby'],
    message: /^Error downloading subtitles from "?([^"]+?)"?$/,
    category: 'metadata',
    severity: 'low',
    title: 'Subtitle provider {1} fails',
  },
  {
    id: 'metadata.plex-scanner',
    apps: ['plex'],
    message: /We got an error scanning in /,
    category: 'metadata',
    severity: 'medium',
    title: 'Plex scanner fails in a library folder',
  },
  {
    id: 'metadata.overseerr-plex-watchlist',
    apps: ['overseerr'],
    message: /^Failed to retrieve watchlist items/,
    category: 'metadata',
    severity: 'low',
    title: 'Overseerr cannot read Plex watchlists',
  },
];
