/**
 * Every built-in rule against real log lines: lines it must match (first match wins, so the whole library's order is
 * checked) and near-miss lines it must not. Each record is built from a line of the checked-in corpus
 * (test/fixtures/corpus): the test fails if the message or exception text is not in that file verbatim. The few
 * signatures the corpus does not contain yet come from public bug reports, quoted verbatim and listed apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Level, LogRecord } from '../../core/types.ts';
import { RuleEngine } from '../rule-engine.ts';
import { BUILT_IN_RULES } from './index.ts';

const CORPUS = new URL('../../../test/fixtures/corpus/', import.meta.url).pathname;

interface Line {
  app: string;
  level: Level;
  logger?: string;
  message: string;
  ex?: [string, string];
}

/** [expected rule id, corpus file, record as the parser gives it] */
type Case = [string, string, Line];

const MATCH: Case[] = [
  [
    'database.locked',
    'plex/pms-database-locked-2019.log',
    {
      app: 'plex',
      level: 'error',
      message:
        'Failed to begin transaction (../Library/MetadataCollection.cpp:173) (tries=1): Cannot begin transaction. database is locked',
    },
  ],
  [
    'database.locked',
    'jellyfin/jf-10.9-ftl-database-locked-startup.log',
    {
      app: 'jellyfin',
      level: 'fatal',
      logger: 'Main',
      message: 'Error while starting server',
      ex: ['Microsoft.Data.Sqlite.SqliteException', "SQLite Error 5: 'database is locked'."],
    },
  ],
  [
    'database.corrupt',
    'plex/pms-db-corruption-2020.log',
    { app: 'plex', level: 'error', message: 'SQLITE3:(nil), 11, database corruption at line 65066 of [bf8c1b2b7a]' },
  ],
  [
    'database.corrupt',
    'plex/pms-db-corruption-2025.log',
    {
      app: 'plex',
      level: 'error',
      logger: 'DatabaseFixups',
      message:
        '[DatabaseFixups/29DatabaseFixupsSyncCollections] SQLITE3:0x80000001, 11, statement aborts at 4: [] database disk image is malformed',
    },
  ],
  [
    'database.held-transaction',
    'plex/pms-held-transaction-2023.log',
    {
      app: 'plex',
      level: 'warn',
      message:
        'Held transaction for too long (/data/jenkins/server/3535737052/Library/MetadataItem.cpp:7482): 0.960000 seconds',
    },
  ],
  [
    'database.slow-transaction',
    'plex/pms-migration-slow-transactions-2024.log',
    {
      app: 'plex',
      level: 'warn',
      message:
        'Took too long (0.280000 seconds) to start a transaction on /home/runner/actions-runner/_work/plex-media-server/plex-media-server/Plugins/PluginDatabaseState.cpp:110',
    },
  ],
  [
    'transcode.ffmpeg-exit',
    'jellyfin/jf-10.11-ffmpeg-exit-code-187-qnap.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'MediaBrowser.MediaEncoding.Transcoding.TranscodeManager',
      message: 'FFmpeg exited with code 187',
    },
  ],
  [
    'transcode.ffmpeg-exit',
    'jellyfin/jf-10.8-ffmpeg-exit-no-thread-no-context.log',
    { app: 'jellyfin', level: 'error', message: 'FFmpeg exited with code 1' },
  ],
  [
    'transcode.plex-transcoder-exit',
    'plex/pms-transcoder-exit-code-2023.log',
    {
      app: 'plex',
      level: 'debug',
      logger: 'Jobs',
      message: "Jobs: '/usr/lib/plexmediaserver/Plex Transcoder' exit code for process 1995 is 1 (failure)",
    },
  ],
  [
    'transcode.hw-context-failed',
    'plex/pms-hw-transcode-cuda-missing-2022.log',
    {
      app: 'plex',
      level: 'debug',
      logger: 'Transcode',
      message: '[Transcode] Could not create hardware context for h264_vaapi',
    },
  ],
  [
    'transcode.cuda-missing',
    'plex/pms-hw-transcode-cuda-missing-2022.log',
    { app: 'plex', level: 'error', logger: 'FFMPEG', message: '[Transcode] [FFMPEG] - Cannot load libcuda.so.1' },
  ],
  [
    'transcode.vaapi-init-failed',
    'plex/pms-vaapi-init-failed-2020.log',
    {
      app: 'plex',
      level: 'error',
      logger: 'FFMPEG',
      message: '[FFMPEG] - libva: /usr/lib/plexmediaserver/lib/dri/iHD_drv_video.so init failed',
    },
  ],
  [
    'playback.stream-request-failed',
    'jellyfin/jf-10.9-ffmpeg-exit-code-1.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'Jellyfin.Api.Middleware.ExceptionMiddleware',
      message: 'Error processing request. URL "GET" "/videos/0ce32044-ee9f-4423-b0ef-e276e93d33f7/live.m3u8".',
      ex: ['MediaBrowser.Common.FfmpegException', 'FFmpeg exited with code 1'],
    },
  ],
  [
    'playback.stream-request-failed',
    'jellyfin/jf-console-short-timestamp-ffmpeg.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'Jellyfin.Api.Middleware.ExceptionMiddleware',
      message: 'Error processing request. URL GET /videos/c6ef9f26-6a28-470b-32bd-5e1837c9c65a/live.m3u8.',
    },
  ],
  [
    'playback.transcode-quit',
    'jellyfin/jf-2020-12-vaapi-ffmpeg-exit-warn.log',
    {
      app: 'jellyfin',
      level: 'warn',
      logger: 'Jellyfin.Api.Controllers.DynamicHlsController',
      message:
        'cannot serve "/var/lib/jellyfin/transcodes/3b199c6110694131259b7ff134809fc80.ts" as transcoding quit before we got there',
    },
  ],
  [
    'network.dns',
    'plex/pms-dns-failure-myplex-401-2025.log',
    {
      app: 'plex',
      level: 'warn',
      logger: 'HttpClient',
      message:
        "[HttpClient/HCl#5b] HTTP error requesting GET https://plex.tv/api/v2/server/users/features (6, Couldn't resolve host name) (Could not resolve host: plex.tv)",
    },
  ],
  [
    'metadata.provider-failed',
    'jellyfin/jf-10.9-dns-failure-plugin.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'MediaBrowser.Providers.TV.SeriesMetadataService',
      message: 'Error in "TubeArchivist"',
      ex: ['System.Net.Http.HttpRequestException', 'Name or service not known (fqdn.com:443)'],
    },
  ],
  [
    'network.dns',
    'prowlarr/prowlarr-v1-dns-eagain-binsearch-2023.log',
    {
      app: 'prowlarr',
      level: 'error',
      message:
        '[v1.7.0.3623] System.Net.Http.HttpRequestException: Resource temporarily unavailable (binsearch.info:443)',
      ex: ['System.Net.Http.HttpRequestException', 'Resource temporarily unavailable (binsearch.info:443)'],
    },
  ],
  [
    'network.refused',
    'sonarr/sonarr-v2-qbittorrent-refused-2016.log',
    {
      app: 'sonarr',
      level: 'error',
      logger: 'TaskExtensions',
      message: 'Task Error',
      ex: [
        'System.Net.WebException',
        'Unable to connect to the remote server ---> System.Net.Sockets.SocketException: No connection could be made because the target machine actively refused it 127.0.0.1:8080',
      ],
    },
  ],
  [
    'network.timeout',
    'sonarr/sonarr-v3-transmission-timeout-2019.log',
    {
      app: 'sonarr',
      level: 'warn',
      logger: 'DownloadMonitoringService',
      message: 'Unable to retrieve queue and history items from transmission',
      ex: ['System.Net.WebException', 'The request was aborted: The operation has timed out.'],
    },
  ],
  [
    'network.plex-tv-unreachable',
    'plex/pms-dns-failure-myplex-401-2025.log',
    {
      app: 'plex',
      level: 'error',
      logger: 'MyPlex',
      message: 'MyPlex: Error -6 requesting JSON from: https://plex.tv/api/v2/server/users/features',
    },
  ],
  [
    'network.tautulli-websocket',
    'tautulli/tautulli-websocket-reconnect-2017.log',
    { app: 'tautulli', level: 'warn', logger: 'Websocket', message: 'Websocket :: Unable to open connection.' },
  ],
  [
    'network.usenet-timeout',
    'sabnzbd/sab-downloader-timeouts-lsio-2025.log',
    { app: 'sabnzbd', level: 'info', logger: 'downloader', message: 'Thread 20@news.newsdemon.com: Timed out' },
  ],
  [
    'auth.unauthorized',
    'plex/pms-dns-failure-myplex-401-2025.log',
    {
      app: 'plex',
      level: 'error',
      logger: 'MyPlex',
      message: 'MyPlex: Error 401 requesting JSON from: https://plex.tv/api/v2/server/users/features',
    },
  ],
  [
    'auth.overseerr-sign-in',
    'overseerr/jellyseerr-compose-startup-auth-error-2022.log',
    { app: 'overseerr', level: 'error', logger: 'Auth', message: "Cannot read properties of undefined (reading 'Id')" },
  ],
  [
    'disk.no-space',
    'radarr/radarr-v3-not-enough-free-space-2020.log',
    {
      app: 'radarr',
      level: 'warn',
      logger: 'FreeSpaceSpecification',
      message:
        'Not enough free space (1048576) to import: /mnt/remotes/Plex/Movies/Titanic (1997)/Titanic (1997) Bluray-1080p.mkv (20949342827)',
    },
  ],
  [
    // SQLite's "disk I/O error": the database is what broke for the user (taxonomy.ts).
    'database.io-error-exception',
    'jellyfin/jf-10.7-ftl-disk-io-error-startup.log',
    {
      app: 'jellyfin',
      level: 'fatal',
      logger: 'Main',
      message: 'Error while starting server.',
      ex: ['SQLitePCL.pretty.SQLiteException', 'disk I/O error'],
    },
  ],
  [
    // The cause in the record (an I/O error) is tried before a rule that only names the part that failed.
    'disk.io-error',
    'jellyfin/jf-10.7-subtitle-ioexception.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'MediaBrowser.Providers.Subtitles.SubtitleManager',
      message: 'Error downloading subtitles from "Open Subtitles"',
      ex: ['System.IO.IOException', 'Input/output error'],
    },
  ],
  [
    'disk.permission-denied',
    'jellyfin/jf-10.5-unauthorized-path-win.log',
    {
      app: 'jellyfin',
      level: 'error',
      message: 'Error resolving path "D:\\Recovery"',
      ex: ['System.UnauthorizedAccessException', "Access to the path 'D:\\Recovery' is denied."],
    },
  ],
  [
    'disk.permission-denied',
    'radarr/radarr-v0.2-mono-import-unauthorized-2017.log',
    {
      app: 'radarr',
      level: 'warn',
      logger: 'ImportApprovedMovie',
      message: "Couldn't import movie /volume1/downloads/complete/Nice.Movie.AC3-EVO/Moth.2016.HDRip.XVID.AC3-EVO.avi",
      ex: ['System.UnauthorizedAccessException', 'Access to the path "/Nice Movie (2016)" is denied.'],
    },
  ],
  [
    'disk.path-missing',
    'emby/emby-4.8-server-404-directorynotfound.log',
    {
      app: 'emby',
      level: 'error',
      logger: 'Server',
      message: 'Error processing request',
      ex: [
        'System.IO.DirectoryNotFoundException',
        "Could not find a part of the path '/system/dashboard-ui/assets/img/devices/android.svg'.",
      ],
    },
  ],
  [
    'disk.file-locked',
    'jellyfin/jf-10.11-log-endpoint-file-locked-win.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'Jellyfin.Api.Middleware.ExceptionMiddleware',
      message:
        'Error processing request: "The process cannot access the file \'C:\\ProgramData\\Jellyfin\\Server\\log\\log_20251023.log\' because it is being used by another process". URL "GET" "/System/Logs/Log".',
    },
  ],
  [
    'disk.qbittorrent-file-error',
    'qbittorrent/qbt-file-error-network-2025.log',
    {
      app: 'qbittorrent',
      level: 'warn',
      message: 'File error alert. Torrent: "[SubsPlease] One Piece - 1124 (1080p) [A40FF450].mkv".',
    },
  ],
  [
    'indexer.rate-limited',
    'prowlarr/prowlarr-cardigann-rarbg-429-502-2022.log',
    { app: 'prowlarr', level: 'warn', logger: 'Rarbg', message: 'API Request Limit reached for Rarbg' },
  ],
  [
    'indexer.rate-limited',
    'prowlarr/prowlarr-cardigann-rarbg-429-502-2022.log',
    {
      app: 'prowlarr',
      level: 'warn',
      logger: 'Rarbg',
      message:
        'HTTP Error - Res: [GET] https://torrentapi.org/pubapi_v2.php?mode=search&category=18%3B41%3B49&limit=100&token=(removed)&format=json_extended&app_id=Prowlarr: 429.TooManyRequests',
    },
  ],
  [
    'indexer.unreachable',
    'prowlarr/prowlarr-newznab-unable-to-connect-2026.log',
    { app: 'prowlarr', level: 'warn', logger: 'Newznab', message: 'Unable to connect to indexer' },
  ],
  [
    'indexer.unreachable',
    'radarr/radarr-v4-hdbits-task-canceled-2022.log',
    {
      app: 'radarr',
      level: 'warn',
      logger: 'HDBits',
      message: 'Unable to connect to indexer',
      ex: ['System.Threading.Tasks.TaskCanceledException', 'A task was canceled.'],
    },
  ],
  [
    'indexer.test-failed',
    'prowlarr/prowlarr-validation-gateway-timeout-restart-2024.log',
    {
      app: 'prowlarr',
      level: 'warn',
      logger: 'ProwlarrErrorPipeline',
      message: "Unable to connect to indexer, indexer's server is unavailable. Try again later.",
    },
  ],
  [
    'indexer.bad-response',
    'prowlarr/prowlarr-cardigann-rarbg-429-502-2022.log',
    {
      app: 'prowlarr',
      level: 'warn',
      logger: 'Cardigann',
      message: 'HTTP Error - Res: [GET] https://apibay.org/precompiled/data_top100_recent.json: 502.BadGateway',
    },
  ],
  [
    'indexer.rss-gap',
    'sonarr/sonarr-v3-torznab-rss-gap-2019.log',
    {
      app: 'sonarr',
      level: 'warn',
      logger: 'Torznab',
      message:
        "Indexer iDope rss sync didn't cover the period between 8/26/2019 6:38:55 AM and 8/26/2019 6:49:24 AM UTC. Search may be required.",
    },
  ],
  [
    'indexer.subtitle-providers-throttled',
    'bazarr/bazarr-docker-waitress-throttled-2025.log',
    { app: 'bazarr', level: 'info', logger: 'root', message: 'BAZARR All providers are throttled' },
  ],
  [
    'indexer.subtitle-providers-throttled',
    'bazarr/bazarr-throttling-messages.log',
    {
      app: 'bazarr',
      level: 'info',
      message:
        "Throttling subtitulamostv for 10 minutes, until 20/10/03 19:29, because of: KeyError. Exception info: 'episodes'",
    },
  ],
  [
    'download-client.unreachable',
    'sonarr/sonarr-v3-transmission-timeout-2019.log',
    {
      app: 'sonarr',
      level: 'warn',
      logger: 'DownloadMonitoringService',
      message: 'Unable to retrieve queue and history items from transmission',
      ex: [
        'NzbDrone.Core.Download.Clients.DownloadClientUnavailableException',
        'Unable to connect to Transmission, please check your settings',
      ],
    },
  ],
  [
    'download-client.unreachable',
    'radarr/radarr-v3-utorrent-refused-nested-inner-2021.log',
    {
      app: 'radarr',
      level: 'error',
      message:
        '[v3.0.2.4552] NzbDrone.Core.Download.Clients.DownloadClientUnavailableException: Unable to connect to uTorrent, please check your settings',
    },
  ],
  [
    'download-client.unpack-failed',
    'sabnzbd/sab-unpack-7z-failed-2023.log',
    { app: 'sabnzbd', level: 'info', logger: 'newsunpack', message: '7za return code: 2' },
  ],
  [
    'import.path-inaccessible',
    'radarr/radarr-v0.2-import-path-not-accessible-2017.log',
    {
      app: 'radarr',
      level: 'error',
      logger: 'DownloadedMovieImportService',
      message:
        'Import failed, path does not exist or is not accessible by Radarr: I:\\Users\\Greg\\SABnzbd\\Complete\\movies\\The.Covenant.2017.DVDRip.x264-VH-PROD',
    },
  ],
  [
    'import.path-inaccessible',
    'sonarr/sonarr-v4-import-path-not-accessible-2024.log',
    {
      app: 'sonarr',
      level: 'error',
      logger: 'DownloadedEpisodesImportService',
      message:
        'Import failed, path does not exist or is not accessible by Sonarr: /downloads/Series/Fargo.S05E09.1080p.WEB.H264-RoaringObservantMuskoxOfAcceptance/',
    },
  ],
  [
    'import.failed',
    'radarr/radarr-v0.2-mono-import-unauthorized-2017.log',
    {
      app: 'radarr',
      level: 'warn',
      logger: 'ImportApprovedMovie',
      message: "Couldn't import movie /volume1/downloads/complete/Nice.Movie.AC3-EVO/Moth.2016.HDRip.XVID.AC3-EVO.avi",
    },
  ],
  [
    'import.request-not-sent',
    'overseerr/overseerr-sonarr-add-failed-2022.log',
    {
      app: 'overseerr',
      level: 'error',
      logger: 'Sonarr API',
      message: 'Something went wrong while adding a series to Sonarr.',
    },
  ],
  [
    'import.request-not-sent',
    'overseerr/overseerr-sonarr-add-failed-2022.log',
    {
      app: 'overseerr',
      level: 'warn',
      logger: 'Media Request',
      message: 'Something went wrong sending series request to Sonarr, marking status as FAILED',
    },
  ],
  [
    'metadata.arr-server',
    'radarr/radarr-v5-connection-refused-skyhook-2023.log',
    {
      app: 'radarr',
      level: 'error',
      message: '[v5.0.1.7993] System.Net.Http.HttpRequestException: Connection refused (api.radarr.video:443)',
    },
  ],
  [
    'metadata.arr-server',
    'readarr/readarr-bookinfo-500-2024.log',
    {
      app: 'readarr',
      level: 'warn',
      logger: 'HttpClient',
      message:
        'HTTP Error - Res: HTTP/2.0 [POST] https://api.bookinfo.club/v1/book/bulk: 500.InternalServerError (0 bytes)',
    },
  ],
  [
    'metadata.arr-server',
    'readarr/readarr-console-429-validation-2023.log',
    {
      app: 'readarr',
      level: 'warn',
      logger: 'BookInfoProxy',
      message: 'Unexpected error getting author info',
      ex: ['NzbDrone.Core.MetadataSource.BookInfo.BookInfoException', 'Failed to get works for Richard Wake'],
    },
  ],
  [
    'metadata.not-found',
    'readarr/readarr-book-not-found-validation-2023.log',
    {
      app: 'readarr',
      level: 'error',
      logger: 'AddBookService',
      message: 'Book with Foreign Id 838691 was not found, it may have been removed from Goodreads.',
    },
  ],
  [
    'metadata.provider-failed',
    'jellyfin/jf-10.5-slow-response-and-tmdb-socket.log',
    { app: 'jellyfin', level: 'error', logger: 'App', message: 'Error in "TheMovieDb"' },
  ],
  [
    'metadata.subtitle-download',
    'jellyfin/jf-10.7-subtitle-ioexception.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'MediaBrowser.Providers.Subtitles.SubtitleManager',
      message: 'Error downloading subtitles from "Open Subtitles"',
    },
  ],
  [
    'metadata.plex-scanner',
    'plex/scanner-error-android-shield-2020.log',
    { app: 'plex', level: 'error', message: 'We got an error scanning in /storage/TITANE/Public/Plex/Anime' },
  ],
  [
    'metadata.overseerr-plex-watchlist',
    'overseerr/seerr-plex-watchlist-404-2026.log',
    { app: 'overseerr', level: 'error', logger: 'Plex.TV Metadata API', message: 'Failed to retrieve watchlist items' },
  ],
  [
    'crash.uncaught-exception',
    'tautulli/tautulli-websocket-uncaught-traceback-2019.log',
    {
      app: 'tautulli',
      level: 'error',
      message: 'Uncaught exception: Traceback (most recent call last):',
      ex: ['UnicodeDecodeError', "'ascii' codec can't decode byte 0xc3 in position 27: ordinal not in range(128)"],
    },
  ],
  [
    'crash.out-of-memory',
    'docker/jsonfile-java-stack-split-records-2018.log',
    {
      app: 'generic',
      level: 'error',
      message: 'Exception in thread \\"main\\" java.lang.OutOfMemoryError: GC overhead limit exceeded',
    },
  ],
  [
    'crash.startup-failed',
    'jellyfin/jf-10.9-ftl-database-locked-startup.log',
    { app: 'jellyfin', level: 'fatal', logger: 'Main', message: 'Error while starting server' },
  ],
  [
    'crash.fatal',
    'jellyfin/jf-10.7-ftl-disk-io-error-startup.log',
    { app: 'jellyfin', level: 'fatal', logger: 'Main', message: 'IOError: SQLitePCL.pretty.SQLiteException: disk' },
  ],
];

