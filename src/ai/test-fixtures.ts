/** Test helper: issues to analyse, with secrets planted in every place a log line can carry one. */
import type { Issue, IssueSample } from '../core/types.ts';

/** One value per secret kind the redaction must keep from leaving; each must be absent from every request body. */
export const PLANTED = {
  plexToken: 'PlexTok3nAbCdEfGh1234',
  apiKeyQuery: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  bearerJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  basicAuth: 'YWRtaW46cGFzc3dvcmQ=',
  urlPassword: 'Hunter2Secret',
  jsonPassword: 'CorrectHorseBattery',
  configApiKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  email: 'john.doe@example.com',
  publicIpv4: '81.2.69.142',
  publicIpv6: '2a02:1810:85a3::8a2e:370:7334',
  homeLinux: 'alice',
  homeWindows: 'Bob.Martin',
  userName: 'charlie_w',
  userField: 'dana.k',
  amzSignature: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  sessionQuery: 's3ss10nV4lu3xyz',
  bareToken: 'ZyX9wvU8tsR7qpO6nmL5kJ',
  discordWebhook: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij',
} as const;

/** Lines as apps write them, each carrying planted secrets (sample raw text after the ingestion's own redaction). */
export const SECRET_LINES = [
  `[Req#1bee] Request: [${PLANTED.publicIpv4}:51234 (WAN)] GET /library/metadata/123?X-Plex-Token=${PLANTED.plexToken} (18 live) Signed-in Token (${PLANTED.email})`,
  `[Jellyfin.Api] Failed GET http://10.0.0.5:8096/Items?api_key=${PLANTED.apiKeyQuery} from ${PLANTED.publicIpv6}`,
  `Authorization: Bearer ${PLANTED.bearerJwt}`,
  `Proxy header Authorization: Basic ${PLANTED.basicAuth}`,
  `System.Net.WebException: https://admin:${PLANTED.urlPassword}@indexer.example.org/api failed: 401`,
  `Settings saved {"username":"admin","password": "${PLANTED.jsonPassword}"}`,
  `Sonarr key ${PLANTED.configApiKey} rejected by 192.168.1.20`,
  `   at NzbDrone.Core.Indexers.HttpIndexerBase.FetchPage() in /home/${PLANTED.homeLinux}/build/Sonarr/src/Indexer.cs:line 42`,
  `Could not write C:\\Users\\${PLANTED.homeWindows}\\AppData\\Local\\Jellyfin\\cache`,
  `Playback failed for ${PLANTED.userName} on Living Room TV`,
  `Login failed: user=${PLANTED.userField} from 192.168.1.30`,
  `GET https://s3.example.net/bucket/file?X-Amz-Signature=${PLANTED.amzSignature}&X-Amz-Date=20260101`,
  `Callback https://tv.example.net/cb?sessionid=${PLANTED.sessionQuery}&ok=1`,
  `Transcode of /transcode/sessions/${PLANTED.bareToken}/segment failed`,
  `Posting to https://discord.com/api/webhooks/123456789012345678/${PLANTED.discordWebhook}`,
];

export function sample(raw: string, time: number, extra: Partial<IssueSample> = {}): IssueSample {
  return { time, source: 'sonarr', level: 'error', message: raw.split('\n')[0] ?? raw, raw, ...extra };
}

export function issueWithSecrets(id = 'fp-secrets', at = Date.UTC(2026, 0, 1, 11)): Issue {
  const hour = Math.floor(at / 3_600_000);
  return {
    id,
    title: 'Indexer requests fail with 401',
    category: 'indexer',
    severity: 'high',
    level: 'error',
    app: 'sonarr',
    sources: ['sonarr'],
    status: 'open',
    regressed: false,
    firstSeen: at - 3_600_000,
    lastSeen: at,
    count: 42,
    impact: 71,
    histogramStart: hour - 23,
    histogram: Array.from({ length: 24 }, (_, i) => (i > 18 ? 5 : 1)),
    samples: [
      sample(SECRET_LINES.slice(0, 5).join('\n'), at - 3_000_000),
      sample(SECRET_LINES.slice(5, 10).join('\n'), at - 1_000_000),
      sample(SECRET_LINES.slice(10).join('\n'), at - 10_000),
    ],
    users: [PLANTED.userName],
    sessions: ['s1'],
    clients: ['Living Room TV'],
    statusChangedAt: at - 3_600_000,
    evidence: { layer: 'code', detail: 'HTTP 401' },
    template: 'Indexer <host> answered 401',
    entities: { user: [{ value: PLANTED.userField, count: 3 }], host: [{ value: 'indexer.example.org', count: 42 }] },
  };
}

/** A small issue without secrets. */
export function plainIssue(id: string, at = Date.UTC(2026, 0, 1, 11)): Issue {
  return {
    ...issueWithSecrets(id, at),
    title: `Plain issue ${id}`,
    samples: [sample(`System.Net.WebException: Name or service not known (${id})`, at)],
    users: [],
    entities: {},
  };
}
