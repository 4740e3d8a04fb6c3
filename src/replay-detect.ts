/**
 * Detection hooks for `arrgus replay`. The detection room (src/detect/) fills this in: it returns the `onRecord` and
 * `finish` hooks that add fingerprints, issues, alerts and incidents to the replay output.
 */
import type { ReplayOptions } from './replay.ts';

export function attachDetection(_opts: { tz?: string }): Pick<ReplayOptions, 'onRecord' | 'finish'> {
  return {};
}