const NEAR_MISS: Case[] = [
  [
    'database.io-error',
    'jellyfin/jf-10.7-subtitle-ioexception.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'MediaBrowser.Providers.Subtitles.SubtitleManager',
      message: 'Error downloading subtitles from "Open Subtitles"',
      ex: ['System.IO.IOException', 'Input/output error'],
    },
  ],
  [
    'database.io-error-exception',
    'jellyfin/jf-10.7-subtitle-ioexception.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'MediaBrowser.Providers.Subtitles.SubtitleManager',
      message: 'Error downloading subtitles from "Open Subtitles"',
      ex: ['System.IO.IOException', 'Input/output error'],
    },
  ],
  [
    'transcode.hw-device',
    'jellyfin/jf-10.9-ffmpeg-exit-code-1.log',
    { app: 'jellyfin', level: 'error', message: 'FFmpeg exited with code 1' },
  ],
  [
    'database.locked',
    'plex/pms-startup-lsio-docker-2025.log',
    {
      app: 'plex',
      level: 'debug',
      message: 'Opening 20 database sessions to library (com.plexapp.plugins.library), SQLite 3.39.4, threadsafe=1',
    },
  ],
  [
    'database.corrupt',
    'tautulli/tautulli-startup-db-upgrade-2018.log',
    { app: 'tautulli', level: 'debug', message: 'Altering database. Updating database table notify_log.' },
  ],
  [
    'database.held-transaction',
    'plex/pms-migration-slow-transactions-2024.log',
    {
      app: 'plex',
      level: 'warn',
      message:
        'Transaction that was running was started on thread 140594388716176 at /home/runner/actions-runner/_work/plex-media-server/plex-media-server/Library/MetadataItem.cpp:750',
    },
  ],
  [
    'database.slow-transaction',
    'plex/pms-held-transaction-2023.log',
    { app: 'plex', level: 'debug', message: '[JobRunner] Jobs: Starting child process with pid 809' },
  ],
  [
    'transcode.ffmpeg-exit',
    'jellyfin/jf-10.9-ffmpeg-exit-code-1.log',
    {
      app: 'jellyfin',
      level: 'info',
      logger: 'MediaBrowser.MediaEncoding.Transcoding.TranscodeManager',
      message: '"/usr/lib/jellyfin-ffmpeg/ffmpeg" "-analyzeduration 200M -probesize 1G',
    },
  ],
  [
    'transcode.plex-transcoder-exit',
    'plex/pms-transcoder-exit-code-2023.log',
    { app: 'plex', level: 'trace', logger: 'JobManager', message: 'JobManager: child process with handle 1995 exited' },
  ],
  [
    'transcode.hw-context-failed',
    'plex/pms-hw-transcode-cuda-missing-2022.log',
    {
      app: 'plex',
      level: 'debug',
      logger: 'Transcode',
      message: '[Transcode] Codecs: hardware transcoding: testing API vaapi',
    },
  ],
  [
    'transcode.cuda-missing',
    'emby/emby-2017-mediaencoder-startup.log',
    { app: 'emby', level: 'info', logger: 'MediaEncoder', message: 'Encoder available: h264_nvenc' },
  ],
  [
    'transcode.vaapi-init-failed',
    'emby/emby-2017-mediaencoder-startup.log',
    { app: 'emby', level: 'info', logger: 'MediaEncoder', message: 'Encoder available: h264_vaapi' },
  ],
  [
    'playback.stream-request-failed',
    'jellyfin/jf-10.11-log-endpoint-file-locked-win.log',
    {
      app: 'jellyfin',
      level: 'error',
      logger: 'Jellyfin.Api.Middleware.ExceptionMiddleware',
      message: 'Error processing request: "The process cannot access the file',
    },
  ],
  [
    'playback.transcode-quit',
    'jellyfin/jf-10.5-slow-response-and-tmdb-socket.log',
    {
      app: 'jellyfin',
      level: 'warn',
      logger: 'Emby.Server.Implementations.HttpServer.HttpListenerHost',
      message: 'HTTP Response 200 to "172.17.0.1". Time (slow): 0:00:00.5121974. "http://localhost:8096/Auth/Keys"',
    },
  ],
  [
    'network.dns',
    'plex/pms-dns-failure-myplex-401-2025.log',
    {
      app: 'plex',
      level: 'debug',
      logger: 'MyPlex',
      message: 'MyPlex: no cached data to load for request for https://plex.tv/api/v2/server/users/features',
    },
  ],
  [
    'network.tls',
    'sabnzbd/sab-tls-connect-2024.log',
    {
      app: 'sabnzbd',
      level: 'info',
      logger: 'newswrapper',
      message: '22@news.eweka.nl: Connected using TLSv1.2 (AES128-SHA)',
    },
  ],
  [
    'network.refused',
    'tautulli/tautulli-websocket-reconnect-2017.log',
    { app: 'tautulli', level: 'info', message: 'Tautulli Monitor :: Attempting to reconnect Plex server...' },
  ],
  [
    'network.timeout',
    'sabnzbd/sab-downloader-timeouts-lsio-2025.log',
    { app: 'sabnzbd', level: 'info', logger: 'downloader', message: 'Connecting 33@news.newsdemon.com finished' },
  ],
  [
    'network.plex-tv-unreachable',
    'plex/pms-dns-failure-myplex-401-2025.log',
    {
      app: 'plex',
      level: 'warn',
      logger: 'FeatureManager',
      message: "FeatureManager: Couldn't get features. Trying again soon.",
    },
  ],
  [
    'network.tautulli-websocket',
    'tautulli/tautulli-websocket-reconnect-2017.log',
    { app: 'tautulli', level: 'debug', message: 'Tautulli Monitor :: Checking for active streams.' },
  ],
  [
    'network.usenet-timeout',
    'sabnzbd/sab-downloader-timeouts-lsio-2025.log',
    { app: 'sabnzbd', level: 'info', logger: 'downloader', message: '33@news.newsdemon.com: Initiating connection' },
  ],
  [
    'auth.unauthorized',
    'prowlarr/prowlarr-trace-health-api-2024.log',
    {
      app: 'prowlarr',
      level: 'debug',
      logger: 'Prowlarr.Http.Authentication.ApiKeyAuthenticationHandler',
      message: 'AuthenticationScheme: API was successfully authenticated.',
    },
  ],
  [
    'auth.unauthorized',
    'sonarr/sonarr-v2-mono-move-denied-2019.log',
    {
      app: 'sonarr',
      level: 'error',
      message: '[v2.0.0.5301] System.UnauthorizedAccessException: Access to the path is denied.',
    },
  ],
  [
    'auth.overseerr-sign-in',
    'overseerr/jellyseerr-compose-startup-auth-error-2022.log',
    { app: 'overseerr', level: 'info', logger: 'Server', message: 'Server ready on port 5055' },
  ],
  [
    'disk.no-space',
    'lidarr/lidarr-v2-trace-api-diskspace-2025.log',
    { app: 'lidarr', level: 'trace', logger: 'Http', message: 'Res: 107 [GET] /api/v1/diskspace: 200.OK (22 ms)' },
  ],
  [
    'disk.read-only',
    'emby/emby-3.2-app-config-json-continuation.log',
    { app: 'emby', level: 'info', logger: 'App', message: 'Application configuration:' },
  ],
  [
    'disk.io-error',
    'qbittorrent/qbt-5.1-startup-nox.log',
    { app: 'qbittorrent', level: 'info', message: 'Saving resume data completed.' },
  ],
  [
    'disk.permission-denied',
    'sonarr/sonarr-v3-trace-not-writable-2021.log',
    {
      app: 'sonarr',
      level: 'trace',
      logger: 'DiskProviderBase',
      message:
        "Directory '/usr/mnt/plex-f/TV/' isn't writable. Access to the path \"/usr/mnt/plex-f/TV/sonarr_write_test.txt\" is denied.",
    },
  ],
  [
    'disk.path-missing',
    'bazarr/bazarr-logfile-pipe-format-2024.log',
    { app: 'bazarr', level: 'debug', logger: 'root', message: 'BAZARR No Subtitles were found for this file:' },
  ],
  [
    'disk.file-locked',
    'lidarr/lidarr-v2-second-instance-migration-2025.log',
    {
      app: 'lidarr',
      level: 'debug',
      logger: 'SingleInstancePolicy',
      message: 'Another instance of Lidarr is already running.',
    },
  ],
  [
    'disk.qbittorrent-file-error',
    'qbittorrent/qbt-4.x-restored-removed-2022.log',
    {
      app: 'qbittorrent',
      level: 'info',
      message:
        "'Selling.The.Hamptons.S01E02.1080p.WEB.h264-B2B[rarbg]' was removed from the transfer list and hard disk.",
    },
  ],
  [
    'indexer.rate-limited',
    'readarr/readarr-console-429-validation-2023.log',
    { app: 'readarr', level: 'info', logger: 'BookInfoProxy', message: 'BookInfo returned 429, backing off for 10s' },
  ],
  [
    'indexer.unreachable',
    'sonarr/sonarr-v3-transmission-timeout-2019.log',
    {
      app: 'sonarr',
      level: 'info',
      logger: 'NzbSearchService',
      message: 'Searching 3 indexers for [Chicago Fire : S07]',
    },
  ],
  [
    'indexer.test-failed',
    'readarr/readarr-book-not-found-validation-2023.log',
    { app: 'readarr', level: 'warn', logger: 'ReadarrErrorPipeline', message: 'Invalid request Validation failed: ' },
  ],
  [
    'indexer.bad-response',
    'prowlarr/prowlarr-trace-health-api-2024.log',
    { app: 'prowlarr', level: 'trace', logger: 'Http', message: 'Res: 2729 [GET] /api/v1/health: 200.OK (0 ms)' },
  ],
  [
    'indexer.rss-gap',
    'sonarr/sonarr-v3-torznab-rss-gap-2019.log',
    {
      app: 'sonarr',
      level: 'info',
      logger: 'RssSyncService',
      message: 'RSS Sync Completed. Reports found: 824, Reports grabbed: 0',
    },
  ],
  [
    'indexer.subtitle-providers-throttled',
    'bazarr/bazarr-logfile-pipe-format-2024.log',
    { app: 'bazarr', level: 'info', logger: 'subliminal_patch.core', message: 'Discarding provider legendasdivx' },
  ],
  [
    'download-client.unreachable',
    'bazarr/bazarr-docker-waitress-throttled-2025.log',
    {
      app: 'bazarr',
      level: 'info',
      logger: 'root',
      message: 'BAZARR SignalR client for Sonarr is connected and waiting for events.',
    },
  ],
  [
    'download-client.unpack-failed',
    'sabnzbd/sab-unpack-7z-failed-2023.log',
    { app: 'sabnzbd', level: 'info', logger: 'newsunpack', message: '7za finished on /tmp/<<censored>>' },
  ],
  [
    'import.path-inaccessible',
    'lidarr/lidarr-v2-importlist-debug-2026.log',
    { app: 'lidarr', level: 'info', logger: 'ImportListSyncService', message: 'Processing 802 list items' },
  ],
  [
    'import.failed',
    'lidarr/lidarr-v2-importlist-debug-2026.log',
    {
      app: 'lidarr',
      level: 'debug',
      logger: 'ImportListSyncService',
      message: 'Rejected, Album Exists in DB.  Ensuring Album and Artist monitored.',
    },
  ],
  [
    'import.request-not-sent',
    'overseerr/jellyseerr-compose-yarn-nextwarn-2024.log',
    { app: 'overseerr', level: 'info', logger: 'Jobs', message: 'Starting scheduled job: Plex Recently Added Scan' },
  ],
  [
    'metadata.arr-server',
    'readarr/readarr-bookinfo-500-2024.log',
    { app: 'readarr', level: 'info', logger: 'Auth', message: "Auth-Success ip 172.18.0.1 username 'admin'" },
  ],
  [
    'metadata.not-found',
    'sonarr/sonarr-v3-debug-parser-2019.log',
    {
      app: 'sonarr',
      level: 'debug',
      logger: 'ParsingService',
      message: 'No matching series Real German Latina Street Whore Pay For Sex in Berlin 1080p',
    },
  ],
  [
    'metadata.provider-failed',
    'jellyfin/jf-10.5-unauthorized-path-win.log',
    { app: 'jellyfin', level: 'info', message: '"Refresh Channels" Completed after 0 minute(s) and 0 seconds' },
  ],
  [
    'metadata.subtitle-download',
    'bazarr/bazarr-logfile-pipe-format-2024.log',
    { app: 'bazarr', level: 'info', logger: 'subliminal_patch.core_persistent', message: 'Downloaded 0 subtitle(s)' },
  ],
  [
    'metadata.plex-scanner',
    'plex/scanner-startup-2019.log',
    {
      app: 'plex',
      level: 'debug',
      message:
        'Scanning Movies using en(Plex Movie Scanner) with 3 current media items and 1 section locations in the database...',
    },
  ],
  [
    'metadata.overseerr-plex-watchlist',
    'overseerr/seerr-plex-watchlist-404-2026.log',
    { app: 'overseerr', level: 'info', logger: 'Jobs', message: 'Starting scheduled job: Plex Watchlist Sync' },
  ],
  [
    'crash.plex',
    'plex/pms-database-locked-2019.log',
    { app: 'plex', level: 'warn', logger: 'Crash', message: 'Crash: Crash reporting disabled' },
  ],
  [
    'crash.out-of-memory',
    'jellyfin/jf-10.5-slow-response-and-tmdb-socket.log',
    { app: 'jellyfin', level: 'error', logger: 'App', message: 'Error in "TheMovieDb"' },
  ],
  [
    'crash.uncaught-exception',
    'emby/emby-3.2-httpserver-error-report-windows.log',
    {
      app: 'emby',
      level: 'error',
      logger: 'HttpServer',
      message: 'Error processing request',
      ex: ['System.AggregateException', 'One or more errors occurred.'],
    },
  ],
  [
    'crash.startup-failed',
    'prowlarr/prowlarr-validation-gateway-timeout-restart-2024.log',
    {
      app: 'prowlarr',
      level: 'info',
      logger: 'Bootstrap',
      message: 'Starting Prowlarr - /app/prowlarr/bin/Prowlarr - Version 1.13.2.4245',
    },
  ],
  [
    'crash.fatal',
    'radarr/radarr-v0.2-import-path-not-accessible-2017.log',
    {
      app: 'radarr',
      level: 'error',
      logger: 'DownloadedMovieImportService',
      message: 'Import failed, path does not exist or is not accessible by Radarr:',
    },
  ],
];

