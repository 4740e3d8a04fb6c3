/**
 * A realistic Plex Media Server log with many kinds of problems among the everyday DEBUG/INFO traffic: inside each
 * kind the file paths, titles, users, devices, addresses, request ids, hosts and numbers vary as they do on a real
 * server, and several kinds come in more than one wording (the same problem written by two Plex versions). Each
 * record knows its kind and the category a person would give it, so the detection benchmark can count how many issues
 * a kind became and whether its category is right.
 */
import { type LogGenerator, pad, Random } from './random.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USERS = ['alice', 'bob_the_builder', 'Grandma Jo', 'kids', 'mike.r', 'sarah88', 'Living-Room', 'guest'];
const DEVICES = ['Living Room TV', 'iPhone', 'SHIELD Android TV', 'Chrome', 'Roku Ultra', 'Xbox One', 'iPad Pro'];
const TITLES = [
  'The Office (US) - S05E12 - Stress Relief',
  'Blade Runner 2049 (2017)',
  'Planet Earth II - S01E03 - Jungles',
  "Schindler's List (1993)",
  'Breaking Bad - S04E13 - Face Off',
  'Spirited Away (2001)',
  'Bluey (2018) - S02E26 - Sleepytime',
];
const DIRS = ['/data/Movies', '/mnt/media/TV Shows', '/srv/nas/4K Movies', '/media/Kids', '/volume1/video/Anime'];
const HOSTS = ['plex.tv', 'metadata.provider.plex.tv', 'clients.plex.tv', 'images.plex.tv', 'meta.plex.tv'];
const THREADS = ['0x7f70a5bfe700', '0x7f70b1c93800', '0x7f70913fa700', '0x7f708ebf5700', '139854101141304'];

export interface ProblemKind {
  id: string;
  /** The category an operator would give it (see src/detect/taxonomy.ts). */
  category: string;
  level: 'WARN' | 'ERROR' | 'FATAL';
  text: (r: Random, v: Vars) => string;
}

interface Vars {
  req: string;
  ip: string;
  file: string;
  title: string;
  user: string;
  device: string;
  host: string;
}

const c = (r: Random) => r.int(9) + 1;

