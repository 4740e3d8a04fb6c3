/**
 * The exception layer: what an exception's type says, then what its namespace (and the namespaces of the app's own
 * frames) says about the part of the app that failed. .NET (the *arr apps, Jellyfin, Emby), Python (Bazarr, Tautulli,
 * SABnzbd, Plex agents) and Node (Overseerr) names. Types are matched on their short name; namespaces on the full name.
 */
import type { LayerEntry } from './types.ts';

/** Matched against the short type name (`UnauthorizedAccessException`, `PermissionError`). */
export const EXCEPTION_TYPES: readonly LayerEntry[] = [
  // Causes: the type alone names what to fix.
  {
    id: 'unauthorized-access',
    pattern: /^(?:UnauthorizedAccessException|PermissionError|AccessDeniedException)$/,
    category: 'disk',
    strength: 'cause',
  },
  {
    id: 'missing-path',
    pattern:
      /^(?:DirectoryNotFoundException|FileNotFoundException|PathTooLongException|DriveNotFoundException|FileNotFoundError|NotADirectoryError|IsADirectoryError)$/,
    category: 'disk',
    strength: 'cause',
  },
  {
    id: 'database',
    pattern:
      /^(?:Sqlite\w*Exception|SQLite\w*Exception|DbException|DbUpdate\w*Exception|Npgsql\w*Exception|PostgresException|MySqlException|OperationalError|IntegrityError|DatabaseError|ProgrammingError|DataError|QueryFailedError|SqlError)$/i,
    category: 'database',
    strength: 'cause',
  },
  {
    id: 'credentials',
    pattern:
      /^(?:\w+Authentication(?:Failed)?Exception|\w*AuthorizationException|InvalidCredential\w*|ApiKeyException|UnauthorizedException|ForbiddenException|\w*Auth(?:entication)?Error|InvalidTokenException|LoginException|PlexAuthError|Unauthorized)$/,
    category: 'auth',
    strength: 'cause',
  },
  {
    id: 'out-of-memory',
    pattern: /^(?:OutOfMemoryException|OutOfMemoryError|MemoryError|InsufficientMemoryException)$/,
    category: 'crash',
    strength: 'cause',
  },
  // Peers: the type names the part of the app that failed.
  {
    id: 'download-client',
    pattern:
      /^DownloadClient\w*Exception$|^(?:QBittorrent|Transmission|Deluge|Sabnzbd|Nzbget|RTorrent|UTorrent|Aria2|Flood)\w*Exception$/i,
    category: 'download-client',
    strength: 'peer',
  },
  {
    id: 'indexer',
    pattern:
      /^(?:Indexer\w*Exception|RequestLimitReachedException|TooManyRequestsException|UnsupportedFeedException|CloudFlare\w*Exception|Newznab\w*Exception|Torznab\w*Exception|Cardigann\w*Exception|ReleaseDownloadException|SizeParsingException)$/,
    category: 'indexer',
    strength: 'peer',
  },
  {
    id: 'metadata',
    pattern:
      /^(?:SkyHookException|BookInfoException|Tvdb\w*Exception|Tmdb\w*Exception|ImportList\w*Exception|MetadataException|Skia\w*Exception|ImageMagickException|ProviderException|SearchFailedException|MusicbrainzException)$/i,
    category: 'metadata',
    strength: 'peer',
  },
  {
    id: 'import',
    pattern:
      /^(?:\w*ImportException|ImportRejected\w*|SampleException|NotImportableException|RecycleBinException|DestinationAlreadyExistsException|NotParentException)$/,
    category: 'import',
    strength: 'peer',
  },
  {
    id: 'transcode',
    pattern:
      /^(?:FfmpegException|FFmpegException|TranscodingException|EncodingException|MediaEncoderException|HardwareAccelerationException)$/i,
    category: 'transcode',
    strength: 'peer',
  },
  {
    id: 'playback',
    pattern: /^(?:PlaybackException|StreamException|LiveTvConflictException|ResourceNotFoundException)$/,
    category: 'playback',
    strength: 'peer',
  },
  // Weak: the transport failed; whom it was talking to (a later layer) says more when known.
  {
    id: 'transport',
    pattern:
      /^(?:HttpRequestException|WebException|SocketException|TaskCanceledException|TimeoutException|HttpException|HttpIOException|WebSocketException|AuthenticationException|ConnectionError|ConnectionRefusedError|ConnectionResetError|ConnectionAbortedError|BrokenPipeError|TimeoutError|ReadTimeout|ConnectTimeout|ReadTimeoutError|timeout|ConnectTimeoutError|MaxRetryError|NewConnectionError|ProtocolError|SSLError|CertificateError|RemoteDisconnected|gaierror|ProxyError|ChunkedEncodingError|ClientConnectorError|FetchError|AxiosError|RequestError|HTTPError|URLError|IncompleteRead)$/,
    category: 'network',
    strength: 'weak',
  },
  // Bugs: the app itself failed.
  {
    id: 'app-bug',
    pattern:
      /^(?:NullReferenceException|ArgumentNullException|ArgumentException|ArgumentOutOfRangeException|IndexOutOfRangeException|InvalidOperationException|InvalidCastException|KeyNotFoundException|FormatException|NotImplementedException|NotSupportedException|ObjectDisposedException|StackOverflowException|AggregateException|TypeError|AttributeError|KeyError|IndexError|ValueError|NameError|AssertionError|RecursionError|UnicodeDecodeError|UnicodeEncodeError|ReferenceError|RangeError|SyntaxError|JsonException|JsonReaderException|JsonSerializationException|JSONDecodeError|XmlException)$/,
    category: 'crash',
    strength: 'fallback',
  },
];

