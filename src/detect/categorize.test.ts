/**
 * The layered classifier on lines that did not inspire its tables: wordings from the apps' own log statements and
 * exception types (Sonarr/Radarr/Prowlarr, Jellyfin, Bazarr, Tautulli, Overseerr, qBittorrent sources), other
 * languages' OS errors, and inner exceptions. Each case says which layer must decide.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CategoryLayer, Level, LogRecord } from '../core/types.ts';
import { categorize } from './categorize.ts';
import { RuleEngine } from './rule-engine.ts';

interface Case {
  app: string;
  message: string;
  level?: Level;
  logger?: string;
  ex?: [string, string, string?];
  category: string;
  layer?: CategoryLayer;
}

const CASES: Case[] = [
  // Exception types and inner exceptions.
  {
    app: 'radarr',
    message: 'Failed to authenticate with qBittorrent.',
    ex: [
      'NzbDrone.Core.Download.Clients.DownloadClientAuthenticationException',
      'Failed to authenticate with qBittorrent.',
    ],
    category: 'auth',
    layer: 'exception',
  },
  {
    app: 'sonarr',
    message: 'Unable to retrieve queue and history items',
    logger: 'DownloadMonitoringService',
    ex: [
      'NzbDrone.Core.Download.Clients.DownloadClientException',
      'Deluge returned an error ---> System.Net.Http.HttpRequestException: Connection reset by peer',
    ],
    category: 'download-client',
  },
  {
    app: 'lidarr',
    message: 'Error while reading release list',
    logger: 'FetchAndParseRssService',
    ex: ['NzbDrone.Core.Indexers.Exceptions.RequestLimitReachedException', 'API request limit reached'],
    category: 'indexer',
  },
  {
    app: 'readarr',
    message: 'Failure while moving files',
    ex: ['System.IO.IOException', 'Disk quota exceeded'],
    category: 'disk',
  },
  {
    app: 'jellyfin',
    message: 'Error saving item',
    logger: 'Emby.Server.Implementations.Library.LibraryManager',
    ex: ['Microsoft.Data.Sqlite.SqliteException', "SQLite Error 19: 'UNIQUE constraint failed: TypedBaseItems.guid'."],
    category: 'database',
  },
  {
    app: 'emby',
    message: 'Error processing request',
    logger: 'HttpServer',
    ex: ['System.UnauthorizedAccessException', "Access to the path '/var/lib/emby/cache/images' is denied."],
    category: 'disk',
  },
  {
    app: 'sonarr',
    message: "Couldn't refresh info for series",
    logger: 'RefreshSeriesService',
    ex: [
      'NzbDrone.Core.MetadataSource.SkyHook.SkyHookException',
      "Search for 'x' failed. Unable to communicate with SkyHook.",
    ],
    category: 'metadata',
  },
  {
    app: 'prowlarr',
    message: 'An error occurred while processing feed',
    ex: [
      'System.Net.Http.HttpRequestException',
      'The SSL connection could not be established, see inner exception.',
      '   at NzbDrone.Core.Indexers.Definitions.Cardigann.CardigannRequestGenerator.GetRequests()',
    ],
    category: 'indexer',
  },
  {
    app: 'bazarr',
    message: 'Error trying to get subtitle list from provider',
    logger: 'subliminal_patch.core',
    ex: ['requests.exceptions.ReadTimeout', "HTTPSConnectionPool(host='api.example.org', port=443): Read timed out."],
    category: 'indexer',
    layer: 'logger',
  },
  {
    app: 'tautulli',
    message: 'Uncaught exception in thread',
    ex: ['sqlite3.OperationalError', 'database is locked'],
    category: 'database',
  },
  {
    app: 'overseerr',
    message: 'Something went wrong while syncing',
    ex: ['TypeError', "Cannot read properties of undefined (reading 'map')"],
    category: 'crash',
    layer: 'exception',
  },
  // Components.
  {
    app: 'jellyfin',
    message: 'FFmpeg produced no output for session',
    logger: 'MediaBrowser.MediaEncoding.Transcoding.TranscodeManager',
    category: 'transcode',
  },
  {
    app: 'sonarr',
    message: "Couldn't process tracked download",
    logger: 'DownloadedEpisodesImportService',
    category: 'import',
    layer: 'logger',
  },
  {
    app: 'sabnzbd',
    message: 'Failed to move some files, see log',
    logger: 'postproc',
    category: 'import',
    layer: 'logger',
  },
  // Codes.
  { app: 'overseerr', message: 'Request failed with status code 403', category: 'auth', layer: 'code' },
  { app: 'tautulli', message: 'PlexTV :: Status code 503', category: 'network' },
  { app: 'qbittorrent', message: 'File error alert. Reason: [Errno 28] write error', category: 'disk' },
  { app: 'plex', message: 'Transcoder process 1234 was terminated by signal 11', category: 'transcode' },
  { app: 'plex', message: 'Helper process killed by SIGSEGV', category: 'crash', layer: 'code' },
  { app: 'sonarr', message: 'Request error: ECONNREFUSED 127.0.0.1:8080', category: 'network' },
  { app: 'overseerr', message: 'Sync job failed: getaddrinfo EAI_AGAIN plex.local', category: 'network' },
  { app: 'jellyfin', message: 'Could not write the file: error ENOSPC', category: 'disk' },
  // Keywords, other languages included.
  { app: 'radarr', message: 'Der Zugriff auf den Pfad "D:\\Filme\\X" wurde verweigert.', category: 'disk' },
  { app: 'jellyfin', message: "L'accès au chemin « /media/films » est refusé.", category: 'disk' },
  {
    app: 'qbittorrent',
    message: "Failed to download RSS feed at 'https://tracker.example/rss'. Reason: Host not found",
    category: 'indexer',
  },
  { app: 'emby', message: 'Invalid username or password entered', category: 'auth' },
  { app: 'plex', message: 'Scanner: Failed to read file, disk I/O error', category: 'disk' },
  { app: 'jellyfin', message: 'Slow HTTP response from the tuner, retrying', category: 'playback' },
  { app: 'whisparr', message: 'Unable to parse release title, skipping', category: 'import' },
  // Sentences of the apps' own log statements (Sonarr's notifiers and disk services, Jellyfin's encoder).
  {
    app: 'sonarr',
    message: 'Unable to send OnDownload notification to: Discord',
    logger: 'NotificationService',
    category: 'network',
  },
  { app: 'sonarr', message: "Series' root folder (/tv) doesn't exist.", logger: 'DiskScanService', category: 'disk' },
  {
    app: 'jellyfin',
    message: 'Error detecting the given drm render node path',
    logger: 'MediaBrowser.MediaEncoding.Encoder.EncoderValidator',
    category: 'transcode',
  },
  {
    app: 'radarr',
    message: "Couldn't import movie /downloads/x.mkv",
    logger: 'ImportApprovedMovie',
    ex: ['System.UnauthorizedAccessException', 'Access to the path is denied.'],
    category: 'import',
  },
  {
    app: 'radarr',
    message: 'Failed to move file',
    logger: 'DiskTransferService',
    ex: ['System.UnauthorizedAccessException', 'Access to the path is denied.'],
    category: 'disk',
  },
  // Bazarr's and Prowlarr's own statements: app-to-app links, subtitles, media analysis, a port in use.
  { app: 'bazarr', message: 'BAZARR Error trying to get series from Sonarr. Http error.', category: 'network' },
  {
    app: 'bazarr',
    message: 'BAZARR mediainfo cannot analyze this video file /tv/x.mkv. Could it be corrupted?',
    category: 'metadata',
  },
  {
    app: 'bazarr',
    message: 'BAZARR cannot bind to specified TCP port, trying with default (6767)',
    category: 'network',
  },
  {
    app: 'prowlarr',
    message: 'App returned redirect and is invalid. Check App URL',
    logger: 'SonarrV3Proxy',
    category: 'network',
  },
  // Nothing says what it is.
  { app: 'sonarr', message: 'Something unexpected happened', category: 'uncategorized', layer: 'none' },
];

function record(c: Case): LogRecord {
  return {
    time: 0,
    timeExact: true,
    level: c.level ?? 'error',
    app: c.app,
    source: c.app,
    message: c.message,
    raw: c.message,
    lines: 1,
    ...(c.logger ? { logger: c.logger } : {}),
    ...(c.ex ? { exception: { type: c.ex[0], message: c.ex[1], ...(c.ex[2] ? { stack: c.ex[2] } : {}) } } : {}),
  };
}

describe('categorize on lines the tables were not written from', () => {
  const engine = new RuleEngine();
  for (const c of CASES) {
    test(`${c.app}: ${c.message.slice(0, 70)} → ${c.category}`, () => {
      const r = record(c);
      const d = categorize(r, engine.find(r));
      assert.equal(d.category, c.category, `evidence: ${d.evidence.layer} ${d.evidence.detail}`);
      if (c.layer) assert.equal(d.evidence.layer, c.layer, d.evidence.detail);
      assert.ok(d.evidence.detail.length > 0);
    });
  }

  test('a word inside a path or a quoted title says nothing', () => {
    const r = record({ app: 'sonarr', message: "Couldn't open '/data/Transmission/Metadata/x.bin'", category: '' });
    const d = categorize(r, undefined);
    assert.notEqual(d.category, 'download-client');
    assert.notEqual(d.category, 'metadata');
  });

  test('a status code marks its decision as numeric (never remembered per digit shape)', () => {
    const r = record({ app: 'overseerr', message: 'Request failed with status code 401', category: '' });
    assert.equal(categorize(r, undefined).numeric, true);
    const w = record({ app: 'overseerr', message: 'Request failed: connection refused', category: '' });
    assert.equal(categorize(w, undefined).numeric, false);
  });
});
