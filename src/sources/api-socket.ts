/**
 * A websocket that reconnects with backoff, on Node's global WebSocket. The media servers' notification sockets are
 * an accelerator: polling stays the source of truth, so a socket that cannot connect is logged at debug level and
 * retried, never raised as a problem. The URL carries the token and is never logged.
 */
import type { Logger } from '../core/logger.ts';

export interface ReconnectingSocketOptions {
  url: () => URL;
  /** `Plex notifications of plex` (no URL: it carries the token). */
  label: string;
  logger: Logger;
  onOpen?: (send: (data: string) => void) => void;
  onMessage: (data: string, send: (data: string) => void) => void;
  onClose?: () => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class ReconnectingSocket {
  private readonly opts: ReconnectingSocketOptions;
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private attempts = 0;
  connected = false;

  constructor(opts: ReconnectingSocketOptions) {
    this.opts = opts;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
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
      this.opts.logger.debug(`Could not open the ${this.opts.label} socket.`, { error: err });
      this.retry();
      return;
    }
    this.ws = ws;
    const send = (data: string): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    };
    ws.addEventListener('open', () => {
      this.attempts = 0;
      this.connected = true;
      this.opts.logger.info(`Listening to ${this.opts.label} for instant updates.`);
      this.opts.onOpen?.(send);
    });
    ws.addEventListener('message', (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      try {
        this.opts.onMessage(ev.data, send);
      } catch (err) {
        this.opts.logger.debug(`Ignored a message of ${this.opts.label} that could not be read.`, { error: err });
      }
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.connected) this.opts.logger.debug(`The ${this.opts.label} socket closed; reconnecting.`);
      this.connected = false;
      this.opts.onClose?.();
      this.retry();
    });
    // An 'error' is always followed by 'close', which does the retrying.
    ws.addEventListener('error', () => {
      this.opts.logger.debug(`The ${this.opts.label} socket failed.`);
    });
  }

  private retry(): void {
    if (this.stopped) return;
    const min = this.opts.minDelayMs ?? 2_000;
    const max = this.opts.maxDelayMs ?? 120_000;
    const delay = Math.min(min * 2 ** Math.min(this.attempts++, 16), max);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }
}