/**
 * Signatures the corpus has no line for yet, verbatim from public bug reports (the place named beside each). They
 * belong in the corpus when a full excerpt is collected.
 */
const PUBLIC: Array<[string, string, Line]> = [
  [
    'transcode.hw-device',
    'FFmpeg libavutil/hwcontext_vaapi.c message, quoted in public Jellyfin hardware-acceleration reports',
    {
      app: 'jellyfin',
      level: 'error',
      message: '[AVHWDeviceContext @ 0x55c0c2d3a580] No VA display found for device /dev/dri/renderD128.',
    },
  ],
  [
    'database.io-error',
    'Overseerr/Jellyseerr (node-sqlite3) error text, quoted in public issue threads',
    { app: 'overseerr', level: 'error', message: 'Error: SQLITE_IOERR: disk I/O error' },
  ],
  [
    'disk.io-error',
    'Sonarr move failure on a failing drive, as reported publicly',
    {
      app: 'sonarr',
      level: 'error',
      message: 'Failed to move file',
      ex: ['System.IO.IOException', 'Input/output error'],
    },
  ],
  [
    'network.tls',
    'dotnet HttpClient, quoted in a public ASP.NET troubleshooting page',
    {
      app: 'sonarr',
      level: 'error',
      logger: 'HttpClient',
      message: 'HTTP request failed',
      ex: ['System.Net.Http.HttpRequestException', 'The SSL connection could not be established, see inner exception.'],
    },
  ],
  [
    'disk.read-only',
    'docker build log in a public status note',
    { app: 'generic', level: 'error', message: 'mkdir /root/.docker: read-only file system' },
  ],
  [
    'crash.plex',
    'plex container output in a public issue (clock_gettime crash loop)',
    {
      app: 'plex',
      level: 'error',
      message:
        '****** PLEX MEDIA SERVER CRASHED, CRASH REPORT WRITTEN: /config/Library/Application Support/Plex Media Server/Crash Reports/1.23.1.4602-280ab6053/PLEX MEDIA SERVER/dc9cde97-c147-4865-ec7c58ba-2a983e67.dmp',
    },
  ],
  [
    'disk.no-space',
    'plex container output in a public issue (root file system full)',
    {
      app: 'plex',
      level: 'error',
      message: 'boost::filesystem::create_directories: No space left on device [system:28]',
    },
  ],
];

