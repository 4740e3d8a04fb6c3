/**
 * Reads what a broker holds retained under some filters: subscribe, take the retained messages the broker replays
 * right after SUBACK until it has been quiet for a moment, unsubscribe. Used to find stale configs at startup and by
 * `arrgus ha-cleanup`.
 */
import type { MqttConnection } from './client.ts';

export interface CollectOptions {
  /** Stop once no retained message arrived for this long. */
  quietMs?: number;
  /** Stop after this long whatever happens (a busy broker with thousands of retained topics). */
  maxMs?: number;
}

export async function collectRetained(
  connection: MqttConnection,
  filters: string[],
  opts: CollectOptions = {},
): Promise<Map<string, string>> {
  const quietMs = opts.quietMs ?? 300;
  const maxMs = opts.maxMs ?? 5000;
  const found = new Map<string, string>();
  let lastAt = Date.now();
  const matchers = filters.map(toMatcher);
  const off = connection.onMessage((msg) => {
    if (!msg.retain || msg.payload === '' || !matchers.some((m) => m(msg.topic))) return;
    found.set(msg.topic, msg.payload);
    lastAt = Date.now();
  });
  try {
    await connection.subscribe(filters);
    const started = Date.now();
    lastAt = started;
    // Wall-clock waits on purpose: this measures broker silence, not log time.
    while (Date.now() - lastAt < quietMs && Date.now() - started < maxMs) {
      await new Promise((r) => setTimeout(r, Math.min(50, quietMs)));
    }
    await connection.unsubscribe(filters);
  } finally {
    off();
  }
  return found;
}

/** An MQTT filter (`+`, `#`) as a predicate on topics. */
export function toMatcher(filter: string): (topic: string) => boolean {
  const f = filter.split('/');
  return (topic) => {
    const t = topic.split('/');
    for (let i = 0; i < f.length; i++) {
      if (f[i] === '#') return true;
      if (i >= t.length) return false;
      if (f[i] !== '+' && f[i] !== t[i]) return false;
    }
    return f.length === t.length;
  };
}
