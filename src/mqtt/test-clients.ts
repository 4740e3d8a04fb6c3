/** Test helpers: real mqtt.js clients that record what they receive, and a wait for a condition (no fixed sleeps). */
import mqtt from 'mqtt';
import { waitFor } from '../../test/helpers/wait.ts';

export interface Got {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Polls `fn` until it returns something other than undefined; throws naming `what` after `ms`. */
export function until<T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> {
  return waitFor(what, fn, { ms, every: 10 });
}

let clients = 0;

/** A connected client (no reconnects) with the messages it got, in order, and a promise of its close. */
export async function client(url: string, opts: mqtt.IClientOptions = {}) {
  const c = await mqtt.connectAsync(url, {
    clientId: `test${++clients}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...opts,
  });
  const got: Got[] = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain }));
  const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  return { c, got, closed };
}

/** A connected client (as `client`) subscribed to `filter`, recording from the subscription on. */
export async function subscriber(url: string, filter: string | string[], opts: mqtt.IClientOptions = {}) {
  const sub = await client(url, opts);
  await sub.c.subscribeAsync(filter);
  return sub;
}
