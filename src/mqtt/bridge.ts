/**
 * The MQTT component: keeps the connection, publishes Home Assistant discovery, states and events from the ports and
 * the bus, and routes commands. Ingestion never waits for it: everything here hangs off bus listeners and timers.
 * The parts live beside it: broker-connection.ts picks and starts the broker, discovery-sync.ts keeps the retained
 * discovery in step, command-handler.ts carries out commands, wire-events.ts turns bus events into publications.
 */
import type { Component, CoreContext } from '../core/context.ts';
import type { IssueService, MuteService, StatsService } from '../core/ports.ts';
import { levelAtLeast } from '../core/types.ts';
import { PublishedTopics } from '../store/published-topics.ts';
import type { EmbeddedBroker } from './broker.ts';
import { homeAssistantStatusTopic, openBrokerConnection } from './broker-connection.ts';
import type { MqttConnection } from './client.ts';
import { handleCommand } from './command-handler.ts';
import { DiscoverySync } from './discovery-sync.ts';
import { type OutboundMessage, Publisher } from './publisher.ts';
import { BRIDGE_KEY, NOTIFIERS_KEY, renderStates, sourceKeys } from './render-states.ts';
import { hasSessionSource, type SessionSummaries } from './session-states.ts';
import { SourceRegistry } from './source-registry.ts';
import type { NotifierHealth } from './states.ts';
import { StatusGuard } from './status-guard.ts';
import type { SupervisorAccess } from './supervisor.ts';
import { parseCommandTopic, type Topics, topics } from './topics.ts';
import { wireEvents } from './wire-events.ts';

export interface MqttBridgeDeps {
  ctx: CoreContext;
  issues: IssueService;
  mutes: MuteService;
  stats: StatsService;
  notifierHealth?: () => NotifierHealth[];
  sendTestNotification?: () => Promise<void>;
  /** The session tracker's summaries: media servers then publish their playbacks (`<base>/<slug>/sessions`). */
  sessions?: SessionSummaries;
  /** Supervisor access; default: `SUPERVISOR_TOKEN` from the environment when set. `null` disables the lookup. */
  supervisor?: SupervisorAccess | null;
  random?: () => number;
  /** AI analysis (src/ai), when enabled: the analyse button and command, and the top issue's `analysis` attribute. */
  ai?: {
    summary(issueId: string): string | undefined;
    analyze(issueId: string): { ok: boolean; message: string };
  };
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
  private readonly discovery: DiscoverySync;
  private readonly statusGuard: StatusGuard;
  /** Media servers whose playbacks something reported (a webhook without a secret counts once it delivers). */
  private readonly sessionsSeen = new Set<string>();

