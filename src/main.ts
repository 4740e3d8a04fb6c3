/**
 * The composition root (house rule 1): builds every component from the loaded configuration with one context object,
 * and owns the start/stop order. The hot path is plain calls — file → assembler → `detector.process` → store — and
 * everything slow (notifications, MQTT, the web) listens on the bus.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AiService } from './ai/service.ts';
import type { LoadedConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { EventBus } from './core/bus.ts';
import { type Clock, systemClock } from './core/clock.ts';
import type { Component, CoreContext } from './core/context.ts';
import type { ArrgusEvents } from './core/events.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { redactRecord } from './core/redact.ts';
import type { LogRecord } from './core/types.ts';
import { Detector } from './detect/detector.ts';
import { MetricsCollector } from './metrics/collector.ts';
import { MqttBridge } from './mqtt/bridge.ts';
import { BrokerConfigError } from './mqtt/broker.ts';
import type { SupervisorAccess } from './mqtt/supervisor.ts';
import { NotifyDispatcher } from './notify/dispatcher.ts';
import { serviceHealth } from './service-health.ts';
import { serviceWebApp } from './service-web.ts';
import { SessionTracker } from './sessions/tracker.ts';
import { ApiPollers } from './sources/api-pollers.ts';
import type { LocationRoots } from './sources/default-locations.ts';
import { Ingestion } from './sources/ingestion.ts';
import { SourceStatsTracker } from './sources/source-stats.ts';
import { WebhookReceiver } from './sources/webhooks.ts';
import { type Database, openDatabase } from './store/db.ts';
import { History } from './store/history.ts';
import { loadInstanceId } from './store/instance-id.ts';
import { Outbox, type OutboxStatus } from './store/outbox.ts';
import { Retention } from './store/retention.ts';
import { StateStore } from './store/state.ts';
import type { HealthReport } from './web/app.ts';
import { WebServer } from './web/server.ts';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
  /** Default-location roots for discovery (tests). */
  defaultRoots?: LocationRoots;
  /** The Home Assistant Supervisor (tests point it at a fake); `null` disables it; default: from `SUPERVISOR_TOKEN`. */
  supervisor?: SupervisorAccess | null;
  /** Where each configuration value came from (the panel's settings page); from `loadConfig`. */
  origins?: Readonly<Record<string, string>>;
}

/** Everything `arrgus run` builds, in start order. */
export class Service {
  readonly ctx: CoreContext;
  readonly db: Database;
  readonly state: StateStore;
  readonly detector: Detector;
  readonly stats: SourceStatsTracker;
  readonly notify: NotifyDispatcher;
  readonly ingestion: Ingestion;
  readonly mqtt: MqttBridge;
  readonly sessions: SessionTracker;
  readonly apiPollers: ApiPollers;
  readonly webhooks: WebhookReceiver;
  readonly web: WebServer;
  /** AI root-cause analysis; undefined unless `ai.enabled`. */
  readonly ai: AiService | undefined;
  /** Issue timelines and the alert log (SQLite). */
  readonly history: History;
  /** Nightly deletion of old lines from the log store. */
  readonly retention: Retention;
  readonly metrics: MetricsCollector;
  private readonly started: Component[] = [];
  private readonly startedAt: number;

