/**
 * Where each app writes its logs when nobody configured a source (`arrgus run` with an empty `sources` list): the
 * linuxserver/hotio/official Docker mounts and the native package paths from FORMATS.md. A directory counts only when
 * it holds a file that app writes (`/config/logs` is shared by half the stack), so the startup log can say exactly
 * what was found and what was not. Roots are injectable for tests.
 */
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type SourceConfig, sourceSchema } from '../config/sources.ts';
import { appFromFileName } from '../parsers/app-hint.ts';

export interface LocationRoots {
  /** Prefix of absolute paths (default `/`): tests point it at a temp dir. */
  root?: string;
  /** The home directory for `~` paths (default: the process's). */
  home?: string;
}

export interface Discovery {
  found: SourceConfig[];
  /** Apps with no log directory found, and where we looked. */
  missing: Array<{ app: string; tried: string[] }>;
}

const PLEX_LOGS = 'Library/Application Support/Plex Media Server/Logs';

/** Candidate directories per app, most specific first; `~` is the home directory. */
export const DEFAULT_LOCATIONS: Readonly<Record<string, readonly string[]>> = {
  plex: [`/config/${PLEX_LOGS}`, `/var/lib/plexmediaserver/${PLEX_LOGS}`, '~/Library/Logs/Plex Media Server'],
  jellyfin: ['/config/log', '/var/log/jellyfin', '/var/lib/jellyfin/log', '~/.local/share/jellyfin/log'],
  emby: ['/config/logs', '/var/lib/emby/logs'],
  sonarr: ['/config/logs', '/var/lib/sonarr/logs', '~/.config/Sonarr/logs', '~/.config/NzbDrone/logs'],
  radarr: ['/config/logs', '/var/lib/radarr/logs', '~/.config/Radarr/logs'],
  prowlarr: ['/config/logs', '/var/lib/prowlarr/logs', '~/.config/Prowlarr/logs'],
  lidarr: ['/config/logs', '/var/lib/lidarr/logs', '~/.config/Lidarr/logs'],
  readarr: ['/config/logs', '/var/lib/readarr/logs', '~/.config/Readarr/logs'],
  whisparr: ['/config/logs', '/var/lib/whisparr/logs', '~/.config/Whisparr/logs'],
  bazarr: ['/config/log', '/opt/bazarr/data/log', '~/bazarr/data/log'],
  tautulli: ['/config/logs', '/opt/Tautulli/logs', '/var/lib/tautulli/logs'],
  qbittorrent: ['/config/qBittorrent/logs', '/config/data/qBittorrent/logs', '~/.local/share/qBittorrent/logs'],
  sabnzbd: ['/config/logs', '~/.sabnzbd/logs'],
  overseerr: ['/app/config/logs', '/config/logs'],
};

function resolve(candidate: string, roots: LocationRoots): string {
  if (candidate.startsWith('~/')) return join(roots.home ?? homedir(), candidate.slice(2));
  return roots.root ? join(roots.root, candidate) : candidate;
}

/** Whether `dir` holds at least one log file written by `app` (judged by file name). */
async function holdsLogsOf(dir: string, app: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    // Missing or unreadable: not a location of this app. Nothing to report per candidate; `missing` says it.
    return false;
  }
  return names.some((n) => appFromFileName(n) === app);
}

export async function discoverDefaultSources(roots: LocationRoots = {}): Promise<Discovery> {
  const found: SourceConfig[] = [];
  const missing: Discovery['missing'] = [];
  for (const [app, candidates] of Object.entries(DEFAULT_LOCATIONS)) {
    const tried = candidates.map((c) => resolve(c, roots));
    let hit: string | null = null;
    for (const dir of tried) {
      if (await holdsLogsOf(dir, app)) {
        hit = dir;
        break;
      }
    }
    if (hit) found.push(sourceSchema.parse({ name: app, app, path: hit }));
    else missing.push({ app, tried });
  }
  return { found, missing };
}
