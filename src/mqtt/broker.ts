/**
 * The embedded broker (aedes), started when no external broker is configured, so Home Assistant (or anything else)
 * can point its MQTT integration at Arrgus. Loopback by default. With `mqtt.username`/`mqtt.password` every client
 * must log in. Without them, clients that log in with the `writer` credentials (generated into dataDir) may publish
 * anywhere, and anonymous clients (loopback, or `allowAnonymous`) may read everything but not publish under the
 * `guarded` topics (broker-access.ts). It says at startup which of these applies.
 */

import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../core/logger.ts';
import { isLoopback } from '../core/net.ts';
import { brokerAccess, type Credentials } from './broker-access.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  allowAnonymous: boolean;
  username?: string;
  password?: string;
  /** Logins allowed to publish anywhere when no `username`/`password` is configured (Arrgus, Home Assistant). */
  writer?: Credentials;
  /** Topics, with everything under them, that anonymous clients may not publish to. */
  guarded?: string[];
  /** Exact topics under `guarded` that anonymous clients may still publish to (Home Assistant's birth message). */
  open?: string[];
}

const REFUSAL_LOG_MS = 60_000;

/** Thrown when the settings would expose an open broker on the network. */
export class BrokerConfigError extends Error {
  override name = 'BrokerConfigError';
}

export { isLoopback };

export class EmbeddedBroker {
  private readonly opts: EmbeddedBrokerOptions;
  private readonly logger: Logger;
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private boundPort = 0;
  private refusals = { count: 0, loggedAt: Number.NEGATIVE_INFINITY };
  private refusedTotal = 0;

  constructor(opts: EmbeddedBrokerOptions, logger: Logger) {
    this.opts = opts;
    this.logger = logger;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const { host, port, allowAnonymous, username, password, writer } = this.opts;
    const credentials = Boolean(username && password);
    const loopback = isLoopback(host);
    if (!loopback && !credentials && !allowAnonymous && !writer) {
      throw new BrokerConfigError(
        `the embedded MQTT broker would listen on ${host}, beyond this machine, without a password: set mqtt.username and mqtt.password, or mqtt.embedded.allowAnonymous: true to accept anyone on the network`,
      );
    }
    const anonymous = !credentials && (loopback || allowAnonymous);
    const aedes = await Aedes.createBroker({ id: 'arrgus-embedded' });
    const logins = credentials
      ? [{ username: username as string, password: password as string }]
      : writer
        ? [writer]
        : [];
    // Without any login and with anonymous clients accepted (a bare test broker), aedes's defaults stay.
    if (logins.length || !anonymous) {
      const access = brokerAccess({
        logins,
        anonymous,
        guarded: this.opts.guarded ?? [],
        open: this.opts.open ?? [],
        onRefused: (client, topic) => this.refused(client, topic),
      });
      aedes.authenticate = access.authenticate;
      aedes.authorizePublish = access.authorizePublish;
    }
    aedes.on('clientError', (client, err) => {
      this.logger.debug('An MQTT client of the embedded broker failed.', { client: client.id, error: err.message });
    });
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      aedes.close();
      throw err;
    });
    server.on('error', (err) => this.logger.warn('The embedded MQTT broker socket failed.', { error: err }));
    this.aedes = aedes;
    this.server = server;
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    const readOnly = writer && this.opts.guarded?.length ? ', read-only under their topics' : '';
    const access = credentials
      ? 'clients must log in with mqtt.username and mqtt.password'
      : !anonymous
        ? `clients must log in as ${writer?.username}`
        : loopback
          ? `only this machine can connect; anonymous clients are accepted${readOnly}`
          : `ANONYMOUS clients are accepted from the network (mqtt.embedded.allowAnonymous)${readOnly}`;
    const log = !loopback && anonymous ? this.logger.warn : this.logger.info;
    log(`Embedded MQTT broker listening on ${host}:${this.boundPort}; ${access}.`, { host, port: this.boundPort });
  }

  /** Publishes (and last wills) of anonymous clients refused since start. */
  get refusedPublishes(): number {
    return this.refusedTotal;
  }

  /** One WARN a minute, with the count since the last: a client retrying in a loop cannot flood the log. */
  private refused(client: string, topic: string): void {
    this.refusedTotal++;
    const r = this.refusals;
    r.count++;
    const now = Date.now();
    if (now - r.loggedAt < REFUSAL_LOG_MS) return;
    const more = r.count > 1 ? ` (${r.count} refused publishes since the last warning)` : '';
    this.logger.warn(
      `An anonymous MQTT client tried to publish to ${topic.slice(0, 120)}; only clients that log in may publish there, so it was disconnected${more}.`,
      { client: client.slice(0, 64) },
    );
    r.count = 0;
    r.loggedAt = now;
  }

  async stop(): Promise<void> {
    const { aedes, server } = this;
    this.aedes = null;
    this.server = null;
    if (server) {
      // close() waits for open sockets; aedes.close() below ends the clients, which lets it finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    } else if (aedes) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    }
  }
}
