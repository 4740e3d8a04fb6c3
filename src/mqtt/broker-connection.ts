/**
 * The bridge's start-up choice of broker, kept apart from what the bridge does once connected: the user's `mqtt.url`,
 * else the Home Assistant Supervisor's broker, else the embedded aedes broker (started here). Returns the connection
 * unstarted, so the bridge can attach its handlers before the first `connect` fires.
 */
import type { Config } from '../config/schema.ts';
import type { CoreContext } from '../core/context.ts';
import type { Logger } from '../core/logger.ts';
import { registerSecret } from '../core/redact.ts';
import { brokerCredentialsFile, loadBrokerCredentials } from '../store/broker-credentials.ts';
import { BrokerConfigError, EmbeddedBroker } from './broker.ts';
import type { Credentials } from './broker-access.ts';
import { MqttConnection } from './client.ts';
import {
  announceMqtt,
  chooseBroker,
  fetchAddonSelf,
  fetchSupervisorMqtt,
  ingressPanelUrl,
  type SupervisorAccess,
} from './supervisor.ts';

export interface BrokerConnectionOptions {
  ctx: CoreContext;
  logger: Logger;
  /** Last will and clean-shutdown topic (`<base>/status`). */
  statusTopic: string;
  /** Supervisor access; `undefined`: from `SUPERVISOR_TOKEN` when set. `null` disables the lookup. */
  supervisor: SupervisorAccess | null | undefined;
  random?: () => number;
}

export interface BrokerConnection {
  connection: MqttConnection;
  /** The embedded broker when this run started one; the caller stops it after the connection. */
  broker: EmbeddedBroker | null;
  /** In the add-on: the panel through Home Assistant's ingress, for `configuration_url`. */
  panelUrl?: string;
}

/** Picks the broker, starts the embedded one if that is the choice, and builds the connection to it. */
export async function openBrokerConnection(o: BrokerConnectionOptions): Promise<BrokerConnection> {
  const { config, instanceId } = o.ctx;
  const m = config.mqtt;
  const access =
    o.supervisor === undefined
      ? process.env.SUPERVISOR_TOKEN
        ? { token: process.env.SUPERVISOR_TOKEN }
        : null
      : o.supervisor;
  const fromSupervisor = !m.url && access ? await fetchSupervisorMqtt(access, o.logger) : null;
  const choice = chooseBroker(m, fromSupervisor);
  let url: string;
  let creds: { username?: string; password?: string } = {};
  let broker: EmbeddedBroker | null = null;
  const self = access ? await fetchAddonSelf(access, o.logger) : null;
  if (choice.kind === 'embedded' && access && self) {
    // The add-on without the Mosquitto add-on: Home Assistant runs in another container, so the embedded broker
    // listens on the Supervisor network with credentials and is announced to Home Assistant.
    const c =
      m.username && m.password
        ? { username: m.username, password: m.password }
        : loadBrokerCredentials(o.ctx.config.dataDir);
    registerSecret(c.password);
    const embedded = await startEmbedded(o.ctx, o.logger, { host: '0.0.0.0', ...c });
    url = embedded.url;
    broker = embedded.broker;
    creds = c;
    if (broker) {
      const announced = await announceMqtt(access, { host: self.hostname, port: broker.port, ...c }, o.logger);
      if (announced)
        o.logger.info(
          `No Mosquitto add-on: Home Assistant was offered Arrgus's own broker (${self.hostname}:${broker.port}); accept it under Settings → Devices & services.`,
        );
    }
  } else if (choice.kind === 'embedded') {
    if (m.username && m.password) {
      const embedded = await startEmbedded(o.ctx, o.logger);
      url = embedded.url;
      broker = embedded.broker;
      creds = { username: m.username, password: m.password };
    } else {
      // No credentials configured: Arrgus (and Home Assistant, to press buttons) log in with generated ones; anonymous
      // clients may read everything but not publish under Arrgus's topics or the discovery prefix.
      const writer = loadBrokerCredentials(o.ctx.config.dataDir);
      registerSecret(writer.password);
      const embedded = await startEmbedded(o.ctx, o.logger, undefined, writer);
      url = embedded.url;
      broker = embedded.broker;
      creds = writer;
      if (broker)
        o.logger.info(
          `To publish to Arrgus's topics (Home Assistant's buttons and switches), log in to the embedded broker as ${writer.username} with the password in ${brokerCredentialsFile(o.ctx.config.dataDir)}.`,
        );
    }
  } else {
    url = choice.url;
    creds = {
      ...(choice.username ? { username: choice.username } : {}),
      ...(choice.password ? { password: choice.password } : {}),
    };
    if (choice.origin === 'supervisor') o.logger.info('Using the MQTT broker of Home Assistant (from the Supervisor).');
  }
  const connection = new MqttConnection(
    {
      url,
      ...creds,
      clientId: m.clientId ?? `arrgus_${instanceId}`,
      keepalive: m.keepalive,
      tls: tlsOptions(m.tls),
      will: { topic: o.statusTopic, payload: 'offline' },
      reconnectMin: m.reconnectMin,
      reconnectMax: m.reconnectMax,
      ...(o.random ? { random: o.random } : {}),
    },
    o.logger,
  );
  return { connection, broker, ...(self ? { panelUrl: ingressPanelUrl(self.slug) } : {}) };
}

/** Where Home Assistant's birth and last will go (`homeassistant.statusTopic`, else `<discovery prefix>/status`). */
export function homeAssistantStatusTopic(ha: Config['homeassistant']): string {
  return ha.statusTopic ?? `${ha.discoveryPrefix}/status`;
}

async function startEmbedded(
  ctx: CoreContext,
  logger: Logger,
  override?: { host: string; username: string; password: string },
  writer?: Credentials,
): Promise<{ url: string; broker: EmbeddedBroker | null }> {
  const { mqtt: m, homeassistant: ha } = ctx.config;
  const listen = override?.host ?? m.embedded.host;
  const username = override?.username ?? m.username;
  const password = override?.password ?? m.password;
  const broker = new EmbeddedBroker(
    {
      host: listen,
      port: m.embedded.port,
      allowAnonymous: override ? false : m.embedded.allowAnonymous,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(writer ? { writer, guarded: [m.baseTopic, ha.discoveryPrefix], open: [homeAssistantStatusTopic(ha)] } : {}),
    },
    logger.child('broker'),
  );
  const wildcard = listen === '0.0.0.0' || listen === '::';
  const host = wildcard ? '127.0.0.1' : listen.includes(':') ? `[${listen}]` : listen;
  try {
    await broker.start();
    return { url: `mqtt://${host}:${broker.port}`, broker };
  } catch (err) {
    if (err instanceof BrokerConfigError) throw err;
    // A port already taken is often another broker (Mosquitto): connect to it rather than give up.
    logger.warn('The embedded MQTT broker could not listen; connecting to whatever listens on its port.', {
      host: listen,
      port: m.embedded.port,
      error: err,
    });
    return { url: `mqtt://${host}:${m.embedded.port}`, broker: null };
  }
}

/** The TLS options of `mqtt.tls` for a connection (files named in the config, read by the connection). */
export function tlsOptions(t: Config['mqtt']['tls']) {
  return {
    rejectUnauthorized: t.rejectUnauthorized,
    ...(t.ca ? { ca: t.ca } : {}),
    ...(t.cert ? { cert: t.cert } : {}),
    ...(t.key ? { key: t.key } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
  };
}
