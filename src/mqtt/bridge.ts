/**
 * The MQTT component: picks the broker (user URL, Supervisor, embedded), keeps the connection, publishes Home
 * Assistant discovery, states and events from the ports and the bus, and carries out commands. Ingestion never waits
 * for it: everything here hangs off bus listeners and timers.
 */
import { hostname } from 'node:os';
import type { Component, CoreContext } from '../core/context.ts';
import type { IssueService, MuteService, StatsService } from '../core/ports.ts';
import { levelAtLeast } from '../core/types.ts';
import { BrokerConfigError, EmbeddedBroker } from './broker.ts';
import { MqttConnection } from './client.ts';
import { parseCommand, runCommand } from './commands.ts';
import { buildDiscovery, type DiscoveryMessage, isOwnConfig, ownConfigFilter } from './discovery.ts';
import { type OutboundMessage, Publisher } from './publisher.ts';
import { BRIDGE_KEY, NOTIFIERS_KEY, renderStates } from './render-states.ts';
import { collectRetained } from './retained.ts';
import { SourceRegistry } from './source-registry.ts';
import { chooseBroker, fetchSupervisorMqtt, type SupervisorAccess } from './supervisor.ts';
import { BRIDGE, parseCommandTopic, type Topics, topics } from './topics.ts';
import { wireEvents } from './wire-events.ts';

/** Health of one notification target, for its diagnostic entity. */
export interface NotifierHealth {
  name: string;
  ok: boolean;
  lastError?: string;
  lastSuccessAt?: number;
  lastFailureAt?: number;
  pending?: number;
}

export interface MqttBridgeDeps {
  ctx: CoreContext;
  issues: IssueService;
  mutes: MuteService;
  stats: StatsService;
  notifierHealth?: () => NotifierHealth[];
  sendTestNotification?: () => Promise<void>;
  /** Supervisor access; default: `SUPERVISOR_TOKEN` from the environment when set. `null` disables the lookup. */
  supervisor?: SupervisorAccess | null;
  random?: () => number;
}

export class MqttBridge implements Component {
  readonly name = 'mqtt';
  private readonly d: MqttBridgeDeps;
  private readonly t: Topics;
  private readonly log;
  private readonly sources: SourceRegistry;
  private connection: MqttConnection | null = null;
  private broker: EmbeddedBroker | null = null;
  private publisher: Publisher | null = null;
  private startedAt = 0;
  private tick: NodeJS.Timeout | null = null;
  private birthTimer: NodeJS.Timeout | null = null;
  private unwire: (() => void) | null = null;
  private publishedConfigs = new Set<string>();

  constructor(deps: MqttBridgeDeps) {
    this.d = deps;
    this.t = topics(deps.ctx.config.mqtt.baseTopic);
    this.log = deps.ctx.logger.child('mqtt');
    this.sources = new SourceRegistry(deps.ctx.config.sources);
  }

  get topics(): Topics {
    return this.t;
  }

  /** Counters of what was published (bench, debug). */
  get counts(): Publisher['counts'] | undefined {
    return this.publisher?.counts;
  }

  /** The connection, for tests that wait on it. */
  get mqtt(): MqttConnection | null {
    return this.connection;
  }

  /** The embedded broker's bound port, when it runs. */
  get embeddedPort(): number | undefined {
    return this.broker?.port;
  }

  async start(): Promise<void> {
    const { config, clock, instanceId } = this.d.ctx;
    const m = config.mqtt;
    if (!m.enabled) {
      this.log.info('MQTT is off (mqtt.enabled: false); nothing is published.');
      return;
    }
    this.startedAt = clock.now();
    const access =
      this.d.supervisor === undefined
        ? process.env.SUPERVISOR_TOKEN
          ? { token: process.env.SUPERVISOR_TOKEN }
          : null
        : this.d.supervisor;
    const fromSupervisor = !m.url && access ? await fetchSupervisorMqtt(access, this.log) : null;
    const choice = chooseBroker(m, fromSupervisor);
    let url: string;
    let creds: { username?: string; password?: string } = {};
    if (choice.kind === 'embedded') {
      url = await this.startEmbedded();
      creds = { ...(m.username ? { username: m.username } : {}), ...(m.password ? { password: m.password } : {}) };
    } else {
      url = choice.url;
      creds = {
        ...(choice.username ? { username: choice.username } : {}),
        ...(choice.password ? { password: choice.password } : {}),
      };
      if (choice.origin === 'supervisor')
        this.log.info('Using the MQTT broker of Home Assistant (from the Supervisor).');
    }
    const connection = new MqttConnection(
      {
        url,
        ...creds,
        clientId: m.clientId ?? `arrgus_${instanceId}`,
        keepalive: m.keepalive,
        tls: {
          rejectUnauthorized: m.tls.rejectUnauthorized,
          ...(m.tls.ca ? { ca: m.tls.ca } : {}),
          ...(m.tls.cert ? { cert: m.tls.cert } : {}),
          ...(m.tls.key ? { key: m.tls.key } : {}),
          ...(m.tls.servername ? { servername: m.tls.servername } : {}),
        },
        will: { topic: this.t.status, payload: 'offline' },
        reconnectMin: m.reconnectMin,
        reconnectMax: m.reconnectMax,
        ...(this.d.random ? { random: this.d.random } : {}),
      },
      this.log,
    );
    this.connection = connection;
    this.publisher = new Publisher({
      send: (topic, payload, retain) => connection.publish(topic, payload, retain),
      render: (keys) => this.render(keys),
      now: () => clock.now(),
      minStateInterval: m.minStateInterval,
      eventBurst: m.eventBurst,
      eventsPerMinute: m.eventsPerMinute,
      logger: this.log,
    });
    this.sources.refresh(this.d.stats.all());
    connection.onConnect((first) => this.onConnected(first));
    connection.onMessage((msg) => this.onMessage(msg.topic, msg.payload, msg.retain));
    this.unwire = wireEvents({
      bus: this.d.ctx.bus,
      publisher: this.publisher,
      topics: this.t,
      sources: this.sources,
      mutes: this.d.mutes,
      onNewSource: () => this.publishDiscovery(),
      isLoud: (level) => levelAtLeast(level, 'warn'),
    });
    this.tick = setInterval(() => this.refresh(), m.stateInterval);
    this.tick.unref();
    await connection.start();
  }