export const PLEX_PROBLEMS: readonly ProblemKind[] = [
  {
    id: 'reset',
    category: 'network',
    level: 'WARN',
    text: (r, v) =>
      `[HttpClient/HCl#${r.hex(2)}] HTTP error requesting GET https://${v.host}/api/v2/user?X-Plex-Token=xxxxxxxxxxxxxxxxxxxx (56, Failure when receiving data from the peer) (Recv failure: Connection reset by peer)`,
  },
  {
    id: 'timeout',
    category: 'network',
    level: 'ERROR',
    text: (r, v) =>
      `[HttpClient/HCl#${r.hex(2)}] HTTP error requesting POST https://${v.host}/devices/${r.hex(24)}/refresh (28, Timeout was reached) (Operation timed out after ${20000 + r.int(999)} milliseconds with 0 bytes received)`,
  },
  {
    id: 'dns',
    category: 'network',
    level: 'WARN',
    text: (r, v) =>
      `[HttpClient/HCl#${r.hex(2)}] HTTP error requesting GET https://${v.host}/api/v2/features (6, Couldn't resolve host name) (Could not resolve host: ${v.host})`,
  },
  {
    id: 'refused',
    category: 'network',
    level: 'ERROR',
    text: (r, v) =>
      `[Req#${v.req}] Error issuing curl_easy_perform(handle): 7 (Couldn't connect to server) connecting to ${v.ip}:${32400 + r.int(10)}`,
  },
  {
    id: 'transcoder-exit',
    category: 'transcode',
    level: 'ERROR',
    text: (r, v) =>
      r.next() < 0.5
        ? `[Req#${v.req}/Transcode/${r.hex(8)}-${r.hex(4)}] Transcoder exited with an error (exit code ${r.pick([1, 137, -9, 187, 255])})`
        : `Jobs: '/usr/lib/plexmediaserver/Plex Transcoder' exit code for process ${1000 + r.int(60000)} is ${r.pick([1, -9, 137, 255])}`,
  },
  {
    id: 'ffmpeg-decode',
    category: 'transcode',
    level: 'ERROR',
    text: (r) =>
      `[Transcode] [FFMPEG] - [h264 @ 0x${r.hex(12)}] error while decoding MB ${r.int(120)} ${r.int(68)}, bytestream -${r.int(40)}`,
  },
  {
    id: 'hw-init',
    category: 'transcode',
    level: 'ERROR',
    text: (r) =>
      r.next() < 0.5
        ? `[Transcode] [FFMPEG] - Failed to initialise VAAPI connection: -1 (unknown libva error).`
        : `[Transcode/${r.hex(6)}] [FFMPEG] - Device creation failed: -${r.int(30)}. Failed to set value '/dev/dri/renderD${128 + r.int(2)}' for option 'init_hw_device'`,
  },
  {
    id: 'playback-failed',
    category: 'playback',
    level: 'ERROR',
    text: (_r, v) =>
      `[Req#${v.req}] Playback of '${v.title}' failed for user ${v.user} on ${v.device}: the server could not start the stream`,
  },
  {
    id: 'client-gone',
    category: 'playback',
    level: 'WARN',
    text: (r, v) =>
      `[Req#${v.req}] Failed to stream media, client probably disconnected after ${r.int(900000)} bytes: ${r.pick([32, 104])} - ${r.pick(['Broken pipe', 'Connection reset by peer'])}`,
  },
  {
    id: 'token',
    category: 'auth',
    level: 'ERROR',
    text: (_r, v) =>
      `[Req#${v.req}] Failed to validate token for user '${v.user}' from ${v.ip}: token is invalid or expired`,
  },
  {
    id: 'plextv-401',
    category: 'auth',
    level: 'ERROR',
    text: (r) =>
      `MyPlex: Error 401 requesting JSON from: https://plex.tv/api/v2/server/users/${r.pick(['features', 'services', 'shared_servers'])}`,
  },
  {
    id: 'permission',
    category: 'disk',
    level: 'ERROR',
    text: (_r, v) =>
      `Couldn't check for the existence of file "${v.file}": boost::filesystem::status: Permission denied: "${v.file}"`,
  },
  {
    id: 'io-error',
    category: 'disk',
    level: 'ERROR',
    text: (_r, v) => `Error reading file '${v.file}': Input/output error (disk I/O error)`,
  },
  {
    id: 'no-space',
    category: 'disk',
    level: 'ERROR',
    text: (r, v) =>
      `[Transcode/${r.hex(6)}] Unable to write segment ${r.int(900)} to "/transcode/Transcode/Sessions/plex-transcode-${r.hex(8)}-${r.hex(4)}/media-${pad(r.int(99999), 5)}.ts" for ${v.user}: No space left on device`,
  },
  {
    id: 'db-locked',
    category: 'database',
    level: 'ERROR',
    text: (r) =>
      `Failed to begin transaction (../Library/${r.pick(['MetadataItem', 'MediaItem', 'MetadataCollection'])}.cpp:${r.int(900)}) (tries=${c(r)}): Cannot begin transaction. database is locked`,
  },
  {
    id: 'db-corrupt',
    category: 'database',
    level: 'ERROR',
    text: (r) => `SQLITE3:0x${r.hex(8)}, 11, database corruption at line ${60000 + r.int(9999)} of [${r.hex(10)}]`,
  },
  {
    id: 'db-busy',
    category: 'database',
    level: 'WARN',
    text: (r) =>
      r.next() < 0.5
        ? `Waited over ${10 + r.int(20)} seconds for a busy database; giving up.`
        : `[Req#${r.hex(3)}] SLOW QUERY: It took ${200 + r.int(900)} ms to retrieve ${r.int(80)} items.`,
  },
  {
    id: 'held-transaction',
    category: 'database',
    level: 'WARN',
    text: (r) =>
      `Held transaction for too long (../Library/${r.pick(['MetadataItem', 'MediaItem'])}.cpp:${r.int(9000)}): ${(r.next() * 3).toFixed(6)} seconds`,
  },
  {
    id: 'scanner',
    category: 'metadata',
    level: 'ERROR',
    text: (r) => `We got an error scanning in ${r.pick(DIRS)}/${r.pick(TITLES)}`,
  },
  {
    id: 'agent',
    category: 'metadata',
    level: 'WARN',
    text: (_r, v) =>
      `[MetadataAgent] Unable to fetch metadata for '${v.title}' from tv.plex.agents.${v.title.includes('S0') ? 'series' : 'movie'}: HTTP 503 Service Unavailable`,
  },
  {
    id: 'thumbnail',
    category: 'metadata',
    level: 'ERROR',
    text: (_r, v) =>
      `[MediaAnalyzer] Failed to generate video preview thumbnails for "${v.file}": Invalid data found when processing input`,
  },
  {
    id: 'relay',
    category: 'network',
    level: 'WARN',
    text: (r, v) => `[Relay] Unable to connect to relay ${v.ip}:${8443 + r.int(4)}: connection refused`,
  },
  {
    id: 'nat',
    category: 'network',
    level: 'WARN',
    text: (r, v) => `NAT: UPnP, failed to map external port ${32400 + r.int(2000)} to ${v.ip}:32400 on the router`,
  },
  {
    id: 'subtitle',
    category: 'playback',
    level: 'ERROR',
    text: (r, v) =>
      `[Req#${v.req}] Unable to find subtitle stream ${r.int(20)} of '${v.title}' requested by ${v.device}`,
  },
  {
    id: 'crash',
    category: 'crash',
    level: 'FATAL',
    text: (r) =>
      `Critical: libc++abi: terminating with uncaught exception of type std::runtime_error: ${r.pick(['basic_string', 'bad_weak_ptr', 'vector::_M_range_check'])}`,
  },
  {
    id: 'update',
    category: 'network',
    level: 'ERROR',
    text: (r, v) =>
      `[Updater] Unable to download update from https://${v.host}/updates/${r.hex(16)}: SSL certificate problem: certificate has expired`,
  },
  {
    id: 'dlna',
    category: 'playback',
    level: 'WARN',
    text: (r, v) =>
      `[DLNA] Failed to send ${r.pick(['GetSortCapabilities', 'Browse'])} response to ${v.ip}:${1024 + r.int(60000)}: Broken pipe`,
  },
];