  constructor(config: Config, opts: ServiceOptions = {}) {
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? createLogger('arrgus', { level: config.log.level, format: config.log.format });
    this.ctx = {
      config,
      logger,
      bus: new EventBus<ArrgusEvents>(logger.child('bus')),
      clock,
      instanceId: loadInstanceId(config.dataDir, config.instanceId),
      version: VERSION,
    };
    this.startedAt = clock.now();
    this.db = openDatabase(join(config.dataDir, 'arrgus.db'));
    this.state = new StateStore({ dir: config.dataDir, logger: logger.child('state'), clock });
    this.detector = new Detector(this.ctx, { state: this.state });
    this.stats = new SourceStatsTracker(clock);
    const outbox = new Outbox(this.db);
    this.notify = new NotifyDispatcher({
      ctx: this.ctx,
      mute: this.detector.mutes,
      outbox,
      analysis: (id) => this.ai?.summary(id),
    });
    const detector = this.detector;
    const bus = this.ctx.bus;
    this.ingestion = new Ingestion(this.ctx, {
      db: this.db,
      process: (record: LogRecord) => {
        // Apps log URLs with tokens in clear (Plex `X-Plex-Token=`, Jellyfin `api_key=`): mask before anything keeps it.
        redactRecord(record);
        // Ingestion puts the record on the bus; the issue id goes into the store with the line.
        return detector.process(record);
      },
      stats: this.stats,
      // Notifications are committed before the positions of the lines that caused them.
      beforeCommit: () => this.notify.flush(),
      ...(opts.defaultRoots ? { defaultRoots: opts.defaultRoots } : {}),
    });
    this.sessions = new SessionTracker({
      clock,
      logger: logger.child('sessions'),
      issues: this.detector,
      emit: (e) => bus.emit('session', e),
    });
    this.apiPollers = new ApiPollers(this.ctx, { issues: this.detector, tracker: this.sessions });
    const apiPollers = this.apiPollers;
    this.webhooks = new WebhookReceiver({
      clock,
      logger: logger.child('webhooks'),
      tracker: this.sessions,
      issues: this.detector,
      poke: (source) => apiPollers.poke(source),
    });
    const notify = this.notify;
    const ai = config.ai.enabled
      ? new AiService({
          config: config.ai,
          salt: this.ctx.instanceId,
          clock,
          logger: logger.child('ai'),
          issues: this.detector,
          stats: this.stats,
          apiStatus: () => apiPollers.status(),
          state: this.state,
          bus,
          storedAround: (id, sample) => {
            const around = this.ingestion.records.around({ ...sample, issue: id }, 4, 4);
            // One line per record: its first line is what a reader scans for.
            const line = (r: { raw: string }) => r.raw.split('\n', 1)[0] ?? '';
            return { before: around.before.map(line), after: around.after.map(line) };
          },
        })
      : undefined;
    this.ai = ai;
    this.mqtt = new MqttBridge({
      ctx: this.ctx,
      issues: this.detector,
      mutes: this.detector.mutes,
      stats: this.stats,
      sessions: this.sessions,
      notifierHealth: () =>
        notify.health().map((h) => ({
          name: h.name,
          ok: h.healthy,
          pending: h.queued,
          ...(h.lastError ? { lastError: h.lastError } : {}),
          ...(h.lastSuccessAt ? { lastSuccessAt: h.lastSuccessAt } : {}),
          ...(h.lastAttemptAt && !h.healthy ? { lastFailureAt: h.lastAttemptAt } : {}),
        })),
      sendTestNotification: async () => {
        for (const name of notify.targetNames()) await notify.test(name);
      },
      ...(opts.supervisor !== undefined ? { supervisor: opts.supervisor } : {}),
      ...(ai ? { ai: { summary: (id) => ai.summary(id), analyze: (id) => ai.command(id) } } : {}),
    });
    const writer = this.ingestion.writer;
    this.history = new History(this.db, (sql, args) => writer.exec(sql, args));
    this.retention = new Retention(this.ctx, { db: this.db, writer: this.ingestion.writer });
    const dbPath = join(config.dataDir, 'arrgus.db');
    this.metrics = new MetricsCollector(this.ctx, {
      stats: () => this.stats.all(),
      openIssues: () => this.detector.list({ status: ['open', 'acknowledged'] }),
      activeAlerts: () => this.detector.activeAlerts().length,
      notifiers: () => this.notify.health(),
      deliveries: (target, status) => outbox.count(target, status as OutboxStatus),
      storeFiles: () => [dbPath, `${dbPath}-wal`],
      tailLag: () => this.ingestion.tailLag(),
      mqttConnected: () => (config.mqtt.enabled ? (this.mqtt.mqtt?.connected ?? false) : null),
      startedAt: this.startedAt,
    });
    const app = serviceWebApp(this, { health: () => this.health(), origins: opts.origins });
    this.web = new WebServer(this.ctx, app);
  }

  /** Starts every component in order; on failure stops what started and rethrows. */
  async start(): Promise<void> {
    const log = this.ctx.logger;
    log.info(
      `Arrgus ${VERSION} starting (instance ${this.ctx.instanceId}, data in ${resolve(this.ctx.config.dataDir)}).`,
    );
    await this.state.load();
    const webhooks = this.webhooks;
    const history = this.history;
    const detector = this.detector;
    const order: Component[] = [
      this.metrics,
      this.detector,
      {
        name: 'history',
        start: () => {
          history.migrate();
          history.attach(this.ctx.bus);
          history.seedAlerts(detector.activeAlerts());
        },
        stop: () => history.detach(),
      },
      this.notify,
      this.ingestion,
      this.retention,
      this.apiPollers,
      { name: 'webhooks', start: () => webhooks.start(), stop: () => webhooks.stop() },
      this.mqtt,
    ];
    if (this.ai) order.push(this.ai);
    if (this.ctx.config.web.enabled) order.push(this.web);
    try {
      for (const c of order) {
        await c.start();
        this.started.push(c);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    log.info('Arrgus is running.');
  }

  /** Stops in reverse order; each component's failure is logged and the others still stop. */
  async stop(): Promise<void> {
    const log = this.ctx.logger;
    while (this.started.length) {
      const c = this.started.pop() as Component;
      try {
        await c.stop();
      } catch (err) {
        log.warn(`Component ${c.name} did not stop cleanly.`, { error: err });
      }
    }
    try {
      await this.state.close();
    } catch (err) {
      log.warn('The state file could not be written on shutdown.', { error: err });
    }
    if (this.db.isOpen) this.db.close();
  }

  health(): HealthReport {
    return serviceHealth(this, VERSION, this.startedAt);
  }
}

/** `arrgus run`: start, then stop cleanly on SIGINT/SIGTERM. Resolves with the process exit code. */
export async function startService(loaded: LoadedConfig): Promise<number> {
  const service = new Service(loaded.config, loaded.origins ? { origins: loaded.origins } : {});
  const log = service.ctx.logger;
  log.info(`Configuration: ${loaded.layers.join(' + ')}.`);
  try {
    await service.start();
  } catch (err) {
    if (err instanceof BrokerConfigError) {
      log.error(`Invalid MQTT configuration: ${err.message}`);
      return 2;
    }
    log.error(`Arrgus could not start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log.info(`Received ${signal}; stopping.`);
      service.stop().then(
        () => resolve(0),
        (err: unknown) => {
          log.error('Arrgus did not stop cleanly.', { error: err });
          resolve(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
