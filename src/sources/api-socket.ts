/**
 * A websocket that reconnects with backoff, on Node's global WebSocket. The media servers' notification sockets are
 * an accelerator: polling stays the source of truth, so a socket that cannot connect is logged at debug level and
 * retried, never raised as a problem. The URL carries the token and is never logged.
 *
 * Three ways a naive reconnect loop goes wrong, handled here:
 * - a server that accepts the upgrade and drops the socket at once (a rejected key on some versions, a proxy with a
 *   short idle timeout) would be redialled at the minimum delay forever if every `open` reset the backoff; the backoff
 *   is only forgiven once a connection has stayed up for `stableMs`;
 * - a handshake that never completes (a proxy holding the upgrade) would leave the socket CONNECTING for good; it is
 *   abandoned after `connectTimeoutMs` and retried;
 * - many sockets dropped by one server restart would all come back in lockstep; delays carry jitter.
 */
import type { Logger } from '../core/logger.ts';

export interface ReconnectingSocketOptions {
  url: () => URL;
  /** `Plex notifications of plex` (no URL: it carries the token). */
  label: string;
  logger: Logger;
  /** `reopened` is true on every connection after the first: changes made while it was down were missed. */
  onOpen?: (send: (data: string) => void, reopened: boolean) => void;
  onMessage: (data: string, send: (data: string) => void) => void;
  onClose?: () => void;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** A connection that lasts this long resets the backoff; default 30 s. */
  stableMs?: number;
  /** A handshake not done by then is abandoned; default 15 s. */
  connectTimeoutMs?: number;
  /** 0–1; default Math.random. The delay is between half and all of the backoff step. */
  random?: () => number;
  /** Told each redial delay as it is chosen, so tests check the backoff itself rather than time it on a busy box. */
  onRetry?: (delayMs: number) => void;
}

/** The timing knobs of a socket, passed through by the media-server clients (tests shorten them). */
export type SocketTiming = Pick<
  ReconnectingSocketOptions,
  'minDelayMs' | 'maxDelayMs' | 'stableMs' | 'connectTimeoutMs' | 'random'
>;

export class ReconnectingSocket {
  private readonly opts: ReconnectingSocketOptions;
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private attempts = 0;
  private opened = 0;
  connected = false;

  constructor(opts: ReconnectingSocketOptions) {
    this.opts = opts;
  }

  /** How many times a connection opened (tests, status). */
  get opens(): number {
    return this.opened;
  }

  /** Redials since the last connection that stayed up `stableMs`: what the next delay grows from (tests, status). */
  get backoffSteps(): number {
    return this.attempts;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempts = 0;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    this.connected = false;
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.close();
  }

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url());
    } catch (err) {
      // The message of a URL error would quote the URL, token included: only its kind is logged.
      this.opts.logger.debug(`Could not open the ${this.opts.label} socket.`, {
        error: err instanceof Error ? err.name : 'unknown',
      });
      this.retry();
      return;
    }
    this.ws = ws;
    const send = (data: string): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    };
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      if (this.ws !== ws || ws.readyState !== WebSocket.CONNECTING) return;
      this.opts.logger.debug(`The ${this.opts.label} socket did not connect in time; retrying.`);
      this.drop(ws);
    }, this.opts.connectTimeoutMs ?? 15_000);
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
      this.connected = true;
      const reopened = this.opened++ > 0;
      this.stableTimer = setTimeout(() => {
        this.stableTimer = undefined;
        this.attempts = 0;
      }, this.opts.stableMs ?? 30_000);
      if (reopened) this.opts.logger.debug(`Listening to ${this.opts.label} again.`);
      else this.opts.logger.info(`Listening to ${this.opts.label} for instant updates.`);
      this.opts.onOpen?.(send, reopened);
    });
    ws.addEventListener('message', (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      try {
        this.opts.onMessage(ev.data, send);
      } catch (err) {
        this.opts.logger.debug(`Ignored a message of ${this.opts.label} that could not be read.`, { error: err });
      }
    });
    ws.addEventListener('close', (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.drop(ws, ev.code);
    });
    // An 'error' is always followed by 'close', which does the retrying.
    ws.addEventListener('error', () => {
      if (this.ws === ws) this.opts.logger.debug(`The ${this.opts.label} socket failed.`);
    });
  }

  /** Forgets `ws` (closing it if it is still up) and schedules the next attempt. */
  private drop(ws: WebSocket, code?: number): void {
    this.ws = undefined;
    this.clearTimers();
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close();
    if (this.connected) this.opts.logger.debug(`The ${this.opts.label} socket closed; reconnecting.`, { code });
    this.connected = false;
    this.opts.onClose?.();
    this.retry();
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.stableTimer);
    this.connectTimer = undefined;
    this.stableTimer = undefined;
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    const min = this.opts.minDelayMs ?? 2_000;
    const max = this.opts.maxDelayMs ?? 120_000;
    const step = Math.min(min * 2 ** Math.min(this.attempts++, 16), max);
    const delay = Math.round(step / 2 + (this.opts.random ?? Math.random)() * (step / 2));
    this.opts.onRetry?.(delay);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }
}