function record(l: Line): LogRecord {
  const rec: LogRecord = {
    time: 0,
    timeExact: true,
    level: l.level,
    app: l.app,
    source: l.app,
    message: l.message,
    raw: l.message,
    lines: 1,
  };
  if (l.logger) rec.logger = l.logger;
  if (l.ex) rec.exception = { type: l.ex[0], message: l.ex[1] };
  return rec;
}

const texts = new Map<string, string>();
function corpusText(file: string): string {
  let t = texts.get(file);
  if (t === undefined) {
    t = readFileSync(CORPUS + file, 'utf8');
    texts.set(file, t);
  }
  return t;
}

function assertFromCorpus(file: string, l: Line): void {
  const text = corpusText(file);
  assert.ok(text.includes(l.message), `message is not in ${file} verbatim: ${l.message}`);
  if (l.ex) {
    assert.ok(text.includes(l.ex[0]), `exception type is not in ${file}: ${l.ex[0]}`);
    assert.ok(text.includes(l.ex[1]), `exception message is not in ${file}: ${l.ex[1]}`);
  }
  if (l.logger) assert.ok(text.includes(l.logger), `logger is not in ${file}: ${l.logger}`);
}

const engine = new RuleEngine();

function atLeastWarn(r: LogRecord): LogRecord {
  return r.level === 'trace' || r.level === 'debug' || r.level === 'info' ? { ...r, level: 'warn' } : r;
}

