/** Import rules: downloads the *arr apps cannot import (path mapping, failures), requests Overseerr cannot pass on. */
import { NLOG_APPS } from '../../core/types.ts';
import type { RuleDefinition } from './types.ts';

const ARR = [...NLOG_APPS];

/** Checked early: the path-mapping signature is more useful than the generic causes. */
export const IMPORT_PATH_RULES: readonly RuleDefinition[] = [
  {
    id: 'import.path-inaccessible',
    apps: ARR,
    message: /^Import failed, path does not exist or is not accessible by (\w+)/,
    category: 'import',
    severity: 'high',
    title: '{1} cannot see the downloaded files (remote path mapping or volume)',
    hint: 'The download client reports a path this app cannot see: add a remote path mapping or mount the same path.',
  },
];

/** Checked after the disk and network causes. */
export const IMPORT_RULES: readonly RuleDefinition[] = [
  {
    id: 'import.failed',
    // The OS error in the same line (permission denied, no space) is what to fix: the disk rules go first.
    strength: 'peer',
    apps: ARR,
    message: /^Couldn't import (?:movie|episode|album|track|book)|^Import failed\b/,
    category: 'import',
    severity: 'medium',
    title: '{app} could not import a download',
  },
  {
    id: 'import.request-not-sent',
    apps: ['overseerr'],
    message: /^Something went wrong (?:while adding an? \w+ to|sending \w+ request to) (Sonarr|Radarr)/,
    category: 'import',
    severity: 'high',
    title: 'Overseerr cannot pass requests to {1}',
  },
];
