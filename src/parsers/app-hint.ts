/** Which app a log file belongs to, judged by its name alone (used by `auto` and by default-location discovery). */

const RULES: ReadonlyArray<[RegExp, string]> = [
  [/plex (media server|media scanner|dlna server|tuner service|crash uploader|update service)|^pms /i, 'plex'],
  [/^(log_\d{8}(_\d+)?\.log|ffmpeg\.(transcode|directstream|remux)-.*\.log)$/i, 'jellyfin'],
  [/^(embyserver(-\d+)?\.txt|server-\d+\.txt|ffmpeg-(transcode|directstream)-.*\.txt)$/i, 'emby'],
  [/^sonarr(\.(debug|trace))?(\.\d+)?\.txt$/i, 'sonarr'],
  [/^radarr(\.(debug|trace))?(\.\d+)?\.txt$/i, 'radarr'],
  [/^prowlarr(\.(debug|trace))?(\.\d+)?\.txt$/i, 'prowlarr'],
  [/^lidarr(\.(debug|trace))?(\.\d+)?\.txt$/i, 'lidarr'],
  [/^readarr(\.(debug|trace))?(\.\d+)?\.txt$/i, 'readarr'],
  [/^whisparr(\.(debug|trace))?(\.\d+)?\.txt$/i, 'whisparr'],
  [/^bazarr\.log/i, 'bazarr'],
  [/^(tautulli|plexpy)(_api)?\.log/i, 'tautulli'],
  [/^qbittorrent\.log/i, 'qbittorrent'],
  [/^sabnzbd\.log/i, 'sabnzbd'],
  [/^(overseerr|jellyseerr|seerr)(-\d{4}-\d{2}-\d{2})?\.log/i, 'overseerr'],
  [/-json\.log(\.\d+)?$/i, 'docker'],
];

export function appFromFileName(path: string): string | null {
  const base = path.split(/[\\/]/).pop() ?? path;
  for (const [re, app] of RULES) if (re.test(base)) return app;
  // Corpus-style names: `sonarr-v3-...log`, `jf-10.9-...log`, `pms-...log`.
  const lower = base.toLowerCase();
  for (const app of [
    'sonarr',
    'radarr',
    'prowlarr',
    'lidarr',
    'readarr',
    'whisparr',
    'bazarr',
    'tautulli',
    'sabnzbd',
    'emby',
    'jellyfin',
    'overseerr',
    'jellyseerr',
  ]) {
    if (lower.startsWith(app)) return app === 'jellyseerr' ? 'overseerr' : app;
  }
  return null;
}
