/** Helpers for tests: a small context with a manual clock and an in-memory logger. */
import { validateConfig } from '../config/load.ts';
import type { ConfigInput } from '../config/schema.ts';
import { EventBus } from './bus.ts';
import { ManualClock } from './clock.ts';
import type { CoreContext } from './context.ts';
import type { ArrgusEvents } from './events.ts';
import { memoryLogger } from './logger.ts';

export function testContext(config: ConfigInput = {}, start = Date.UTC(2026, 0, 1)) {
  const logger = memoryLogger();
  const clock = new ManualClock(start);
  const ctx: CoreContext = {
    config: validateConfig(config),
    logger,
    bus: new EventBus<ArrgusEvents>(logger),
    clock,
    instanceId: 'test',
    version: '0.0.0-test',
  };
  return { ctx, clock, logs: logger.lines };
}
