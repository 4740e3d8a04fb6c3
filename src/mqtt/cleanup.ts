/**
 * `arrgus ha-cleanup`: removes everything this Arrgus instance ever published. Retained configs are found by reading
 * the whole discovery prefix and keeping the ones whose node id or device is this instance's (never another
 * instance's, never another program's); every retained topic under the base topic goes too. Configs the current
 * configuration would publish are emptied as well, so Home Assistant drops entities even when the broker has already
 * forgotten them. Home Assistant removes an entity when its config becomes an empty retained message.
 */
import type { Config } from '../config/schema.ts';
import type { Logger } from '../core/logger.ts';
import { readBrokerCredentials } from '../store/broker-credentials.ts';
import { tlsOptions } from './broker-connection.ts';
import { MqttConnection, safeUrl } from './client.ts';
import { buildDiscovery, isOwnConfig } from './discovery.ts';
import { collectRetained } from './retained.ts';
import { SourceRegistry } from './source-registry.ts';
import { chooseBroker, fetchSupervisorMqtt, type SupervisorAccess } from './supervisor.ts';
import { topics } from './topics.ts';

export interface CleanupOptions {
  config: Config;
  instanceId: string;
  version: string;
  logger: Logger;
  supervisor?: SupervisorAccess | null;
  /** How long to wait for the broker's retained messages to stop arriving. */
  quietMs?: number;
  connectTimeoutMs?: number;
}

export interface CleanupResult {
  /** Retained topics that were found and emptied. */
  removed: string[];
  /** Configs emptied because this configuration would publish them, though the broker no longer held them. */
  emptied: number;
  broker: string;
}

export async function haCleanup(o: CleanupOptions): Promise<CleanupResult> {
  const m = o.config.mqtt;
  const ha = o.config.homeassistant;
  const timeoutMs = o.connectTimeoutMs ?? 10_000;
  const log = o.logger.child('mqtt:cleanup');
  const access =
    o.supervisor === undefined
      ? process.env.SUPERVISOR_TOKEN
        ? { token: process.env.SUPERVISOR_TOKEN }
        : null
      : o.supervisor;
  const choice = chooseBroker(m, !m.url && access ? await fetchSupervisorMqtt(access, log) : null);
  const host = m.embedded.host === '0.0.0.0' || m.embedded.host === '::' ? '127.0.0.1' : m.embedded.host;
  const url = choice.kind === 'external' ? choice.url : `mqtt://${host}:${m.embedded.port}`;
  // The embedded broker without configured credentials lets only its generated login publish under Arrgus's topics.
  const generated = choice.kind === 'external' || m.password ? undefined : readBrokerCredentials(o.config.dataDir);
  const username = choice.kind === 'external' ? choice.username : (generated?.username ?? m.username);
  const password = choice.kind === 'external' ? choice.password : (generated?.password ?? m.password);
  // The connection's own retry warnings ("Arrgus keeps running and retries") mean nothing to a one-shot command: the
  // first failure ends it, with one sentence saying what to do.
  let fail: (reason: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    fail = resolve;
  });
  const quiet: Logger = {
    debug: () => {},
    info: (msg, fields) => log.debug(msg, fields),
    warn: (_msg, fields) => fail(String(fields?.error ?? _msg)),
    error: (msg, fields) => fail(`${msg.replace(/\.$/, '')} (${String(fields?.error ?? '')})`),
    child: () => quiet,
  };
  const connection = new MqttConnection(
    {
      url,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      clientId: `arrgus_${o.instanceId}_cleanup`,
      keepalive: m.keepalive,
      tls: tlsOptions(m.tls),
      reconnectMin: 1000,
      reconnectMax: 2000,
    },
    quiet,
  );
  const connected = new Promise<null>((resolve) => connection.onConnect(() => resolve(null)));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
  });
  await connection.start();
  try {
    const problem = await Promise.race([connected, failed, timedOut]);
    clearTimeout(timer);
    if (problem !== null) {
      throw new Error(
        choice.kind === 'embedded'
          ? `cannot reach the embedded broker at ${safeUrl(url)} (${problem}): it only runs inside Arrgus. Run ha-cleanup while Arrgus runs, or set homeassistant.discovery: false and restart Arrgus, which removes its entities itself`
          : `cannot reach the MQTT broker at ${safeUrl(url)}: ${problem}. Check mqtt.url, mqtt.username and mqtt.password, and that the broker runs`,
      );
    }
    const base = topics(m.baseTopic);
    const found = await collectRetained(connection, [`${ha.discoveryPrefix}/#`, `${m.baseTopic}/#`], {
      quietMs: o.quietMs ?? 500,
      maxMs: 15_000,
    });
    const removed: string[] = [];
    for (const [topic, payload] of found) {
      const own = topic.startsWith(`${m.baseTopic}/`)
        ? true
        : isOwnConfig(topic, payload, ha.discoveryPrefix, o.instanceId);
      if (own) {
        connection.publish(topic, '', true);
        removed.push(topic);
      }
    }
    const registry = new SourceRegistry(o.config.sources);
    const expected = buildDiscovery({
      prefix: ha.discoveryPrefix,
      topics: base,
      instanceId: o.instanceId,
      version: o.version,
      sources: registry.list(),
      notifiers: registry.notifierSlugs(o.config.notify.map((n) => n.name)),
      testNotification: true,
    });
    let emptied = 0;
    for (const msg of expected) {
      if (found.has(msg.topic)) continue;
      connection.publish(msg.topic, '', true);
      emptied++;
    }
    log.info(`Removed ${removed.length} retained topics of this Arrgus instance from ${safeUrl(url)}.`, { emptied });
    return { removed: removed.sort(), emptied, broker: safeUrl(url) };
  } finally {
    clearTimeout(timer);
    await connection.stop();
  }
}
