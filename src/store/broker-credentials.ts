/**
 * Credentials of the embedded broker when Home Assistant must reach it (the add-on without the Mosquitto add-on):
 * generated once and kept in dataDir (mode 0600) so Home Assistant's MQTT integration keeps working across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BrokerCredentials {
  username: string;
  password: string;
}

export function loadBrokerCredentials(dataDir: string): BrokerCredentials {
  const file = join(dataDir, 'mqtt-credentials.json');
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<BrokerCredentials>;
    if (typeof c.username === 'string' && c.username && typeof c.password === 'string' && c.password.length >= 16)
      return { username: c.username, password: c.password };
  } catch (err) {
    // A missing file is the first start; an unreadable one is replaced (Home Assistant gets the new credentials).
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
  }
  const creds = { username: 'arrgus', password: randomBytes(18).toString('base64url') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(creds)}\n`, { mode: 0o600 });
  return creds;
}
