/**
 * Credentials of the embedded broker when none are configured: generated once and kept in dataDir (mode 0600), so
 * Home Assistant's MQTT integration keeps working across restarts. In the add-on without the Mosquitto add-on they are
 * announced to Home Assistant; elsewhere Arrgus logs in with them and people copy them from the file (Arrgus never
 * logs the password).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BrokerCredentials {
  username: string;
  password: string;
}

export function brokerCredentialsFile(dataDir: string): string {
  return join(dataDir, 'mqtt-credentials.json');
}

/** The stored credentials; undefined when there are none yet (or the file is not a valid one). */
export function readBrokerCredentials(dataDir: string): BrokerCredentials | undefined {
  try {
    const c = JSON.parse(readFileSync(brokerCredentialsFile(dataDir), 'utf8')) as Partial<BrokerCredentials>;
    if (typeof c.username === 'string' && c.username && typeof c.password === 'string' && c.password.length >= 16)
      return { username: c.username, password: c.password };
  } catch (err) {
    // A missing file is the first start; an unreadable one is replaced (Home Assistant gets the new credentials).
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
  }
  return undefined;
}

/** The stored credentials, generated and stored first when there are none. */
export function loadBrokerCredentials(dataDir: string): BrokerCredentials {
  const stored = readBrokerCredentials(dataDir);
  if (stored) return stored;
  const file = brokerCredentialsFile(dataDir);
  const creds = { username: 'arrgus', password: randomBytes(18).toString('base64url') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(creds)}\n`, { mode: 0o600 });
  return creds;
}
