/** Jellyfin (Serilog file layout) and Sonarr/Radarr (NLog file layout) lines, with .NET exceptions and stacks. */
import { type LogGenerator, pad, Random } from './random.ts';

const STACK = [
  'System.Net.Http.HttpRequestException: Connection refused (api.themoviedb.org:443)',
  ' ---> System.Net.Sockets.SocketException (111): Connection refused',
  '   at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)',
  '   at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)',
  '   --- End of inner exception stack trace ---',
  '   at System.Net.Http.HttpConnectionPool.SendWithVersionDetectionAndRetryAsync(HttpRequestMessage request, Boolean async, Boolean doRequestAuth, CancellationToken cancellationToken)',
  '   at MediaBrowser.Providers.Plugins.Tmdb.TmdbClientManager.GetMovieAsync(Int32 tmdbId, String language, CancellationToken cancellationToken)',
];

function iso(t: number, sep: string): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function jellyfinGenerator(seed = 2): LogGenerator {
  const r = new Random(seed);
  let t = Date.UTC(2024, 8, 5, 18, 0, 0);
  const line = (lvl: string, src: string, msg: string) => {
    t += r.int(60);
    return `[${iso(t, ' ')} +03:00] [${lvl}] [${r.int(200)}] ${src}: ${msg}`;
  };
  return {
    name: 'Jellyfin',
    app: 'jellyfin',
    next(): string {
      const x = r.next();
      if (x < 0.45)
        return line(
          'INF',
          'Jellyfin.Api.Helpers.MediaInfoHelper',
          `User policy for "user${r.int(9)}". EnablePlaybackRemuxing: True EnableVideoPlaybackTranscoding: True`,
        );
      if (x < 0.7)
        return line(
          'DBG',
          'Emby.Server.Implementations.HttpServer.WebSocketManager',
          `WS "192.168.1.${r.int(255)}" request`,
        );
      if (x < 0.85)
        return line(
          'INF',
          'Emby.Server.Implementations.ScheduledTasks.TaskManager',
          `"Scan Media Library" Completed after ${r.int(60)} minute(s) and ${r.int(60)} seconds`,
        );
      if (x < 0.93)
        return line(
          'WRN',
          'Jellyfin.Server.Middleware.ResponseTimeMiddleware',
          `Slow HTTP Response from "http://192.168.1.${r.int(255)}:8096/Items/${r.hex(32)}/Images/Primary" to "192.168.1.9" in 0:00:0${r.int(9)}.${r.int(999)} with Status Code 200`,
        );
      if (x < 0.98)
        return line(
          'ERR',
          'MediaBrowser.MediaEncoding.Transcoding.TranscodeManager',
          `FFmpeg exited with code ${1 + r.int(255)}`,
        );
      return [
        line('ERR', 'MediaBrowser.Providers.Manager.ProviderManager', `Error in "TheMovieDb" metadata provider`),
        ...STACK,
      ].join('\n');
    },
  };
}

export function nlogGenerator(seed = 3): LogGenerator {
  const r = new Random(seed);
  let t = Date.UTC(2024, 2, 24, 1, 0, 0);
  const line = (lvl: string, logger: string, msg: string) => {
    t += r.int(500);
    return `${iso(t, ' ').slice(0, -2)}|${lvl}|${logger}|${msg}`;
  };
  return {
    name: 'Sonarr (NLog)',
    app: 'sonarr',
    next(): string {
      const x = r.next();
      if (x < 0.4) return line('Debug', 'Api', `[GET] /api/v3/queue?page=1&pageSize=20: 200.OK (${r.int(90)} ms)`);
      if (x < 0.6)
        return line(
          'Trace',
          'Http',
          `Req: [GET] https://indexer.example/api?t=tvsearch&cat=5030,5040&extended=1&apikey=(removed)&offset=0&limit=100&q=show${r.int(999)}`,
        );
      if (x < 0.8)
        return line(
          'Info',
          'RssSyncService',
          `RSS Sync Completed. Reports found: ${r.int(400)}, Reports grabbed: ${r.int(3)}`,
        );
      if (x < 0.95)
        return line(
          'Warn',
          'DownloadMonitoringService',
          'Unable to retrieve queue and history items from transmission',
        );
      return [
        line(
          'Error',
          'DownloadedEpisodesImportService',
          'Import failed, path does not exist or is not accessible by Sonarr: /downloads/complete/show',
        ),
        '',
        `[v3.0.1.411] NzbDrone.Core.Download.Clients.DownloadClientUnavailableException: Unable to connect to Transmission, please check your settings ---> System.Net.WebException: The request was aborted: The operation has timed out.`,
        '  at System.Net.HttpWebRequest.EndGetResponse (System.IAsyncResult asyncResult) [0x00059] in /build/mono/mcs/class/System/System.Net/HttpWebRequest.cs:1196',
        '  at NzbDrone.Common.Http.Dispatchers.ManagedHttpDispatcher.GetResponse (NzbDrone.Common.Http.HttpRequest request, System.Net.CookieContainer cookies) [0x00123] in M:\\BuildAgent\\work\\5d7581516c0ee5b3\\src\\NzbDrone.Common\\Http\\Dispatchers\\ManagedHttpDispatcher.cs:81',
        '   --- End of inner exception stack trace ---',
        '',
      ].join('\n');
    },
  };
}

/** Docker json-file records around another generator's lines (one record per physical line). */
export function dockerJsonGenerator(inner: LogGenerator): LogGenerator {
  let t = Date.UTC(2024, 4, 1, 18, 0, 0) * 1e6;
  return {
    name: `${inner.name} in docker json-file`,
    app: 'docker',
    next(): string {
      return inner
        .next()
        .split('\n')
        .map((l) => {
          t += 1234567;
          const ms = Math.floor(t / 1e6);
          const ns = String(t % 1e6).padStart(6, '0');
          const time = `${new Date(ms).toISOString().slice(0, -1)}${ns}Z`;
          return JSON.stringify({ log: `${l}\n`, stream: 'stdout', time });
        })
        .join('\n');
    },
  };
}