  constructor(deps: MqttBridgeDeps) {
    this.d = deps;
    this.t = topics(deps.ctx.config.mqtt.baseTopic);
    this.log = deps.ctx.logger.child('mqtt');
    this.sources = new SourceRegistry(deps.ctx.config.sources);
    this.discovery = new DiscoverySync({
      ctx: deps.ctx,
      topics: this.t,
      sources: this.sources,
      logger: this.log,
      notifierNames: () => deps.notifierHealth?.().map((n) => n.name) ?? [],
      testNotification: deps.sendTestNotification !== undefined,
      sessions: deps.sessions !== undefined,
      analyze: deps.ai !== undefined,
      persist: new PublishedTopics(deps.ctx.config.dataDir),
    });
    this.statusGuard = new StatusGuard({
      topic: this.t.status,
      publishOnline: () => this.connection?.publish(this.t.status, 'online', true),
      logger: this.log,
      now: () => deps.ctx.clock.now(),
    });
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
    const { config, clock } = this.d.ctx;
    const m = config.mqtt;
    if (!m.enabled) {
      this.log.info('MQTT is off (mqtt.enabled: false); nothing is published.');
      return;
    }
    this.startedAt = clock.now();
    const { connection, broker, panelUrl } = await openBrokerConnection({
      ctx: this.d.ctx,
      logger: this.log,
      statusTopic: this.t.status,
      supervisor: this.d.supervisor,
      ...(this.d.random ? { random: this.d.random } : {}),
    });
    this.broker = broker;
    this.connection = connection;
    if (panelUrl) this.discovery.panelUrl = panelUrl;
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
      sessions: this.d.sessions !== undefined,
      privacy: config.homeassistant.privacy,
    });
    const publisher = this.publisher;
    const offAnalysis = this.d.ctx.bus.on('analysis', 'mqtt', (e) =>
      publisher.markDirty(...e.sources.map((s) => `src:${s}`)),
    );
    const unwireEvents = this.unwire;
    this.unwire = () => {
      unwireEvents();
      offAnalysis();
    };
    this.tick = setInterval(() => this.refresh(), m.stateInterval);
    this.tick.unref();
    await connection.start();
  }

  async stop(): Promise<void> {
    this.statusGuard.stop();
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

  private haStatusTopic(): string {
    return homeAssistantStatusTopic(this.d.ctx.config.homeassistant);
  }

  private async onConnected(first: boolean): Promise<void> {
    const c = this.connection;
    const p = this.publisher;
    if (!c || !p) return;
    c.publish(this.t.status, 'online', true);
    this.statusGuard.start();
    await c.subscribe([this.haStatusTopic(), this.t.status, ...this.t.commandFilters]);
    if (first) await this.discovery.clearStale(c, p);
    this.publishDiscovery(true);
    p.resetSent();
    p.flushNow(this.allKeys(), true);
  }

  private allKeys(): string[] {
    const sessions = this.d.sessions !== undefined;
    return [BRIDGE_KEY, NOTIFIERS_KEY, ...this.sources.list().flatMap((s) => sourceKeys(s.name, s.app, sessions))];
  }

  /** Publishes every config (all of them when `all`, else only the new ones, then their states). Off: nothing. */
  private publishDiscovery(all = false): void {
    if (!this.discovery.enabled || !this.connection) return;
    this.discovery.publish(this.connection, all);
    if (!all) this.publisher?.flushNow(this.allKeys());
  }

  private onMessage(topic: string, payload: string, retain: boolean): void {
    if (topic === this.t.status) {
      this.statusGuard.seen(payload);
      return;
    }
    if (topic === this.haStatusTopic()) {
      // A retained birth is an old one: we published everything on connecting already.
      if (!retain && payload.trim() === 'online') this.onHomeAssistantBirth();
      return;
    }
    if (!parseCommandTopic(this.t.base, topic)) return;
    handleCommand(
      {
        topics: this.t,
        sources: this.sources,
        issues: this.d.issues,
        mutes: this.d.mutes,
        clock: this.d.ctx.clock,
        logger: this.log,
        ...(this.d.sendTestNotification ? { sendTestNotification: this.d.sendTestNotification } : {}),
        ...(this.d.ai ? { analyze: this.d.ai.analyze } : {}),
        respond: (t, body) => this.connection?.publish(t, body, false),
        flush: (keys) => this.publisher?.flushNow(keys),
      },
      topic,
      payload,
      retain,
    );
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

  /** Periodic refresh: new sources, rolling counts, freshness, uptime, notifier health, failures ageing out. */
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
      ...(this.d.sessions ? { sessions: this.d.sessions } : {}),
      ...(this.d.ai ? { analysis: this.d.ai.summary } : {}),
      sessionsTracked: (name, summary) => {
        if (summary.active > 0 || summary.failedLastHour > 0) this.sessionsSeen.add(name);
        return this.sessionsSeen.has(name) || hasSessionSource(this.d.ctx.config.sources, name);
      },
      sources: this.sources,
      privacy: this.d.ctx.config.homeassistant.privacy,
      topics: this.t,
      version: this.d.ctx.version,
      instanceId: this.d.ctx.instanceId,
      startedAt: this.startedAt,
      now: this.d.ctx.clock.now(),
    });
  }
}