/**
 * Matched against full type names, the inner exceptions' names and the app's own stack frames (`at NzbDrone.Core.…`):
 * the first frame of the app's code that names a part of it. Infrastructure namespaces (HTTP clients, common helpers)
 * say nothing and are skipped by the caller.
 */
export const NAMESPACES: readonly LayerEntry[] = [
  {
    id: 'download-clients',
    pattern: /\.Download\.Clients?\.|\.DownloadClients?\.|\bDownloadClient[A-Z.]|\bdownload_?client/i,
    category: 'download-client',
    strength: 'peer',
  },
  {
    id: 'indexers',
    pattern:
      /\.Indexers?\.|\.Definitions\.Cardigann|\bNewznab|\bTorznab|\.Applications\.(?:Sonarr|Radarr|Lidarr|Readarr)/,
    category: 'indexer',
    strength: 'peer',
  },
  {
    id: 'media-encoding',
    pattern: /\.MediaEncoding\.|\.Transcoding\.|TranscodeManager|TranscodingJob|EncodingHelper|\.Encoder\b|DynamicHls/,
    category: 'transcode',
    strength: 'peer',
  },
  {
    id: 'database',
    pattern:
      /\.Datastore\.|\.Data\.Sqlite|SQLitePCL|Microsoft\.Data\.Sqlite|EntityFrameworkCore|\.Persistence\.|SqliteItemRepository|SqliteUserDataRepository|BaseSqliteRepository|Jellyfin\.Database|\bsqlite3\b|\bsqlalchemy\b/,
    category: 'database',
    strength: 'peer',
  },
  {
    id: 'metadata',
    pattern:
      /\.ImportLists?\.|\.MetadataSource\.|\.Providers\.|\.Drawing\.|SkiaSharp|SkiaEncoder|ImageProcessor|\.MediaCover\.|\.Images?\.|\.Subtitles?\.|\.Lyrics\.|\bsubliminal|\.Metadata\.|\.Scanner\.|\.Library\.Validators|LibraryMonitor/,
    category: 'metadata',
    strength: 'peer',
  },
  {
    id: 'import',
    pattern:
      /\.MediaFiles\.(?:\w+Import|EpisodeImport|MovieImport|TrackImport|BookImport)|\.Download\.(?:CompletedDownload|TrackedDownloads)|\.MediaFiles\.\w*Import/,
    category: 'import',
    strength: 'peer',
  },
  {
    id: 'playback',
    pattern: /\.Session\.|\.Playback\.|\.Dlna\.|\.LiveTv\.|\.Streaming\.|PlaybackInfo|MediaInfoHelper|StreamingHelpers/,
    category: 'playback',
    strength: 'peer',
  },
  {
    id: 'authentication',
    pattern: /\.Authentication\.|\.Authorization\.|AuthenticationProvider|QuickConnect|\.Users\.UserManager/,
    category: 'auth',
    strength: 'peer',
  },
];

/** Namespaces that only carry calls (HTTP clients, helpers, the runtime): a frame there names no part of the app. */
export const INFRASTRUCTURE =
  /^(?:System|Microsoft(?!\.Data\.Sqlite)|NzbDrone\.Common|Sonarr\.Common|Radarr\.Common|Lidarr\.Common|Readarr\.Common|Prowlarr\.Common|Whisparr\.Common|Polly|Newtonsoft|NLog|Mono|Npgsql|Dapper|MediaBrowser\.Common\.Net|Emby\.Server\.Implementations\.HttpServer|Jellyfin\.Api\.Middleware)\b/;
