/**
 * The MQTT connection (mqtt.js): `mqtt://`, `mqtts://` (CA, client certificate), `ws://`, `wss://`. It never blocks
 * Arrgus: with no broker reachable it retries with exponential backoff and jitter while ingestion carries on, and every
 * successful connection (the first and each reconnection) runs the `onConnect` handlers, which republish what is
 * retained (a restarted broker may have lost it). Nothing is queued while offline: states are rebuilt on connect and
 * stale events are worth less than no events. Passwords never reach a log line: the URL is logged without user info.
 */

import { readFile } from 'node:fs/promises';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../core/logger.ts';
import { redact } from '../core/redact.ts';

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

export interface ConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  keepalive: number;
  tls?: TlsFiles;
  /** Last will: published by the broker if Arrgus vanishes without a clean disconnect. */
  will?: { topic: string; payload: string };
  reconnectMin: number;
  reconnectMax: number;
  /** Injected for tests; jitter only. */
  random?: () => number;
}

export interface InboundMessage {
  topic: string;
  payload: string;
  /** Set when the broker replays a retained message on subscription. */
  retain: boolean;
}

type ConnectHandler = (first: boolean) => void | Promise<void>;
type MessageHandler = (msg: InboundMessage) => void;

/** `mqtt://user:secret@host:1883/x` → `mqtt://host:1883`: what logs may show. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    // Not a URL we can take apart: show only the scheme, never the rest (it may hold credentials).
    return `${url.split(':')[0] ?? 'mqtt'}://(unparsable URL)`;
  }
}

export class MqttConnection {
  private readonly opts: ConnectionOptions;
  private readonly logger: Logger;
  private client: MqttClient | null = null;
  private readonly connectHandlers: ConnectHandler[] = [];
  private readonly messageHandlers: MessageHandler[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private everConnected = false;
  private stopping = false;
  private waiters: Array<() => void> = [];

  constructor(opts: ConnectionOptions, logger: Logger) {
    this.opts = opts;
    this.logger = logger;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Runs on every connection; `first` is true only for the first one since start. */
  onConnect(fn: ConnectHandler): void {
    this.connectHandlers.push(fn);
  }

  /** Adds a message handler; returns its removal. */
  onMessage(fn: MessageHandler): () => void {
    this.messageHandlers.push(fn);
    return () => {
      const i = this.messageHandlers.indexOf(fn);
      if (i >= 0) this.messageHandlers.splice(i, 1);
    };
  }

  async start(): Promise<void> {
    const o = this.opts;
    const options: IClientOptions = {
      clientId: o.clientId,
      keepalive: o.keepalive,
      clean: true,
      // Reconnection is ours (exponential backoff); mqtt.js only knows a fixed period.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      resubscribe: false,
      queueQoSZero: false,
      // mqtt-packet otherwise fills a cache of 65,536 two-byte Buffers (~6.5 MB of heap, held for good) on the first
      // packet; the option is global to the module, so it also spares the embedded aedes broker, which shares it.
      writeCache: false,
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      ...(o.will ? { will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: true } } : {}),
      ...(await this.tlsOptions()),
    };
    this.stopping = false;
    const client = connect(o.url, options);
    this.client = client;
    client.on('connect', () => this.connected_());
    client.on('close', () => this.closed());
    client.on('error', (err) => this.failed(err));
    client.on('message', (topic, payload, packet) => {
      const msg = { topic, payload: payload.toString('utf8'), retain: packet.retain };
      for (const fn of [...this.messageHandlers]) {
        try {
          fn(msg);
        } catch (err) {
          this.logger.warn('An MQTT message handler failed; the message is dropped.', { topic, error: err });
        }
      }
    });
  }

  /** Resolves once connected (at once when already), rejects after `timeoutMs`. */
  waitConnected(timeoutMs = 10_000): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`not connected to ${safeUrl(this.opts.url)} after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** Publishes when connected; returns false (and publishes nothing) when not. */
  publish(topic: string, payload: string, retain: boolean): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    // The redaction boundary for MQTT: every payload, whoever built it.
    client.publish(topic, redact(payload), { qos: 1, retain }, (err) => {
      if (err) this.logger.debug('A publication was not acknowledged; it is sent again on reconnection.', { topic });
    });
    return true;
  }

  /** Subscribes (QoS 1) and resolves on SUBACK: retained messages for these filters follow right after it. */
  async subscribe(filters: string[]): Promise<void> {
    if (!this.client?.connected || filters.length === 0) return;
    await this.client.subscribeAsync(filters, { qos: 1 });
  }

  async unsubscribe(filters: string[]): Promise<void> {
    if (!this.client?.connected || filters.length === 0) return;
    await this.client.unsubscribeAsync(filters);
  }

  /**
   * Clean shutdown: publishes `finalMessage` (the retained `offline`) when connected, then disconnects without the
   * last will. Safe to call twice.
   */
  async stop(finalMessage?: { topic: string; payload: string }): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (finalMessage && client.connected) {
      await withTimeout(client.publishAsync(finalMessage.topic, finalMessage.payload, { qos: 1, retain: true }), 2000);
    }
    await withTimeout(client.endAsync(!client.connected), 2000);
  }

  private async tlsOptions(): Promise<Partial<IClientOptions>> {
    const tls = this.opts.tls;
    if (!tls || !/^(?:mqtts|wss):/i.test(this.opts.url)) return {};
    const read = async (path: string | undefined, what: string): Promise<Buffer | undefined> => {
      if (!path) return undefined;
      try {
        return await readFile(path);
      } catch (err) {
        throw new Error(`cannot read the MQTT TLS ${what} file ${path}: ${(err as NodeJS.ErrnoException).code}`);
      }
    };
    const [ca, cert, key] = await Promise.all([
      read(tls.ca, 'CA'),
      read(tls.cert, 'certificate'),
      read(tls.key, 'key'),
    ]);
    return {
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
    };
  }

  private connected_(): void {
    const first = !this.everConnected;
    this.everConnected = true;
    this.logger.info(this.attempt > 0 ? 'Reconnected to the MQTT broker.' : 'Connected to the MQTT broker.', {
      url: safeUrl(this.opts.url),
      clientId: this.opts.clientId,
    });
    this.attempt = 0;
    for (const w of this.waiters.splice(0)) w();
    for (const fn of this.connectHandlers) {
      Promise.resolve()
        .then(() => fn(first))
        .catch((err: unknown) => this.logger.warn('A step after connecting to MQTT failed.', { error: err }));
    }
  }

  private failed(err: Error & { code?: string | number }): void {
    // Refused credentials need a person; a broker that is down is ordinary and retried.
    const auth = err.code === 4 || err.code === 5 || err.code === 134 || err.code === 135;
    const fields = { url: safeUrl(this.opts.url), error: err.message, code: err.code };
    if (auth && this.attempt === 0)
      this.logger.error('The MQTT broker refused our credentials; check mqtt.username and mqtt.password.', fields);
    else if (this.attempt === 0)
      this.logger.warn('Cannot reach the MQTT broker; Arrgus keeps running and retries.', fields);
    else this.logger.debug('MQTT connection attempt failed.', { ...fields, attempt: this.attempt });
  }

  private closed(): void {
    if (this.stopping || !this.client) return;
    if (this.retryTimer) return;
    if (this.attempt === 0 && this.everConnected) {
      this.logger.warn('Lost the MQTT broker; reconnecting with backoff.', { url: safeUrl(this.opts.url) });
    }
    const base = Math.min(this.opts.reconnectMax, this.opts.reconnectMin * 2 ** Math.min(this.attempt, 20));
    const delay = Math.round(base * (0.75 + 0.5 * (this.opts.random ?? Math.random)()));
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopping && this.client && !this.client.connected) this.client.reconnect();
    }, delay);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