  async stop(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    if (this.birthTimer) clearTimeout(this.birthTimer);
    this.tick = null;
    this.birthTimer = null;
    this.unwire?.();
    this.unwire = null;
    this.publisher?.stop();
    try {
      await this.connection?.stop({ topic: this.t.status, payload: 'offline' });
    } catch (err) {
      this.log.warn('Could not say goodbye to the MQTT broker; its last will says offline instead.', { error: err });
    }
    this.connection = null;
    await this.broker?.stop();
    this.broker = null;
  }

  private async startEmbedded(): Promise<string> {
    const { mqtt: m } = this.d.ctx.config;
    const broker = new EmbeddedBroker(
      {
        host: m.embedded.host,
        port: m.embedded.port,
        allowAnonymous: m.embedded.allowAnonymous,
        ...(m.username ? { username: m.username } : {}),
        ...(m.password ? { password: m.password } : {}),
      },
      this.log.child('broker'),
    );
    const wildcard = m.embedded.host === '0.0.0.0' || m.embedded.host === '::';
    const host = wildcard ? '127.0.0.1' : m.embedded.host.includes(':') ? `[${m.embedded.host}]` : m.embedded.host;
    try {
      await broker.start();
      this.broker = broker;
      return `mqtt://${host}:${broker.port}`;
    } catch (err) {
      if (err instanceof BrokerConfigError) throw err;
      // A port already taken is often another broker (Mosquitto): connect to it rather than give up.
      this.log.warn('The embedded MQTT broker could not listen; connecting to whatever listens on its port.', {
        host: m.embedded.host,
        port: m.embedded.port,
        error: err,
      });
      return `mqtt://${host}:${m.embedded.port}`;
    }
  }

  private haStatusTopic(): string {
    const ha = this.d.ctx.config.homeassistant;
    return ha.statusTopic ?? `${ha.discoveryPrefix}/status`;
  }

  private async onConnected(first: boolean): Promise<void> {
    const c = this.connection;
    const p = this.publisher;
    if (!c || !p) return;
    c.publish(this.t.status, 'online', true);
    await c.subscribe([this.haStatusTopic(), ...this.t.commandFilters]);
    if (first) await this.clearStale();
    this.publishDiscovery(true);
    p.resetSent();
    p.flushNow(this.allKeys(), true);
  }

  private allKeys(): string[] {
    return [BRIDGE_KEY, NOTIFIERS_KEY, ...this.sources.list().flatMap((s) => [`src:${s.name}`, `avail:${s.name}`])];
  }

  private discoveryMessages(): DiscoveryMessage[] {
    const { config, instanceId, version } = this.d.ctx;
    const web = config.web;
    const host = web.host === '0.0.0.0' || web.host === '::' ? hostname() : web.host;
    const panelUrl = web.publicUrl ?? (web.enabled ? `http://${host}:${web.port}` : undefined);
    return buildDiscovery({
      prefix: config.homeassistant.discoveryPrefix,
      topics: this.t,
      instanceId,
      version,
      ...(panelUrl ? { panelUrl } : {}),
      sources: this.sources.list(),
      notifiers: this.sources.notifierSlugs(this.d.notifierHealth?.().map((n) => n.name) ?? []),
      testNotification: this.d.sendTestNotification !== undefined,
    });
  }

  /** Publishes every config (all of them when `all`, else only the ones not yet sent). Off: nothing. */
  private publishDiscovery(all = false): void {
    if (!this.d.ctx.config.homeassistant.discovery || !this.connection) return;
    for (const msg of this.discoveryMessages()) {
      if (!all && this.publishedConfigs.has(msg.topic)) continue;
      if (this.connection.publish(msg.topic, JSON.stringify(msg.payload), true)) this.publishedConfigs.add(msg.topic);
    }
    if (!all) this.publisher?.flushNow(this.allKeys());
  }

