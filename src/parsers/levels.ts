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

/**
 * Level words any layout may print (Serilog's three letters, syslog severities, .NET, Python, Go loggers), lower-cased
 * keys: what the generic parser and the record-start detector read where a level word stands.
 */
export const LEVEL_WORDS: Readonly<Record<string, Level>> = {
  trace: 'trace',
  trc: 'trace',
  verbose: 'trace',
  vrb: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  wrn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  severe: 'error',
  crit: 'fatal',
  critical: 'fatal',
  fatal: 'fatal',
  ftl: 'fatal',
  panic: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
};
