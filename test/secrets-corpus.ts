/**
 * Planted secrets: log lines in the shapes apps, HTTP libraries and proxies really print, each carrying one secret
 * value that must never leave Arrgus. Unit tests run every line through `redact`; the end-to-end test
 * (test/secrets-e2e.test.ts) feeds them through a whole service and looks for the values in every output channel.
 * Values are unique and long enough that finding one anywhere is a leak, never a coincidence.
 */

export interface PlantedLine {
  kind: string;
  /** The secret inside `line`. */
  secret: string;
  line: string;
}

let n = 0;
/** A unique secret-looking value: letters and digits, 24 characters. */
export function plant(tag: string): string {
  n++;
  return `Pl4nt${tag.replace(/[^A-Za-z0-9]/g, '').slice(0, 6)}${String(n).padStart(3, '0')}Zq9xK7wV2m`.slice(0, 24);
}

function line(kind: string, make: (s: string) => string, secret = plant(kind)): PlantedLine {
  return { kind, secret, line: make(secret) };
}

/** Shapes that are masked without being configured. */
export const PLANTED_SHAPES: readonly PlantedLine[] = [
  line('X-Plex-Token query', (s) => `Request: [10.0.0.2:51234] GET /library/sections?X-Plex-Token=${s}&type=1`),
  line(
    'X-Plex-Token URL-encoded',
    (s) => `Redirect to url=http%3A%2F%2Fplex%3A32400%2Fphoto%3FX-Plex-Token%3D${s}%26w%3D1`,
  ),
  line('X-Plex-Token header', (s) => `Headers: X-Plex-Token: ${s}`),
  line('plexToken=', (s) => `Tautulli: fetching with plexToken=${s} from server`),
  line('"plexToken": JSON', (s) => `Saved settings {"plexToken":"${s}","port":32400}`),
  line('api_key query', (s) => `HTTP GET /Items?api_key=${s} 200`),
  line('apikey query', (s) => `Fetching http://sonarr:8989/api/v3/system/status?apikey=${s}`),
  line('X-Api-Key header', (s) => `Request headers: X-Api-Key: ${s}, Accept: */*`),
  line('"apiKey": JSON', (s) => `{"apiKey": "${s}", "url": "http://radarr:7878"}`),
  line('access_token', (s) => `OAuth callback /cb?code=1&access_token=${s}&expires=3600`),
  line('refresh_token JSON', (s) => `token response {"refresh_token":"${s}","expires_in":3600}`),
  line('client_secret', (s) => `POST /oauth/token grant_type=client_credentials&client_secret=${s}`),
  line('passkey=', (s) => `Announce http://tracker.example/announce.php?passkey=${s}&info_hash=abc`),
  line(
    'passkey path',
    (s) => `Tracker http://tracker.example/${s}/announce is not working`,
    '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  ),
  line('password= form', (s) => `Login POST body: username=admin&password=${s}`),
  line('"password": JSON', (s) => `Config {"username":"admin","password":"${s}"}`),
  line('"passphrase": JSON', (s) => `Loaded {"passphrase": "${s} with spaces"}`),
  line('Password: header-ish', (s) => `SMTP Password: ${s}`),
  line('pwd=', (s) => `connect string host=db;user=sa;pwd=${s}`),
  line('secret=', (s) => `Webhook called /hook?secret=${s}`),
  line('Authorization Bearer', (s) => `Authorization: Bearer ${s}`),
  line('authorization bearer lowercase', (s) => `authorization: bearer ${s}`),
  line(
    'Authorization Basic',
    (s) => `Authorization: Basic ${s}`,
    Buffer.from(`admin:${plant('basic')}`).toString('base64'),
  ),
  line('Authorization Token', (s) => `Authorization: Token ${s}`),
  line('Authorization MediaBrowser Token first', (s) => `Authorization: MediaBrowser Token="${s}", Client="Infuse"`),
  line(
    'X-Emby-Authorization Token last',
    (s) =>
      `X-Emby-Authorization: MediaBrowser Client="Jellyfin Web", Device="Firefox", DeviceId="x", Version="10.9", Token="${s}"`,
  ),
  line('X-Emby-Token', (s) => `GET /Sessions with X-Emby-Token=${s}`),
  line('X-MediaBrowser-Token header', (s) => `X-MediaBrowser-Token: ${s}`),
  line('Cookie', (s) => `Cookie: SID=${s}; lang=en`),
  line('Set-Cookie', (s) => `Set-Cookie: SID=${s}; HttpOnly; SameSite=Strict; path=/`),
  line('qBittorrent SID', (s) => `qBittorrent login ok, sid=${s}`),
  line('user:pass@ URL', (s) => `Connecting to http://admin:${s}@sabnzbd:8080/api`),
  line('user:pass@ URL-encoded', (s) => `next=http%3A%2F%2Fadmin%3A${s}%40nzb%3A8080%2F`),
  line('Discord webhook', (s) => `POST https://discord.com/api/webhooks/1234567890/${s} failed`),
  line('Slack webhook', (s) => `POST https://hooks.slack.com/services/T000/B000/${s}`),
  line('Telegram bot token', (s) => `https://api.telegram.org/bot123456789:${s}${s}/sendMessage`),
  line(
    'JWT',
    () => `Authorization header eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpM`,
    'SflKxwRJSMeKKF2QT4fwpM',
  ),
  line('ntfy tk_', (s) => `ntfy publish with ${s}`, 'tk_0abcdefghij1klmnopqrstuvwx29'),
  line('PEM private key', (s) => `-----BEGIN PRIVATE KEY-----\nMII${s}\n-----END PRIVATE KEY-----`),
  line('curl bearer', (s) => `curl -H "Authorization:Bearer ${s}" http://x`),
  line('escaped JSON in a string', (s) => `body "{\\"token\\":\\"${s}\\"}"`),
];
