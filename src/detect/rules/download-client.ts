/** Download client rules: the *arr apps cannot reach their client; SABnzbd cannot unpack. */
import { NLOG_APPS } from '../../core/types.ts';
import type { RuleDefinition } from './types.ts';

export const DOWNLOAD_CLIENT_RULES: readonly RuleDefinition[] = [
  {
    id: 'download-client.unreachable',
    apps: [...NLOG_APPS],
    text: /Unable to connect to (qBittorrent|Transmission|uTorrent|rTorrent|Deluge|SABnzbd|NZBGet|Download Station|Flood|Vuze|Aria2)/i,
    category: 'download-client',
    severity: 'high',
    title: '{app} cannot reach download client {1}',
  },
  {
    id: 'download-client.unpack-failed',
    apps: ['sabnzbd'],
    // SABnzbd logs the unpacker's return code at INFO; non-zero is a failed unpack.
    minLevel: 'info',
    message: /^(7za|unrar|par2) return code: ([1-9]\d*)/,
    category: 'download-client',
    severity: 'medium',
    title: 'SABnzbd: {1} failed with code {2}',
  },
];
