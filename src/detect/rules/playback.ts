/** Playback and streaming rules: a stream request that failed, a stream cut short. */
import type { RuleDefinition } from './types.ts';

export const PLAYBACK_RULES: readonly RuleDefinition[] = [
  {
    id: 'playback.stream-request-failed',
    // The exception says more when there is one (FFmpeg failed: transcode).
    strength: 'weak',
    apps: ['jellyfin'],
    minLevel: 'error',
    message: /^Error processing request\. URL "?GET"? "?\/videos\//,
    category: 'playback',
    severity: 'high',
    title: '{app} failed to serve a video stream',
  },
  {
    id: 'playback.transcode-quit',
    apps: ['jellyfin'],
    message: /as transcoding quit before we got there/,
    category: 'playback',
    severity: 'medium',
    title: '{app} stream stopped: the transcode quit early',
  },
];
