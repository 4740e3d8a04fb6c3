/** Test helpers: real mqtt.js clients that record what they receive, and a wait for a condition (no fixed sleeps). */
import mqtt from 'mqtt';

export interface Got {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Polls `fn` until it returns something other than undefined; throws naming `what` after `ms`. */
export async function until<T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
