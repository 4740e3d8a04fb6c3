/**
 * Which broker to use. In the Home Assistant add-on the Supervisor knows the MQTT broker (`GET /services/mqtt` with
 * the `SUPERVISOR_TOKEN`); options the user set always win over what it answers. Elsewhere: `mqtt.url`, else the
 * embedded broker.
 */
import { hostname } from 'node:os';
import type { MqttConfig } from '../config/mqtt.ts';
import type { Logger } from '../core/logger.ts';
import { registerCredentials } from '../core/redact.ts';

export interface SupervisorMqtt {
  host: string;
  port: number;
  ssl: boolean;
  username?: string;
  password?: string;
  protocol?: string;
}

export interface SupervisorAccess {
  token: string;
  /** `http://supervisor` in the add-on; tests point it at a local server. */
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Asks the Supervisor for the MQTT service; null when there is none (no broker add-on) or it cannot be asked. */
export async function fetchSupervisorMqtt(access: SupervisorAccess, logger: Logger): Promise<SupervisorMqtt | null> {
  const url = `${access.baseUrl ?? 'http://supervisor'}/services/mqtt`;
  const doFetch = access.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      headers: { Authorization: `Bearer ${access.token}` },
      signal: AbortSignal.timeout(access.timeoutMs ?? 5000),
    });
  } catch (err) {
    logger.warn('Could not ask the Home Assistant Supervisor for the MQTT broker; using the configured one.', {
      error: err,
    });
    return null;
  }
  if (!res.ok) {
    // 400 means no MQTT service is installed: an ordinary situation, the embedded broker takes over.
    logger.info('The Home Assistant Supervisor offers no MQTT broker; using the configured one.', {
      status: res.status,
    });
    await res.body?.cancel();
    return null;
  }
  const body = (await res.json().catch(() => null)) as { data?: Partial<SupervisorMqtt> } | null;
  const d = body?.data;
  if (!d || typeof d.host !== 'string' || typeof d.port !== 'number') {
    logger.warn('The Home Assistant Supervisor answered without a broker host and port; using the configured one.');
    return null;
  }
  // The broker password from the Supervisor is masked everywhere, like configured secrets.
  registerCredentials(d.username, d.password);
  return {
    host: d.host,
    port: d.port,
    ssl: d.ssl === true,
    ...(typeof d.username === 'string' && d.username ? { username: d.username } : {}),
    ...(typeof d.password === 'string' && d.password ? { password: d.password } : {}),
    ...(typeof d.protocol === 'string' ? { protocol: d.protocol } : {}),
  };
}

export type BrokerChoice =
  | { kind: 'external'; url: string; username?: string; password?: string; origin: 'config' | 'supervisor' }
  | { kind: 'embedded' };

/** Decides the broker: the user's URL, else the Supervisor's broker, else the embedded one. Credentials: user first. */
export function chooseBroker(mqtt: MqttConfig, supervisor: SupervisorMqtt | null): BrokerChoice {
  const creds = (fallback?: SupervisorMqtt | null) => {
    const username = mqtt.username ?? fallback?.username;
    const password = mqtt.username !== undefined ? mqtt.password : (mqtt.password ?? fallback?.password);
    return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  };
  if (mqtt.url) return { kind: 'external', url: mqtt.url, origin: 'config', ...creds(null) };
  if (supervisor) {
    const host = supervisor.host.includes(':') ? `[${supervisor.host}]` : supervisor.host;
    const url = `${supervisor.ssl ? 'mqtts' : 'mqtt'}://${host}:${supervisor.port}`;
    return { kind: 'external', url, origin: 'supervisor', ...creds(supervisor) };
  }
  return { kind: 'embedded' };
}

/** What the add-on needs to know about itself: its slug (ingress link) and host name on the Supervisor network. */
export interface AddonSelf {
  slug: string;
  hostname: string;
}

/**
 * `GET /addons/self/info`. A repository add-on's slug carries the repository hash (`1a2b3c4d_arrgus`); its host name
 * is the slug with `-` (`1a2b3c4d-arrgus`), which is also the container's own host name, the fallback when the
 * Supervisor cannot be asked.
 */
export async function fetchAddonSelf(access: SupervisorAccess, logger: Logger, host = hostname()): Promise<AddonSelf> {
  const fallback = { slug: host.replace('-', '_'), hostname: host };
  const res = await call(access, 'GET', '/addons/self/info', undefined, logger);
  const d = (res as { data?: { slug?: unknown; hostname?: unknown } } | null)?.data;
  if (!d || typeof d.slug !== 'string') return fallback;
  return { slug: d.slug, hostname: typeof d.hostname === 'string' && d.hostname ? d.hostname : fallback.hostname };
}

export interface MqttService {
  host: string;
  port: number;
  username: string;
  password: string;
}

/**
 * Announces the embedded broker to Home Assistant (`POST /discovery`, needs `discovery: [mqtt]` in the manifest): Home
 * Assistant then offers to set up its MQTT integration with this host and these credentials in one click. The
 * Supervisor keeps the announcement while the add-on runs.
 */
export async function announceMqtt(access: SupervisorAccess, service: MqttService, logger: Logger): Promise<boolean> {
  const res = await call(
    access,
    'POST',
    '/discovery',
    { service: 'mqtt', config: { ...service, protocol: '3.1.1', ssl: false } },
    logger,
  );
  return res !== null;
}

/** The panel inside Home Assistant (the `homeassistant://` scheme opens a Home Assistant page). */
export function ingressPanelUrl(slug: string): string {
  return `homeassistant://hassio/ingress/${slug}`;
}

async function call(
  access: SupervisorAccess,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  logger: Logger,
): Promise<unknown> {
  const url = `${access.baseUrl ?? 'http://supervisor'}${path}`;
  try {
    const res = await (access.fetch ?? fetch)(url, {
      method,
      headers: {
        Authorization: `Bearer ${access.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(access.timeoutMs ?? 5000),
    });
    const json = (await res.json().catch(() => null)) as { result?: string; message?: string } | null;
    if (!res.ok || json?.result === 'error') {
      logger.warn(`The Home Assistant Supervisor refused ${method} ${path}.`, {
        status: res.status,
        ...(json?.message ? { reason: json.message } : {}),
      });
      return null;
    }
    return json;
  } catch (err) {
    logger.warn(`Could not reach the Home Assistant Supervisor for ${method} ${path}.`, { error: err });
    return null;
  }
}