describe('built-in rules on real lines', () => {
  for (const [id, file, line] of MATCH) {
    test(`${id} matches ${file}: ${line.message.slice(0, 60)}`, () => {
      assertFromCorpus(file, line);
      // Built-in rules never look below WARN (DEBUG/INFO records make no issue): a sentence some version logs at
      // DEBUG or INFO is checked as the WARN it is in others.
      assert.equal(engine.match(atLeastWarn(record(line)))?.rule.id, id);
    });
  }
  for (const [id, file, line] of NEAR_MISS) {
    test(`${id} does not match ${file}: ${line.message.slice(0, 60)}`, () => {
      assertFromCorpus(file, line);
      const rule = engine.list().find((r) => r.id === id);
      assert.ok(rule, `no rule ${id}`);
      // The rule alone must reject the line (not only lose to an earlier rule).
      assert.equal(
        new RuleEngine(
          [],
          {},
          BUILT_IN_RULES.filter((r) => r.id === id),
        ).match(record(line)),
        undefined,
      );
    });
  }
  for (const [id, where, line] of PUBLIC) {
    test(`${id} matches a public report (${where})`, () => {
      assert.equal(engine.match(record(line))?.rule.id, id);
    });
  }

  test('every built-in rule has a real line it matches and a near miss it does not', () => {
    const matched = new Set([...MATCH, ...PUBLIC].map((c) => c[0]));
    const missed = new Set(NEAR_MISS.map((c) => c[0]));
    for (const r of BUILT_IN_RULES) {
      assert.ok(matched.has(r.id), `rule ${r.id} has no matching line`);
      if (r.id !== 'network.tls' && r.id !== 'disk.read-only')
        assert.ok(missed.has(r.id) || r.id === 'crash.plex', `rule ${r.id} has no near miss`);
    }
  });

  test('rule ids are unique and every app of the ingestion issue is covered', () => {
    const ids = BUILT_IN_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    const apps = new Set(MATCH.map((c) => c[2].app));
    for (const app of [
      'plex',
      'jellyfin',
      'emby',
      'sonarr',
      'radarr',
      'prowlarr',
      'readarr',
      'bazarr',
      'overseerr',
      'qbittorrent',
      'sabnzbd',
      'tautulli',
    ]) {
      assert.ok(apps.has(app), `no rule matches a real ${app} line`);
    }
  });

  test('titles carry captured values', () => {
    const m = engine.match(record(MATCH.find((c) => c[0] === 'transcode.ffmpeg-exit')?.[2] as Line));
    assert.equal(
      m?.title,
      'Jellyfin: FFmpeg exited with an error',
      'an exit code differs between records: never in a title',
    );
    const idx = engine.match(record(MATCH.find((c) => c[0] === 'indexer.unreachable')?.[2] as Line));
    assert.equal(idx?.title, 'Prowlarr cannot reach indexer Newznab');
  });
});

