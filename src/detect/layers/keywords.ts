/**
 * The keyword layer: families of words that name a cause or a part of the stack, in the wordings apps, libraries and
 * operating systems use (and a few other languages: .NET and the OS translate their messages). Looked for in the
 * message, the exception message and the inner exceptions' messages. The rule library (rules/) holds the precise
 * sentences; these are the broad strokes that catch what no rule was written for.
 */
import type { LayerEntry } from './types.ts';

export const KEYWORDS: readonly LayerEntry[] = [
  // Causes.
  {
    id: 'credentials',
    pattern:
      /\bunauthori[sz]ed\b|\bforbidden\b|invalid (?:api[ _-]?key|token|credentials?|password|user(?:name)? or password|username|login|session)|(?:api[ _-]?key|token|credentials?|password)(?: is| was| are)? (?:invalid|incorrect|wrong|missing|expired|rejected|not valid)|(?:authentication|authorization|auth|login|sign[ -]?in|log ?in) (?:failed|failure|error|required|denied)|failed to (?:authenticate|authori[sz]e|log ?in|sign in|validate (?:the )?(?:token|api key|credentials))|(?:token|session|cookie) (?:has )?expired|not authori[sz]ed|access token|bad credentials|wrong password|Anmeldung fehlgeschlagen|Nicht autorisiert|non autorisé|Échec de l'authentification|no autorizado/i,
    category: 'auth',
    strength: 'cause',
  },
  {
    id: 'permission',
    pattern:
      /permission denied|access (?:to the path .* )?(?:is )?denied|access denied|operation not permitted|not (?:writable|readable)|is(?:n't| not) writ(?:e)?able|read-only file system|insufficient (?:permissions|privileges)|permissions? (?:exception|error|problem)|due to (?:a )?permission|unable to (?:apply|set) (?:folder |file )?permissions|Zugriff verweigert|Zugriff auf den Pfad|Keine Berechtigung|Accès refusé|Accès au chemin|Permission refusée|Acceso denegado|Permiso denegado|Accesso negato|Toegang geweigerd/i,
    category: 'disk',
    strength: 'cause',
  },
  {
    id: 'storage',
    pattern:
      /no space left|not enough (?:free )?(?:disk )?space|disk (?:is )?full|out of disk|quota exceeded|input\/output error|\bI\/O error\b|bad sector|stale file handle|could not find (?:a part of )?the path|no such file or directory|(?:file|directory|folder|path) (?:does not|doesn't) exist|(?:file|directory|folder|path) not found|cannot find the (?:file|path)|(?:cannot|can't|could not|couldn't|unable to|failed to) (?:find|open|read|write|create|delete|remove|move|copy|rename|access|stat) (?:the )?(?:file|directory|folder|dir|path)\b|could not find file|(?:folder|directory|path|file)\b[^.]{0,60}\b(?:doesn't|does not|no longer) exist|unable to get free space|free space check|unable to (?:delete|move|copy|rename|set date of)\b|being used by another process|failed to (?:read|write|open|create|delete|move|copy|rename) (?:the )?(?:file|directory|folder)|mount(?:point)? (?:is )?(?:missing|not (?:found|available|mounted))|Kein Speicherplatz|Espace disque insuffisant|Datei nicht gefunden|Pfad nicht gefunden|Fichier introuvable|No se encuentra|Impossibile trovare/i,
    category: 'disk',
    strength: 'cause',
  },
  {
    id: 'database',
    pattern:
      /(?<!(?:geolocation|geoip|geo ip|GeoLite2?|IP) )\bdatabase\b|\bsqlite\b|\bSQL (?:error|logic error)|\bdb (?:error|locked|corrupt)|malformed|constraint failed|UNIQUE constraint|FOREIGN KEY constraint|no such (?:table|column)|migration (?:failed|error)|\bslow (?:query|queries|sql)\b|failed to (?:begin|commit) transaction|transaction (?:failed|aborted)|deadlock|Datenbank|base de données|base de datos/i,
    category: 'database',
    strength: 'cause',
  },
  {
    id: 'port-in-use',
    pattern:
      /address already in use|\bEADDRINUSE\b|(?:failed to|could not|couldn't|cannot|can't|unable to) (?:bind|listen)|port (?:\d+ )?is already (?:in use|allocated)/i,
    category: 'network',
    strength: 'cause',
  },
  {
    id: 'memory',
    pattern:
      /out of memory|cannot allocate memory|memory allocation failed|std::bad_alloc|OOM[- ]?kill|heap (?:out of memory|exhausted)/i,
    category: 'crash',
    strength: 'cause',
  },
  // Hardware transcoding: the GPU device or its driver decides, even when the error underneath is a file error.
  {
    id: 'hw-transcode',
    pattern:
      /\/dev\/dri\b|\brenderD\d+|\/dev\/nvidia|\blibcuda\b|\bvaapi\b|\bva-api\b|\blibva\b|\bnvenc\b|\bnvdec\b|\bcuvid\b|\bqsv\b|quick ?sync|\bvideotoolbox\b|\bamf\b|\bd3d11va\b|\bdxva2?\b|hardware (?:acceleration|decoding|encoding|transcoding|context)/i,
    category: 'transcode',
    strength: 'cause',
  },
  // Parts of the stack.
  {
    id: 'transcoder',
    pattern:
      /transcod|\bffmpeg\b|\bencoder\b|\bdecoder\b|(?<!['\x22>] )\bcodecs?\b(?! can't)|hardware (?:acceleration|decoding|encoding|transcoding)|\bhw ?accel|\bvaapi\b|\bnvenc\b|\bnvdec\b|\bcuvid\b|\bqsv\b|quick ?sync|\bcuda\b|\bVideoToolbox\b|\bamf\b|\brenderD\d+|\/dev\/dri|\bx264\b|\bx265\b|\bhevc\b|\bh\.?264\b|\bh\.?265\b|tone ?mapping|\bEAE\b|\bMDE\b|burn(?:ing)? subtitles/i,
    category: 'transcode',
    strength: 'peer',
  },
  {
    id: 'download-client',
    pattern:
      /download ?client|qbittorrent|\btransmission\b|\bdeluge\b|\bsabnzbd\b|\bnzbget\b|\brtorrent\b|\butorrent\b|\baria2\b|download ?station|\bFlood\b|\bpar2\b|\bunrar\b|\b7za?\b|unpack(?:ing)? failed|repair failed|\bpostprocessing failed|download (?:failed|stalled|is stalled)|\btorrent\b|\bnzb\b|\bnews ?server|usenet|articles? (?:missing|not found)/i,
    category: 'download-client',
    strength: 'peer',
  },
  {
    id: 'indexer',
    pattern:
      /\bindexers?\b|\btracker\b|\bnewznab\b|\btorznab\b|\bcardigann\b|\bjackett\b|\bprowlarr\b|\bflaresolverr\b|cloudflare|captcha|rss (?:sync|feed)|\bRSS\b|grab limit|query limit|\bsearch(?:ing)? (?:failed|error)|subtitle provider|providers? (?:are )?throttled/i,
    category: 'indexer',
    strength: 'peer',
  },
  {
    id: 'import',
    pattern:
      /\bimport(?:ing|ed)?\b(?! list)|remote path mapping|not accessible by (?:Sonarr|Radarr|Lidarr|Readarr|Whisparr)|no (?:video|audio|media) files|sample file|hard ?link(?:ing)? failed|unable to determine if file is a sample|(?:not|un)parse?able|unable to parse|\bmanual import\b/i,
    category: 'import',
    strength: 'peer',
  },
  {
    id: 'metadata',
    pattern:
      /metadata|\bthetvdb\b|\btvdb\b|\btmdb\b|themoviedb|\bomdb\b|\bimdb\b|\bskyhook\b|musicbrainz|\bgoodreads\b|\bfanart\b|\bartwork\b|\bposter\b|\bthumbnail\b|\bimages?\b|\bnfo\b|\bscann?(?:er|ing)\b|library scan|refresh(?:ing)? (?:series|movie|artist|author|library|metadata)|import list|\bwatchlist\b|\btrakt\b|subtitles? (?:download|search|provider)|download(?:ing)? subtitles?|\blyrics\b|\bagent\b|chapter images|\bitem not found\b|scene mappings?|trickplay/i,
    category: 'metadata',
    strength: 'peer',
  },
  // Bazarr's own domain is subtitles: what it fails to find, save, index or validate is about media information.
  {
    id: 'bazarr-subtitles',
    apps: ['bazarr'],
    pattern: /\bsubtitles?\b|\bsubs\b/i,
    category: 'metadata',
    strength: 'peer',
  },
  {
    id: 'media-analysis',
    pattern:
      /\bffprobe\b|\bmediainfo\b|media ?info\b|video information|(?:analy[sz]e|probe|probing) (?:this |the )?(?:video|media|audio|file)|audio track language/i,
    category: 'metadata',
    strength: 'peer',
  },
  {
    id: 'playback',
    pattern:
      /playback|\bplaying\b|\bstream(?:ing)?\b|direct ?(?:play|stream)|\bsession\b|\bclient (?:disconnected|closed|stopped)|\bbuffer(?:ing)?\b|\bbandwidth\b|\bbitrate\b|\bhls\b|\bdash\b|\bsegment\b|\bdlna\b|\blive ?tv\b|\btuner\b|\bm3u8?\b|\bplayer\b|\bnow playing\b/i,
    category: 'playback',
    strength: 'peer',
  },
  // A notifier that cannot deliver: the target host (Discord, an SMTP server…) did not take it.
  {
    id: 'notification',
    pattern:
      /(?:unable|failed) to (?:send|post|deliver) (?:\w+ ){0,3}(?:notification|message|e-?mail|payload|push)|(?:notification|e-?mail) (?:failed|could not be sent)|error sending (?:e-?mail|notification|message)/i,
    category: 'network',
    strength: 'weak',
  },
  // Weak: transport failures and crash words; the peer (above) says more when the text names it.
  {
    id: 'transport',
    pattern:
      /timed? ?out|timeout|connection (?:refused|reset|closed|aborted|lost|failed|error)|reset by peer|broken pipe|(?:could not|couldn't|cannot|can't|unable to|failed to) (?:connect|reach|resolve|contact|communicate|fetch|retrieve|download)|error (?:while )?trying to (?:get|fetch|retrieve|connect|reach|download)\b|\bhttp error\b|\bSignalR\b|returned (?:a )?redirect|unexpected response status|name (?:or service )?not known|name resolution|no such host|host (?:is )?unreachable|network (?:is )?unreachable|no route to host|\bDNS\b|\bSSL\b|\bTLS\b|certificate|handshake|remote (?:host|server|end|party)|\bproxy\b|\bsocket\b|server (?:returned|responded)|\bUPnP\b|NAT-PMP|port (?:mapping|forwarding) (?:failed|error)|could not map port|rate.?limit|too many requests|request limit|bad gateway|service unavailable|gateway time-?out|internal server error|\bunreachable\b|offline|Zeitüberschreitung|Verbindung|délai d'attente|connexion|conexión|tiempo de espera|connessione/i,
    category: 'network',
    strength: 'weak',
  },
  {
    id: 'crash',
    pattern:
      /\bcrash(?:ed|ing)?\b|segmentation fault|core dumped|\bsegfault\b|\babort(?:ed)?\b|terminate called|unhandled|uncaught|\bpanic\b|fatal error|stack overflow|assertion failed|access violation|deadlock detected|(?:failed to|could not|couldn't|unable to) start|startup failed|shutting down due to/i,
    category: 'crash',
    strength: 'weak',
  },
  // A traceback says an exception escaped, not why: its last line (the exception) says more.
  { id: 'traceback', pattern: /\btraceback\b|stack ?trace/i, category: 'crash', strength: 'fallback' },
];
