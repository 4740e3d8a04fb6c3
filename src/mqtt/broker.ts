/**
 * The embedded broker (aedes), started when no external broker is configured, so Home Assistant (or anything else)
 * can point its MQTT integration at Arrgus. Loopback by default. Beyond loopback it insists on a user name and
 * password unless `allowAnonymous` is set, and says at startup which of the two applies.
 */

import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../core/logger.ts';
import { isLoopback } from '../core/net.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  allowAnonymous: boolean;
  username?: string;
  password?: string;
}

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

  constructor(opts: EmbeddedBrokerOptions, logger: Logger) {
    this.opts = opts;
    this.logger = logger;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const { host, port, allowAnonymous, username, password } = this.opts;
    const credentials = Boolean(username && password);
    const loopback = isLoopback(host);
    if (!loopback && !credentials && !allowAnonymous) {
      throw new BrokerConfigError(
        `the embedded MQTT broker would listen on ${host}, beyond this machine, without a password: set mqtt.username and mqtt.password, or mqtt.embedded.allowAnonymous: true to accept anyone on the network`,
      );
    }
    const aedes = await Aedes.createBroker({ id: 'arrgus-embedded' });
    if (credentials) {
      const wantUser = Buffer.from(username as string);
      const wantPass = Buffer.from(password as string);
      aedes.authenticate = (_client, user, pass, done) => {
        const ok =
          user !== undefined && pass !== undefined && same(Buffer.from(user), wantUser) && same(pass, wantPass);
        if (ok) done(null, true);
        else done(Object.assign(new Error('bad user name or password'), { returnCode: 4 as const }), false);
      };
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
    const access = credentials
      ? 'clients must log in with mqtt.username and mqtt.password'
      : loopback
        ? 'only this machine can connect; anonymous clients are accepted'
        : 'ANONYMOUS clients are accepted from the network (mqtt.embedded.allowAnonymous)';
    const log = !loopback && !credentials ? this.logger.warn : this.logger.info;
    log(`Embedded MQTT broker listening on ${host}:${this.boundPort}; ${access}.`, { host, port: this.boundPort });
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

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
