/**
 * The built-in rule library, listed once, in the order rules are tried (first match wins): crashes, then the
 * app-specific symptoms a person acts on (path mapping, download client, indexer, metadata server), then transcoding
 * and playback, then the generic causes (database, disk, auth, network), then generic symptoms, then the fallbacks.
 * User rules (`detect.rules`) are tried before all of these.
 */
import { AUTH_RULES } from './auth.ts';
import { CRASH_FALLBACK_RULES, CRASH_RULES } from './crash.ts';
import { DATABASE_RULES } from './database.ts';
import { DISK_RULES } from './disk.ts';
import { DOWNLOAD_CLIENT_RULES } from './download-client.ts';
import { IMPORT_PATH_RULES, IMPORT_RULES } from './import.ts';
import { INDEXER_RULES } from './indexer.ts';
import { METADATA_RULES, METADATA_SERVER_RULES } from './metadata.ts';
import { NETWORK_RULES } from './network.ts';
import { PLAYBACK_RULES } from './playback.ts';
import { TRANSCODE_RULES } from './transcode.ts';
import type { RuleDefinition } from './types.ts';

export const BUILT_IN_RULES: readonly RuleDefinition[] = [
  ...CRASH_RULES,
  ...IMPORT_PATH_RULES,
  ...DOWNLOAD_CLIENT_RULES,
  ...INDEXER_RULES,
  ...METADATA_SERVER_RULES,
  ...TRANSCODE_RULES,
  ...PLAYBACK_RULES,
  ...DATABASE_RULES,
  ...DISK_RULES,
  ...AUTH_RULES,
  ...NETWORK_RULES,
  ...METADATA_RULES,
  ...IMPORT_RULES,
  ...CRASH_FALLBACK_RULES,
];

export type { RuleDefinition } from './types.ts';
