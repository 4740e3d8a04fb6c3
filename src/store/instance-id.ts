/**
 * A stable id for this Arrgus instance, kept in dataDir so MQTT unique ids survive restarts and two instances never
 * share them. A configured `instanceId` wins.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadInstanceId(dataDir: string, configured?: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'instance-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[a-z0-9_-]{1,32}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomBytes(4).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}
