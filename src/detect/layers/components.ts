/**
 * The logger/component layer: the part of the app that wrote the line. NLog logger names of the *arr apps (class
 * names), Jellyfin/Emby's full class names, Plex's bracketed components and message prefixes (`[Transcode]`, `MDE:`,
 * `Scanner:`), the Python apps' module names (Tautulli's `Tautulli Notifiers ::`, Bazarr's `subliminal_patch`,
 * SABnzbd's `newsunpack`) and Overseerr's labels. Matched against the logger and, for apps that put the component in
 * the message, against the message's leading component.
 */
import type { LayerEntry } from './types.ts';

/**
 * The part of Jellyfin/Emby (and other web apps) a failed request was for: `Error processing request … URL "POST"
 * "/Sessions/Playing/Progress"`. Matched against the request's path.
 */
export const REQUEST_PATHS: readonly LayerEntry[] = [
  {
    id: 'request-stream',
    pattern:
      /^\/(?:emby\/)?(?:videos|audio|livetv\/liverecordings|livetv\/livestreamfiles)\/[^/]+\/(?!Subtitles)|^\/(?:emby\/)?(?:Sessions\/Playing|PlaybackInfo|Items\/[^/]+\/PlaybackInfo|LiveStreams|Dlna)/i,
    category: 'playback',
    strength: 'peer',
  },
  { id: 'request-subtitles', pattern: /\/Subtitles\b/i, category: 'playback', strength: 'peer' },
  {
    id: 'request-images',
    pattern:
      /^\/(?:emby\/)?(?:Items|Users\/[^/]+\/Items|Persons|Artists|Genres|Studios)\/[^/]*\/?(?:Remote)?Images|\/(?:Refresh|MetadataEditor|RemoteSearch)\b/i,
    category: 'metadata',
    strength: 'peer',
  },
  {
    id: 'request-auth',
    pattern: /^\/(?:emby\/)?(?:Users\/AuthenticateByName|Users\/[^/]+\/Password|Auth|QuickConnect|Startup\/User)/i,
    category: 'auth',
    strength: 'peer',
  },
  {
    id: 'request-library',
    pattern: /^\/(?:emby\/)?(?:Library|Items\/[^/]+\/Refresh|tmdb|omdb|tvdb|musicbrainz|fanart)\b/i,
    category: 'metadata',
    strength: 'peer',
  },
];

export const COMPONENTS: readonly LayerEntry[] = [
  // Import first: an import service talks about downloads, but what failed is the import.
  {
    id: 'import',
    pattern:
      /(?<!Net)Import(?!List)|CompletedDownload|MoveEpisodeFile|MovieFileMoving|EpisodeFileMoving|UpgradeMediaFile|RenameEpisodeFile|RenameMovieFile|\bpostproc\b|Plex Scan/i,
    category: 'import',
    strength: 'peer',
  },
  {
    id: 'download-client',
    pattern:
      /DownloadClient|DownloadMonitoring|FailedDownload|QBittorrent|Transmission|Deluge|Sabnzbd|Nzbget|RTorrent|UTorrent|Aria2|Flood\b|DownloadStation|Hadouken|Vuze|Blackhole|TorrentBlackhole|\bnewsunpack\b|\bnzbqueue\b|\bassembler\b|\bdirectunpacker\b|\bBitTorrent\b/i,
    category: 'download-client',
    strength: 'peer',
  },
  {
    id: 'indexer',
    pattern:
      /Indexer|Newznab|Torznab|Cardigann|RssSync|NzbSearch|ReleaseSearch|FetchAndParseRss|SearchService|\bHDBits\b|\bRarbg\b|\bNyaa\b|\bJackett\b|TorrentRss|PreDB/i,
    category: 'indexer',
    strength: 'peer',
  },
  // Bazarr's subtitle providers play the part of indexers (taxonomy.ts).
  { id: 'subtitle-provider', apps: ['bazarr'], pattern: /subliminal|provider/i, category: 'indexer', strength: 'peer' },
  {
    id: 'transcode',
    pattern:
      /Transcod|MediaEncod|MediaEncoder|EncodingHelper|FFMPEG|\bffmpeg\b|\bMDE\b|\bCodecs?\b|HardwareAccel|\bTranscoder\b/i,
    category: 'transcode',
    strength: 'peer',
  },
  {
    id: 'playback',
    pattern:
      /DynamicHls|HlsSegment|Playback|Streaming|\bNow\b|SessionManager|SessionController|\bDLNA\b|Dlna|LiveTv|TunerHost|\bTimeline\b|StreamBuilder|MediaInfoHelper|\bActivity ?Handler\b/i,
    category: 'playback',
    strength: 'peer',
  },
  {
    id: 'database',
    pattern: /Database|Datastore|\bDb\b|DbFactory|Migration|Sqlite|SQLITE3?|Repository|ChangestampAllocator/i,
    category: 'database',
    strength: 'peer',
  },
  {
    id: 'metadata',
    pattern:
      /SkyHook|MetadataSource|Tvdb|Tmdb|ImportList|NetImport|Refresh(?:Series|Movie|Artist|Author|Book|Episode)|MediaCover|ImageResizer|ImageService|ImageProcessor|SkiaEncoder|MetadataService|Metadata|Provider(?:Manager)?\b|Scanner|LibraryMonitor|LibraryManager|\bScan\b|MusicBrainz|Trakt|Watchlist|SubtitleManager|Subtitles?|Lyrics|Thumbnail|Artwork|\bAgent\b|MediaAnalyzer|\bButler\b/i,
    category: 'metadata',
    strength: 'peer',
  },
  {
    id: 'auth',
    pattern: /Authenticat|Authoriz|\bAuth\b|UserManager|QuickConnect|\bLogin\b|ApiKey/i,
    category: 'auth',
    strength: 'peer',
  },
  {
    id: 'plex-tv',
    pattern:
      /^(?:MyPlex|PlexTV|Plex\.TV|Relay|PublicAddressManager|NAT|UPnP|HttpClient|HCl|NetworkManager|Websocket|WebSocket|Pmsconnect|PlexPy PlexTV|Tautulli PlexTV)\b/i,
    category: 'network',
    strength: 'weak',
  },
];
