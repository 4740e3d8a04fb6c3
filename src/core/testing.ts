/** Helpers for tests: a small context with a manual clock and an in-memory logger. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    // A fresh dataDir per context: state files (published MQTT topics, credentials) never leak between tests.
    config: validateConfig({ dataDir: mkdtempSync(join(tmpdir(), 'arrgus-test-')), ...config }),
    logger,
    bus: new EventBus<ArrgusEvents>(logger),
    clock,
    instanceId: 'test',
    version: '0.0.0-test',
  };
  return { ctx, clock, logs: logger.lines };
}
