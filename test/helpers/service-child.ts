/**
 * A child process running the whole service as `arrgus run` builds it, for tests that SIGKILL it.
 * Usage: node test/helpers/service-child.ts <config.json>. Prints `ready <web port>` once started; SIGTERM stops it
 * cleanly (final flush and checkpoint) and exits 0.
 */
import { readFileSync } from 'node:fs';
import { validateConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/core/logger.ts';
import { Service } from '../../src/main.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: service-child.ts <config.json>');
const config = validateConfig(JSON.parse(readFileSync(file, 'utf8')), file);
const logger = createLogger('child', { level: process.env.ARRGUS_CHILD_LOG === 'debug' ? 'debug' : 'warn' });
const service = new Service(config, { logger, supervisor: null });
process.on('SIGTERM', () => {
  service
    .stop()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      logger.error('Stopping failed.', { error: err });
      process.exit(1);
    });
});
await service.start();
process.stdout.write(`ready ${service.web.port}\n`);
