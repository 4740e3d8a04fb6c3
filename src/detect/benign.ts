/**
 * Harmless warnings: sentences apps log at WARN in normal operation (every start, every container), which would
 * otherwise become issues through a keyword (`Crash reporting disabled` names a crash). Data, one entry per wording,
 * each from a real log; matched against WARN records no rule names, never against errors.
 */
import type { LogRecord } from '../core/types.ts';

const BENIGN: ReadonlyArray<{ apps?: readonly string[]; message: RegExp }> = [
  { apps: ['plex'], message: /^Crash: Crash reporting disabled/ },
  { apps: ['plex'], message: /^Sync: Couldn't get sync lists without subscription/ },
  { apps: ['plex'], message: /^(?:\[\w+\] )?Streaming Resource: Could not find a transcoder profile/ },
  // qBittorrent warns until it has downloaded its GeoIP database (first start, offline machines): peers just show no
  // country.
  { apps: ['qbittorrent'], message: /\b(?:IP geolocation|GeoIP|GeoLite2?) database\b/i },
  // ASP.NET Core data protection in containers (Jellyfin, Emby, the *arr apps on .NET 6+).
  {
    message:
      /^No XML encryptor configured|^Storing keys in a directory .* may not be persisted|^Using an in-memory repository\. Keys will not be persisted/,
  },
  { message: /^Overriding address\(es\)|^The WebRootPath was not found/ },
];

/** A WARN wording apps log when nothing is wrong. */
export function isBenign(rec: LogRecord): boolean {
  for (const b of BENIGN) {
    if (b.apps && !b.apps.includes(rec.app)) continue;
    if (b.message.test(rec.message)) return true;
  }
  return false;
}
