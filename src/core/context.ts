/**
 * The one context object every long-lived component receives (house rule 1). main.ts builds it; tests build small
 * ones with `testContext()`.
 */
import type { Config } from '../config/schema.ts';
import type { EventBus } from './bus.ts';
import type { Clock } from './clock.ts';
import type { ArrgusEvents } from './events.ts';
import type { Logger } from './logger.ts';

export interface CoreContext {
  config: Config;
  logger: Logger;
  bus: EventBus<ArrgusEvents>;
  clock: Clock;
  /** Stable id of this instance: MQTT unique ids, client ids. */
  instanceId: string;
  version: string;
}

/** Long-lived parts have start()/stop(); stop() releases timers, watchers, sockets and listeners. */
export interface Component {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}