  /**
   * Removes what an earlier run left behind: retained configs of this instance that the current configuration no
   * longer produces (a removed source, a removed notifier, or all of them when discovery was turned off) and the
   * retained states of sources that are gone.
   */
  private async clearStale(): Promise<void> {
    const c = this.connection;
    const p = this.publisher;
    if (!c || !p) return;
    const { config, instanceId } = this.d.ctx;
    const prefix = config.homeassistant.discoveryPrefix;
    const expected = this.discoveryMessages();
    const keep = new Set(config.homeassistant.discovery ? expected.map((m) => m.topic) : []);
    const found = await collectRetained(c, [
      ownConfigFilter(prefix, instanceId),
      `${this.t.base}/+/state`,
      `${this.t.base}/+/availability`,
    ]);
    const liveSlugs = new Set([BRIDGE, ...this.sources.list().map((s) => s.slug)]);
    let removed = 0;
    for (const [topic, payload] of found) {
      const isConfig = topic.startsWith(`${prefix}/`);
      const stale = isConfig
        ? !keep.has(topic) && isOwnConfig(topic, payload, prefix, instanceId)
        : !liveSlugs.has(topic.slice(this.t.base.length + 1).split('/')[0] ?? '');
      if (stale) {
        p.clear(topic);
        removed++;
      }
    }
    // With discovery off, Home Assistant may still hold entities from a broker that has since forgotten its retained
    // configs (the embedded one forgets on restart): empty configs for everything we would publish remove them.
    if (!config.homeassistant.discovery) for (const m of expected) if (!found.has(m.topic)) p.clear(m.topic);
    if (removed) this.log.info(`Removed ${removed} retained MQTT topics left over from an earlier configuration.`);
  }

  private onMessage(topic: string, payload: string, retain: boolean): void {
    if (topic === this.haStatusTopic()) {
      // A retained birth is an old one: we published everything on connecting already.
      if (!retain && payload.trim() === 'online') this.onHomeAssistantBirth();
      return;
    }
    if (parseCommandTopic(this.t.base, topic)) this.onCommand(topic, payload, retain);
  }

  private onHomeAssistantBirth(): void {
    if (this.birthTimer) return;
    const max = this.d.ctx.config.homeassistant.birthDelay;
    const delay = Math.round((this.d.random ?? Math.random)() * max);
    this.log.info('Home Assistant started; republishing discovery and states shortly.', { delayMs: delay });
    this.birthTimer = setTimeout(() => {
      this.birthTimer = null;
      this.publishDiscovery(true);
      this.publisher?.resetSent();
      this.publisher?.flushNow(this.allKeys(), true);
    }, delay);
  }

  private onCommand(topic: string, payload: string, retain: boolean): void {
    if (retain) {
      this.log.warn(
        'Ignored a retained MQTT command: commands must not be retained (it would replay on every reconnection).',
        { topic },
      );
      return;
    }
    const parsed = parseCommand(this.t.base, topic, payload, this.sources.bySlug());
    const command = topic.slice(this.t.base.length + 1);
    const respond = (ok: boolean, message: string): void => {
      this.connection?.publish(
        this.t.bridgeResponse,
        JSON.stringify({ command, ok, message, at: new Date(this.d.ctx.clock.now()).toISOString() }),
        false,
      );
    };
    if (!parsed.ok) {
      this.log.warn('Rejected an MQTT command.', { topic, reason: parsed.error });
      respond(false, parsed.error);
      return;
    }
    runCommand(parsed.command, {
      issues: this.d.issues,
      mutes: this.d.mutes,
      now: () => this.d.ctx.clock.now(),
      ...(this.d.sendTestNotification ? { sendTestNotification: this.d.sendTestNotification } : {}),
    }).then(
      (r) => {
        this.log.info(`MQTT command: ${r.message}`, { topic });
        respond(r.ok, r.message);
        const keys = new Set<string>([BRIDGE_KEY]);
        for (const s of r.changed) {
          if (s === null) for (const x of this.sources.list()) keys.add(`src:${x.name}`);
          else keys.add(`src:${s}`);
        }
        this.publisher?.flushNow(keys);
      },
      (err: unknown) => {
        this.log.warn('An MQTT command failed.', { topic, error: err });
        respond(false, err instanceof Error ? err.message : String(err));
      },
    );
  }

  /** Periodic refresh: new sources, rolling counts, freshness, uptime, notifier health. */
  private refresh(): void {
    if (this.sources.refresh(this.d.stats.all())) this.publishDiscovery();
    this.publisher?.markDirty(...this.allKeys().filter((k) => !k.startsWith('avail:')));
  }

  private render(keys: ReadonlySet<string>): OutboundMessage[] {
    return renderStates(keys, {
      issues: this.d.issues,
      mutes: this.d.mutes,
      stats: this.d.stats,
      ...(this.d.notifierHealth ? { notifierHealth: this.d.notifierHealth } : {}),
      sources: this.sources,
      topics: this.t,
      version: this.d.ctx.version,
      instanceId: this.d.ctx.instanceId,
      startedAt: this.startedAt,
      now: this.d.ctx.clock.now(),
    });
  }
}
