/**
 * The composition root (house rule 1): reads the loaded configuration, builds every component with one context
 * object, and owns the start/stop order.
 */
import type { LoadedConfig } from './config/load.ts';

export async function startService(_loaded: LoadedConfig): Promise<number> {
  process.stderr.write('arrgus run: the service is being built.\n');
  return 1;
}
