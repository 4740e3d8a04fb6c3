/**
 * A child process running Ingestion against a data dir, for the rotation torture test (which SIGKILLs it).
 * Usage: node test/helpers/ingest-child.ts <config.json>. Prints `ready` once every source is followed; SIGTERM stops
 * it cleanly (final flush and checkpoint).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.ts';
import { EventBus } from '../../src/core/bus.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { CoreContext } from '../../src/core/context.ts';
import type { ArrgusEvents } from '../../src/core/events.ts';
import { createLogger } from '../../src/core/logger.ts';
import { Ingestion } from '../../src/sources/ingestion.ts';
import { SourceStatsTracker } from '../../src/sources/source-stats.ts';
import { openDatabase } from '../../src/store/db.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: ingest-child.ts <config.json>');
const config = validateConfig(JSON.parse(readFileSync(file, 'utf8')), file);
const logger = createLogger('child', { level: process.env.ARRGUS_CHILD_LOG === 'debug' ? 'debug' : 'warn' });
const ctx: CoreContext = {
  config,
  logger,
  bus: new EventBus<ArrgusEvents>(logger),
  clock: systemClock,
  instanceId: 'child',
  version: '0.0.0-test',
};
const db = openDatabase(join(config.dataDir, 'arrgus.db'));
const ingestion = new Ingestion(ctx, { db, process: () => {}, stats: new SourceStatsTracker(systemClock) });
await ingestion.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  ingestion
    .stop()
    .then(() => {
      db.close();
      process.exit(0);
    })
    .catch((err: unknown) => {
      logger.error('Stopping failed.', { error: err });
      process.exit(1);
    });
});
