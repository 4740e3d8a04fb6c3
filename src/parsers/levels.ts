/** Level-name maps that several formats share because their apps log through the same library. */
import type { Level } from '../core/types.ts';

/** Python `logging` level names (Bazarr, SABnzbd, Tautulli). */
export const PYTHON_LEVELS: Readonly<Record<string, Level>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
};

/** Title-case .NET level names: NLog's (the *arr apps) and Emby's, which never writes `Trace`. */
export const TITLE_CASE_LEVELS: Readonly<Record<string, Level>> = {
  Trace: 'trace',
  Debug: 'debug',
  Info: 'info',
  Warn: 'warn',
  Error: 'error',
  Fatal: 'fatal',
};
