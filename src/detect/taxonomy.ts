/**
 * The categories an issue can have: what each means, the rule that decides between neighbours, and real examples.
 * This table is the documentation (the README's taxonomy is generated from it) and the contract of the classifier's
 * layers: every category a layer names must be listed here (taxonomy.test.ts holds them to it).
 */

export interface CategoryInfo {
  id: string;
  /** What the category is about, for people. */
  summary: string;
  /** How to tell it from its neighbours. */
  decision: string;
  /** Real lines (shortened) that belong here. */
  examples: readonly string[];
}

export const TAXONOMY: readonly CategoryInfo[] = [
  {
    id: 'transcode',
    summary: 'The transcoder could not convert media: Plex Transcoder, Jellyfin/Emby ffmpeg, hardware acceleration.',
    decision:
      'The failing part is the encoder/decoder process or its hardware (ffmpeg exit codes, codec errors, VAAPI/NVENC/QSV/CUDA). A stream that fails because the transcoder failed is transcode, not playback.',
    examples: [
      'Plex: [Transcode] [FFMPEG] - Cannot load libcuda.so.1',
      'Jellyfin: FFmpeg exited with code 1',
      "Plex: Jobs: '/usr/lib/plexmediaserver/Plex Transcoder' exit code for process 2714 is -9 (signal: Killed)",
    ],
  },
  {
    id: 'playback',
    summary: 'A client could not start or keep a stream for reasons other than the transcoder.',
    decision:
      'Sessions, direct play/stream, a client that disconnects mid-stream, bandwidth limits, a stream or subtitle the client asked for and did not get. When the transcoder is named as the cause, use transcode.',
    examples: [
      'Plex: [Req#1a2] Failed to stream media, client probably disconnected',
      'Jellyfin: Error processing request (HLS segment)',
    ],
  },
  {
    id: 'network',
    summary: 'Talking to another host failed at the transport level: DNS, refused, reset, timeouts, TLS, proxies.',
    decision:
      'Any peer, unless the peer is a download client (download-client) or an indexer/tracker (indexer), or the peer answered that the credentials are wrong (auth). HTTP 5xx and 429 from a generic peer (plex.tv, metadata servers) is network.',
    examples: [
      "Plex: HTTP error requesting GET https://plex.tv/... (6, Couldn't resolve host name)",
      'Sonarr: System.Net.WebException: The operation has timed out',
      'curl: (56) Recv failure: Connection reset by peer',
    ],
  },
  {
    id: 'connectivity',
    summary: "Arrgus's own view of a source: the app's API does not answer, or its log went silent.",
    decision:
      'Raised by Arrgus (API pollers, silent-source checks), never from a log line: when the app itself logs that it cannot reach a host, that is network.',
    examples: ['Sonarr API: connection refused (3 polls)', 'plex: no log line for 2h'],
  },
  {
    id: 'auth',
    summary: 'Credentials were refused or are missing: API keys, tokens, passwords, sign-in, plex.tv claim.',
    decision:
      'HTTP 401/403 or an explicit "unauthorized", "invalid API key", "token expired", "login failed", whatever the peer.',
    examples: [
      'Plex: MyPlex: Error 401 requesting JSON from: https://plex.tv/...',
      'Radarr: Invalid API Key',
      'Emby: Invalid username or password entered',
    ],
  },
  {
    id: 'database',
    summary:
      "The app's own database: locked or busy, corrupt, failed migrations, constraint errors, slow transactions.",
    decision:
      'SQLite/PostgreSQL errors and the apps\' database layers (NzbDrone.Core.Datastore, SqliteItemRepository). "disk I/O error" from SQLite and SQLITE_FULL are database too: the database is what broke for the user.',
    examples: [
      'Plex: Failed to begin transaction ... database is locked',
      'Jellyfin: Microsoft.Data.Sqlite.SqliteException: SQLite Error 11: database disk image is malformed',
    ],
  },
  {
    id: 'disk',
    summary:
      'Storage and the file system: permission denied, missing files or folders, full disks, I/O errors, read-only mounts.',
    decision:
      'The failing operation is reading, writing, moving or listing files (UnauthorizedAccessException, EACCES, ENOENT, ENOSPC, EIO, EROFS, DirectoryNotFound). Met while an *arr app imports a download (an import service, an import rule), the import is named instead: import.',
    examples: [
      "Sonarr: Access to the path '/tv/Show' is denied",
      'Plex: boost::filesystem::status: Permission denied',
      'No space left on device',
    ],
  },
  {
    id: 'download-client',
    summary: 'Download clients and their results: qBittorrent, Transmission, Deluge, rTorrent, SABnzbd, NZBGet.',
    decision:
      'The peer is a download client (by exception namespace Download.Clients, logger, or name), or the download itself failed (unpack, repair, par2, stalled). Transport errors towards a download client are download-client, not network.',
    examples: [
      'Sonarr: Unable to connect to qBittorrent, please check your settings',
      'SABnzbd: Unpacking failed, archive requires a password',
    ],
  },
  {
    id: 'indexer',
    summary:
      'Indexers, trackers and Prowlarr: unreachable, rate limited, captcha/Cloudflare, invalid answers, searches and RSS.',
    decision:
      'The peer is an indexer or tracker (Indexers namespace, Newznab/Torznab/Cardigann, "indexer" in the text). Also Bazarr\'s subtitle providers.',
    examples: [
      'Prowlarr: Indexer request is rate limited (HTTP 429)',
      'Sonarr: Unable to connect to indexer, check the log for more details',
    ],
  },
  {
    id: 'import',
    summary:
      'Importing downloads into the library: no video files, samples, unparseable names, path mapping, hard links.',
    decision:
      'The *arr import/post-processing step (MediaFiles, Import, "import failed", remote path mapping, "not accessible by Sonarr"). A permission or missing-path error met while importing is import too; outside an import it is disk.',
    examples: [
      'Radarr: Import failed, path does not exist or is not accessible by Radarr',
      'Sonarr: No files found are eligible for import',
    ],
  },
  {
    id: 'metadata',
    summary: 'Metadata, artwork and library scanning: TheTVDB/TMDb/SkyHook, images, scanners, import lists, NFO files.',
    decision:
      'Fetching or processing information about media (providers, image processing, library scans, list sync). A provider that cannot be reached at all is still metadata when the text names the provider.',
    examples: [
      'Plex: We got an error scanning in /data/Anime',
      "Sonarr: Search for 'Show' failed. Unable to communicate with SkyHook",
      'Jellyfin: Error downloading image',
    ],
  },
  {
    id: 'crash',
    summary:
      'The app itself failed: unhandled exceptions, segfaults and signals, out of memory, failed start-up, fatal errors.',
    decision:
      'The process or one of its threads died or cannot start (FATAL records, SIGSEGV/SIGABRT, OutOfMemory, uncaught tracebacks). A crash of the transcoder process is transcode.',
    examples: [
      'Tautulli: Uncaught exception: Traceback (most recent call last)',
      'Plex: Critical: libc++abi: terminating',
      'Jellyfin: Unhandled exception in startup',
    ],
  },
  {
    id: 'uncategorized',
    summary: 'Nothing above applies, or nothing in the record says which does.',
    decision:
      'Last resort: the record is kept and grouped, and can be categorised with a rule of your own (detect.rules).',
    examples: [],
  },
];

export const CATEGORY_IDS: ReadonlySet<string> = new Set(TAXONOMY.map((c) => c.id));
