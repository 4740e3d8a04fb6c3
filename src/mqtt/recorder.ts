/**
 * Test and bench support: an MQTT client that records everything under some filters and waits for messages, the
 * way Home Assistant or Node-RED would see them.
 */
import { silentLogger } from '../core/logger.ts';
import { MqttConnection } from './client.ts';

export interface Recorded {
  topic: string;
  payload: string;
  retain: boolean;
  /** performance.now() at arrival. */
  at: number;
}

export class Recorder {
  readonly messages: Recorded[] = [];
  readonly connection: MqttConnection;
  private readonly filters: string[];
  private waiters: Array<() => void> = [];

  constructor(url: string, filters: string[] = ['#'], creds: { username?: string; password?: string } = {}) {
    this.filters = filters;
    this.connection = new MqttConnection(
      {
        url,
        ...creds,
        clientId: `recorder_${Math.random().toString(36).slice(2, 10)}`,
        keepalive: 30,
        reconnectMin: 50,
        reconnectMax: 200,
      },
      silentLogger,
    );
    this.connection.onMessage((m) => {
      this.messages.push({ ...m, at: performance.now() });
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onConnect(() => this.connection.subscribe(this.filters));
  }

  async start(timeoutMs = 5000): Promise<this> {
    await this.connection.start();
    try {
      await this.connection.waitConnected(timeoutMs);
    } catch (err) {
      await this.connection.stop();
      throw err;
    }
    return this;
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  publish(topic: string, payload: string, retain = false): void {
    if (!this.connection.publish(topic, payload, retain)) throw new Error('recorder is not connected');
  }

  /** The last payload seen on `topic` (JSON-parsed when `json`). */
  last(topic: string): string | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--)
      if (this.messages[i]?.topic === topic) return this.messages[i]?.payload;
    return undefined;
  }

  json<T = Record<string, unknown>>(topic: string): T | undefined {
    const p = this.last(topic);
    return p ? (JSON.parse(p) as T) : undefined;
  }

  /** Resolves with the first message (from index `from`) matching `pred`; rejects after `timeoutMs`. */
  async waitFor(pred: (m: Recorded) => boolean, timeoutMs = 5000, from = 0): Promise<Recorded> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching MQTT message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
