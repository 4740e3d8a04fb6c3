/**
 * Who may do what on the embedded broker. Three kinds of client:
 * - clients that log in with the broker's credentials (`mqtt.username`/`mqtt.password`, or the ones generated into
 *   dataDir: see store/broker-credentials.ts): Arrgus itself, Home Assistant. They may publish anywhere;
 * - anonymous clients, accepted only when no credentials are configured and the broker is on loopback (or
 *   `allowAnonymous`): they may subscribe to everything but not publish under the guarded prefixes (Arrgus's topic
 *   tree and the discovery prefix), except the exact topics left open (Home Assistant's birth message). So no one
 *   without the password can switch maintenance on, acknowledge everything, trigger notifications, say Arrgus is
 *   offline or add discovery configs. A refused publish ends the client's connection (MQTT 3.1.1 has no way to
 *   refuse one publish; aedes disconnects);
 * - clients with wrong credentials: refused.
 * `$SYS/` stays reserved for the broker, as in aedes's default.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Aedes, AuthenticateError, Client } from 'aedes';

export interface Credentials {
  username: string;
  password: string;
}

export interface AccessPolicy {
  /** Accepted logins (configured and generated credentials). */
  logins: Credentials[];
  /** Clients without credentials are accepted. */
  anonymous: boolean;
  /** Topics (and everything under them) anonymous clients may not publish to. */
  guarded: string[];
  /** Exact topics under `guarded` anonymous clients may still publish to. */
  open: string[];
  /** Told about each refused publish (the caller rate-limits its log). */
  onRefused?: (client: string, topic: string) => void;
}

export interface BrokerAccess {
  authenticate: Aedes['authenticate'];
  authorizePublish: Aedes['authorizePublish'];
}

export function brokerAccess(p: AccessPolicy): BrokerAccess {
  const logins = p.logins.map((c) => ({ user: Buffer.from(c.username), pass: Buffer.from(c.password) }));
  const trusted = new WeakSet<Client>();
  const refuse = (message: string): AuthenticateError =>
    Object.assign(new Error(message), { returnCode: 4 as const }) as AuthenticateError;
  const isGuarded = (topic: string) =>
    !p.open.includes(topic) && p.guarded.some((g) => topic === g || topic.startsWith(`${g}/`));
  return {
    authenticate(client, username, password, done) {
      if (username === undefined && password === undefined) {
        if (p.anonymous) done(null, true);
        else done(refuse('this broker needs a user name and password'), false);
        return;
      }
      const user = Buffer.from(username ?? '');
      const pass = password ?? Buffer.alloc(0);
      if (logins.some((l) => same(user, l.user) && same(pass, l.pass))) {
        trusted.add(client);
        done(null, true);
      } else done(refuse('bad user name or password'), false);
    },
    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith('$SYS/')) return done(new Error('$SYS/ topics are reserved'));
      // `client` is null only for a will left by a client of an earlier broker run: not trusted.
      if ((client && trusted.has(client)) || !isGuarded(packet.topic)) return done(null);
      p.onRefused?.(client?.id ?? '(unknown)', packet.topic);
      done(new Error(`anonymous clients may not publish to ${packet.topic}`));
    },
  };
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
