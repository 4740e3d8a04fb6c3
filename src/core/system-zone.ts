/**
 * The machine's time zone name, read the way the C library and ICU read it, without Intl when possible: ICU's zone
 * data costs ~8 MB of a process's memory, and on a machine (or container) that runs on UTC nothing else needs it.
 * `TZ` first; else the zone `/etc/localtime` links to (`/usr/share/zoneinfo/Europe/Paris` → `Europe/Paris`); else
 * (no link, or a copied file) what Intl says.
 */
import { readlinkSync } from 'node:fs';

export function systemZoneName(
  env: NodeJS.ProcessEnv = process.env,
  localtime = '/etc/localtime',
  intl: () => string | undefined = () => Intl.DateTimeFormat().resolvedOptions().timeZone,
): string {
  if (env.TZ) return env.TZ;
  try {
    const target = readlinkSync(localtime);
    const at = target.lastIndexOf('zoneinfo/');
    if (at >= 0) {
      const name = target.slice(at + 'zoneinfo/'.length).replace(/^(?:posix|right)\//, '');
      if (name) return name;
    }
  } catch {
    // Not a link (a copied zone file) or missing: ICU knows how to read those.
  }
  return intl() || 'UTC';
}