describe('the rule engine keeps no decision from one record to the next', () => {
  test('real corpus records and digit variants of them match as a fresh engine matches them', async () => {
    // The engine caches per record (lowercased message, bigrams) and per app: none of it may leak.
    const { corpusCases, replayFile } = await import('../../../test/corpus.ts');
    const memo = new RuleEngine();
    let seed = 11;
    const digit = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String(1 + (seed % 9));
    };
    let n = 0;
    for (const c of corpusCases()) {
      for (const r of replayFile(c.path, c.app).records) {
        if (r.level === 'debug' || r.level === 'trace' || r.level === 'info') continue;
        for (const message of [r.message, r.message.replace(/[1-9]/g, digit), r.message.replace(/[1-9]/g, digit)]) {
          const rec = { ...r, message };
          assert.equal(memo.find(rec)?.id, new RuleEngine().find(rec)?.id, `${c.path}: ${message.slice(0, 120)}`);
          n++;
        }
      }
    }
    assert.ok(n > 300, `enough records (${n})`);
  });

  test('messages that differ in one digit are decided each on its own', () => {
    const engine = new RuleEngine([], {}, [
      ...Array.from({ length: 6 }, (_, i) => ({
        id: `filler.rule-${i}`,
        // Three literals each: enough for the table to use the bigram filter.
        message: `never matches ${'abcdef'[i]}|never appears ${'abcdef'[i]}|not here ${'abcdef'[i]}`,
        category: 'disk',
        severity: 'low' as const,
        title: 'filler',
      })),
      { id: 'auth.code', message: /Error 401 from/, category: 'auth', severity: 'high', title: '401' },
      { id: 'network.code', message: /Error \d+ from/, category: 'network', severity: 'low', title: 'other' },
    ]);
    const rec = (message: string) => record({ app: 'plex', level: 'error', message } as Line);
    assert.equal(engine.find(rec('Error 401 from plex.tv'))?.id, 'auth.code');
    assert.equal(engine.find(rec('Error 402 from plex.tv'))?.id, 'network.code');
    assert.equal(engine.find(rec('Error 401 from plex.tv'))?.id, 'auth.code');
  });
});
