/**
 * Test support: a real websocket server (the `ws` package) on loopback that speaks the media servers' notification
 * socket contracts closely enough to test the clients against the wire rather than against their own handlers:
 * - Plex `/:/websockets/notifications?X-Plex-Token=…`: a wrong token is refused at the upgrade with HTTP 401; the
 *   server pushes `{"NotificationContainer": {...}}` JSON text frames and expects nothing back;
 * - Jellyfin `/socket?ApiKey=…&deviceId=…` (and Emby `/embywebsocket?api_key=…&deviceId=…`): on connecting the server
 *   sends `ForceKeepAlive` with its timeout in seconds, answers each `KeepAlive` with one, and once asked with
 *   `SessionsStart` (`Data: "<initial delay ms>,<interval ms>"`) pushes `Sessions` messages with the full list.
 * It can refuse, hang or drop connections to exercise reconnection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SocketConnection {
  url: URL;
  headers: http.IncomingHttpHeaders;
  /** Text frames the client sent, parsed when JSON. */
  received: unknown[];
  ws: WebSocket;
  openedAt: number;
}

export interface FakeSocketOptions {
  /** The upgrade path, `/:/websockets/notifications` or `/socket`. */
  path: string;
  /** Whether the upgrade request carries valid credentials; refused with 401 otherwise. */
  authorized: (url: URL, headers: http.IncomingHttpHeaders) => boolean;
  /** Runs when a client connected (Jellyfin's server sends ForceKeepAlive here). */
  onConnection?: (c: SocketConnection) => void;
  /** Runs for every text frame a client sent. */
  onMessage?: (c: SocketConnection, message: unknown) => void;
  /** Plain HTTP on the same port (the server's REST API beside its socket); 404 when absent. */
  onRequest?: (url: URL) => { status?: number; body: string } | undefined;
}

export class FakeMediaSocketServer {
  readonly connections: SocketConnection[] = [];
  /** Upgrade attempts, accepted or not. */
  upgrades = 0;
  /** Paths of the plain HTTP requests, in order. */
  readonly requests: string[] = [];
  refused = 0;
  /** Accept the upgrade, then close at once (a server that keeps dropping the client). */
  dropOnOpen = false;
  /** Never answer the upgrade: the client is left waiting for its handshake. */
  hangUpgrades = false;
  private readonly opts: FakeSocketOptions;
  private readonly server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(url.pathname);
    const answer = this.opts.onRequest?.(url);
    if (!answer) res.writeHead(404).end();
    else res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(answer.body);
  });
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();

  constructor(opts: FakeSocketOptions) {
    this.opts = opts;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Connections still open. */
  get open(): SocketConnection[] {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Sends a JSON text frame to every open connection. */
  broadcast(message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    for (const c of this.open) c.ws.send(text);
  }

  /** Closes every connection from the server side (a restart, an idle proxy). */
  closeAll(code = 1001): void {
    for (const c of this.open) c.ws.close(code, 'server going away');
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    for (const s of this.sockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    this.upgrades++;
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.hangUpgrades) return;
    if (url.pathname !== this.opts.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!this.opts.authorized(url, req.headers)) {
      this.refused++;
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c: SocketConnection = { url, headers: req.headers, received: [], ws, openedAt: Date.now() };
      this.connections.push(c);
      if (this.dropOnOpen) {
        ws.close(1011, 'dropped');
        return;
      }
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = data.toString();
        let message: unknown = text;
        try {
          message = JSON.parse(text);
        } catch {
          // Not JSON: kept as text so a test can see what the client really sent.
        }
        c.received.push(message);
        this.opts.onMessage?.(c, message);
      });
      this.opts.onConnection?.(c);
    });
  }
}

/** Jellyfin's side of the session socket: ForceKeepAlive on connect, KeepAlive answered, Sessions on request. */
export function jellyfinSocketServer(
  apiKey: string,
  sessions: () => unknown[],
  opts: { app?: 'jellyfin' | 'emby'; forceKeepAliveSeconds?: number } = {},
): FakeMediaSocketServer {
  const emby = opts.app === 'emby';
  return new FakeMediaSocketServer({
    // The REST API answers the same list as the socket, as one server would.
    onRequest: (url) =>
      url.pathname === (emby ? '/emby/Sessions' : '/Sessions') ? { body: JSON.stringify(sessions()) } : undefined,
    path: emby ? '/embywebsocket' : '/socket',
    // Jellyfin reads `ApiKey` unconditionally; `api_key` only with legacy authorization on (off by default from 12).
    authorized: (url) => url.searchParams.get(emby ? 'api_key' : 'ApiKey') === apiKey,
    onConnection: (c) => {
      c.ws.send(JSON.stringify({ MessageType: 'ForceKeepAlive', Data: opts.forceKeepAliveSeconds ?? 60 }));
    },
    onMessage: (c, message) => {
      const type = (message as { MessageType?: unknown } | null)?.MessageType;
      if (type === 'KeepAlive') c.ws.send(JSON.stringify({ MessageType: 'KeepAlive' }));
      if (type === 'SessionsStart') {
        c.ws.send(JSON.stringify({ MessageType: 'Sessions', MessageId: `m${c.received.length}`, Data: sessions() }));
      }
    },
  });
}

/** Plex's notification socket: the token in the query, refused with 401 when wrong; the server only pushes. */
export function plexSocketServer(token: string, sessions: () => string): FakeMediaSocketServer {
  return new FakeMediaSocketServer({
    onRequest: (url) => (url.pathname === '/status/sessions' ? { body: sessions() } : undefined),
    path: '/:/websockets/notifications',
    authorized: (url, headers) => (url.searchParams.get('X-Plex-Token') ?? headers['x-plex-token']) === token,
  });
}
