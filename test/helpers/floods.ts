/**
 * What outsiders and log content can throw at a running Arrgus, for the flood test (counts and bounds) and the flood
 * bench (memory and answers): playback webhooks with new session ids, `/api/ingest` naming new sources, test
 * notification requests, and log lines each of which is a new issue. Also a fake app API that fails and counts the
 * requests it gets, to see whether webhooks make Arrgus hammer an app that is already in trouble.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const PLAY = readFileSync(new URL('../fixtures/api/plex-webhook-media-play.json', import.meta.url), 'utf8');

export type Statuses = Record<number, number>;

function count(into: Statuses, status: number): void {
  into[status] = (into[status] ?? 0) + 1;
}

/** `n` Plex `media.play` webhooks for `source`, each for a new player and item (a new playback), `parallel` at a time. */
export async function webhookFlood(
  base: string,
  source: string,
  secret: string,
  n: number,
  parallel = 10,
): Promise<Statuses> {
  const out: Statuses = {};
  for (let i = 0; i < n; i += parallel) {
    await Promise.all(
      Array.from({ length: Math.min(parallel, n - i) }, async (_, k) => {
        const form = new FormData();
        form.set(
          'payload',
          PLAY.replace('r6yfkdnfggbh2bdnvkffwbms', `flood-player-${i + k}`).replace(/1936545/g, String(1e7 + i + k)),
        );
        const r = await fetch(`${base}/api/webhooks/plex?source=${source}&token=${secret}`, {
          method: 'POST',
          body: form,
        });
        count(out, r.status);
        await r.arrayBuffer();
      }),
    );
  }
  return out;
}

/** `n` ingest requests, each naming a source nobody configured. */
export async function ingestNewSources(base: string, n: number): Promise<Statuses> {
  const out: Statuses = {};
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/api/ingest?app=sonarr&source=flood-src-${i}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["2024-01-10 08:01:27.9|Error|X|boom"]',
    });
    count(out, r.status);
    await r.arrayBuffer();
  }
  return out;
}

/** `n` test notification requests to `target`. */
export async function testNotifications(base: string, target: string, n: number): Promise<Statuses> {
  const out: Statuses = {};
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/api/notifiers/${target}/test`, { method: 'POST' });
    count(out, r.status);
    await r.arrayBuffer();
  }
  return out;
}

/** Letters g-z only: hex-looking tokens are masked, so every token here stays a word of its own. */
function word(n: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) {
    s += 'ghijklmnopqrstuvwxyz'[n % 20];
    n = Math.floor(n / 20);
  }
  return s;
}

/**
 * NLog ERROR lines `from`..`from+n-1`, no two sharing a word, so each opens an issue of its own (template mining
 * merges messages that share most of their words).
 */
export function newIssueLines(from: number, n: number): string {
  const d = new Date().toISOString().replace('T', ' ').replace('Z', '').slice(0, 21);
  let out = '';
  for (let i = from; i < from + n; i++) {
    const w = word(i);
    out += `${d}|Error|Flood|${w}on ${w}ed ${w}ing\n`;
  }
  return out;
}

/** An app API that answers every request with 500 and remembers when each came. */
export class FailingApp {
  readonly requests: number[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push(Date.now());
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests in the window [from, to] (Date.now() ms). */
  between(from: number, to: number): number {
    return this.requests.filter((t) => t >= from && t <= to).length;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    s?.closeAllConnections();
    if (s) await new Promise((r) => s.close(r));
  }
}
