/** Download client rules: the *arr apps cannot reach their client; SABnzbd cannot unpack. */
import { NLOG_APPS } from '../../core/types.ts';
import type { RuleDefinition } from './types.ts';

export const DOWNLOAD_CLIENT_RULES: readonly RuleDefinition[] = [
  {
    id: 'download-client.unreachable',
    // Names the part that failed, not why: a cause in the same record (credentials, files) decides.
    strength: 'peer',
    apps: [...NLOG_APPS],
    text: /Unable to connect to (qBittorrent|Transmission|uTorrent|rTorrent|Deluge|SABnzbd|NZBGet|Download Station|Flood|Vuze|Aria2)/i,
    category: 'download-client',
    severity: 'high',
    title: '{app} cannot reach download client {1}',
  },
  {
    id: 'download-client.unpack-failed',
    apps: ['sabnzbd'],
    // Non-zero is a failed unpack (SABnzbd logs the return code at INFO in some versions: no issue then).
    message: /^(7za|unrar|par2) return code: ([1-9]\d*)/,
    category: 'download-client',
    severity: 'medium',
    title: 'SABnzbd: {1} failed',
  },
];
