/** Crash rules: the process died or an exception escaped; and the catch-all for FATAL records no rule explains. */
import type { RuleDefinition } from './types.ts';

/** Checked first: a crash is the story even when its message names a cause. */
export const CRASH_RULES: readonly RuleDefinition[] = [
  {
    id: 'crash.plex',
    apps: ['plex', 'generic', 'docker'],
    message: /PLEX MEDIA SERVER CRASHED|libc\+\+abi: terminating with uncaught exception/,
    category: 'crash',
    severity: 'critical',
    title: 'Plex Media Server crashed',
    group: 'rule',
  },
  {
    id: 'crash.out-of-memory',
    text: /OutOfMemoryError|OutOfMemoryException|JavaScript heap out of memory|Cannot allocate memory|\bout of memory\b/i,
    category: 'crash',
    severity: 'critical',
    title: '{app} ran out of memory',
  },
  {
    id: 'crash.uncaught-exception',
    strength: 'weak',
    minLevel: 'error',
    text: /Uncaught exception|Unhandled exception|UnhandledException|unhandledRejection/i,
    category: 'crash',
    severity: 'high',
    title: '{app}: an exception escaped ({exceptionType})',
  },
];

/** Checked last: startup failures and FATAL records that no other rule explains. */
export const CRASH_FALLBACK_RULES: readonly RuleDefinition[] = [
  {
    id: 'crash.startup-failed',
    strength: 'weak',
    minLevel: 'error',
    message: /^Error while starting server|failed to start\b/i,
    category: 'crash',
    severity: 'critical',
    title: '{app} failed to start',
  },
  {
    id: 'crash.fatal',
    strength: 'fallback',
    minLevel: 'fatal',
    message: /(?:)/,
    category: 'crash',
    severity: 'critical',
    title: '{app} logged a fatal error',
  },
];