export interface LabelledGenerator extends LogGenerator {
  /** The problem kind of the record `next()` returned last, or null for everyday traffic. */
  kind: ProblemKind | null;
}

/** `problemRate`: share of records that are problems (WARN/ERROR), like a troubled server's ~5%. */
export function plexProblemsGenerator(seed = 7, problemRate = 0.05): LabelledGenerator {
  const r = new Random(seed);
  let t = Date.UTC(2025, 2, 1, 18, 0, 0);
  const stamp = (): string => {
    t += r.int(40);
    const d = new Date(t);
    return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  };
  const line = (level: string, msg: string) => `${stamp()} [${r.pick(THREADS)}] ${level} - ${msg}`;
  const vars = (): Vars => {
    const title = r.pick(TITLES);
    return {
      req: r.hex(r.pick([3, 4])),
      ip: `192.168.${r.int(3)}.${1 + r.int(254)}`,
      file: `${r.pick(DIRS)}/${title.replace(/ - S\d+E\d+.*/, '')}/${title}.${r.pick(['mkv', 'mp4', 'avi'])}`,
      title,
      user: r.pick(USERS),
      device: r.pick(DEVICES),
      host: r.pick(HOSTS),
    };
  };
  const gen: LabelledGenerator = {
    name: 'Plex (27 kinds of problems)',
    app: 'plex',
    kind: null,
    next(): string {
      const x = r.next();
      if (x < problemRate) {
        const k = r.pick(PLEX_PROBLEMS);
        gen.kind = k;
        return line(k.level, k.text(r, vars()));
      }
      gen.kind = null;
      const v = vars();
      const y = r.next();
      if (y < 0.35)
        return line(
          'DEBUG',
          `Request: [${v.ip}:${40000 + r.int(20000)} (Subnet)] GET /library/metadata/${r.int(90000)}?includeExtras=1 (${r.int(40)} live) #${r.hex(4)} TLS GZIP Signed-in Token (${v.user})`,
        );
      if (y < 0.65)
        return line(
          'DEBUG',
          `Completed: [${v.ip}:${40000 + r.int(20000)}] 200 GET /status/sessions (${r.int(40)} live) #${r.hex(4)} TLS GZIP ${r.int(90)}ms ${r.int(9000)} bytes (pipelined: 1)`,
        );
      if (y < 0.8)
        return line(
          'DEBUG',
          `[Req#${v.req}/Transcode] Streaming Resource: Reached Decision id=${r.int(99999)} codes=(General=1000,Direct play OK.) for "${v.title}"`,
        );
      if (y < 0.9)
        return line(
          'INFO',
          `[Req#${v.req}] Library section ${r.int(12)} (${r.pick(['Movies', 'TV Shows'])}) scanned in ${r.int(900)} ms`,
        );
      if (y < 0.97) return line('DEBUG', `[Now] User is ${v.user} (ID: ${r.int(40)})`);
      return line('INFO', `[Req#${v.req}] Scanner: Processing directory ${r.pick(DIRS)} (parent: yes)`);
    },
  };
  return gen;
}
