/**
 * Flood measurement (not a test): boots the whole service on 127.0.0.1 and sends what outsiders can send — webhook
 * playback starts with new session ids, ingest requests naming new sources, test notification requests and a storm
 * of new error lines — then prints RSS, what was kept and whether the API still answers.
 * Usage: node scripts/flood.ts [N]   (N webhooks, default 40000)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/load.ts';
import { createLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';

const N = Number(process.argv[2] ?? 40_000);
const dir = mkdtempSync(join(tmpdir(), 'arrgus-flood-'));
const secret = 'flood-webhook-secret-1234';
const config = validateConfig({
  dataDir: dir,
  instanceId: 'flood',
  web: { port: 0, host: '127.0.0.1' },
  mqtt: { embedded: { port: 0 } },
  sources: [
    { name: 'plex', app: 'plex', url: 'http://127.0.0.1:9/', token: 'plex-token-123456', webhookSecret: secret },
  ],
  notify: [{ name: 'down', type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
});
const service = new Service(config, { logger: createLogger('flood', { level: 'error' }), supervisor: null });
await service.start();
const base = `http://127.0.0.1:${service.web.port}`;
const mb = () => Math.round(process.memoryUsage().rss / 1048576);
const play = readFileSync(new URL('../test/fixtures/api/plex-webhook-media-play.json', import.meta.url), 'utf8');
console.log(`start: RSS ${mb()} MB`);

let t = performance.now();
const statuses = new Map<number, number>();
const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
for (let i = 0; i < N; i += 10) {
  await Promise.all(
    Array.from({ length: Math.min(10, N - i) }, (_, k) => {
      const form = new FormData();
      form.set(
        'payload',
        play.replace('r6yfkdnfggbh2bdnvkffwbms', `player-${i + k}`).replace('1936545', String(1e6 + i + k)),
      );
      return fetch(`${base}/api/webhooks/plex?token=${secret}`, { method: 'POST', body: form }).then((r) => {
        count(r.status);
        return r.arrayBuffer();
      });
    }),
  );
}
console.log(
  `webhooks: ${N} in ${Math.round(performance.now() - t)} ms, answers ${JSON.stringify(Object.fromEntries(statuses))}, active sessions ${service.sessions.activeSize}, RSS ${mb()} MB`,
);

statuses.clear();
t = performance.now();
for (let i = 0; i < 300; i++) {
  const r = await fetch(`${base}/api/ingest?app=sonarr&source=src-${i}`, {
    method: 'POST',
    body: '["2024-01-10 08:01:27.9|Error|X|boom"]',
  });
  count(r.status);
  await r.arrayBuffer();
}
console.log(
  `ingest new sources: 300 requests, answers ${JSON.stringify(Object.fromEntries(statuses))}, sources ${service.stats.all().length}, RSS ${mb()} MB`,
);

statuses.clear();
for (let i = 0; i < 100; i++) {
  const r = await fetch(`${base}/api/notifiers/down/test`, { method: 'POST' });
  count(r.status);
  await r.arrayBuffer();
}
console.log(
  `test notifications: 100 requests, answers ${JSON.stringify(Object.fromEntries(statuses))}, RSS ${mb()} MB`,
);

statuses.clear();
t = performance.now();
for (let b = 0; b < 100; b++) {
  const lines = Array.from(
    { length: 500 },
    (_, k) => `2024-01-10 08:01:27.9|Error|Flood${b}x${k}|Distinct failure ${b}-${k} at /path/${b * 1000 + k}`,
  );
  const r = await fetch(`${base}/api/ingest?app=sonarr&source=http`, { method: 'POST', body: JSON.stringify(lines) });
  count(r.status);
  await r.arrayBuffer();
}
console.log(
  `issue storm: 50000 distinct error lines in ${Math.round(performance.now() - t)} ms, answers ${JSON.stringify(Object.fromEntries(statuses))}, open issues ${service.detector.list({ status: ['open'] }).length}, active alerts ${service.detector.activeAlerts().length}, RSS ${mb()} MB`,
);
const h = await fetch(`${base}/api/health`);
console.log(`health after: ${h.status} ${await h.text()}`.slice(0, 200), `RSS ${mb()} MB`);
await service.stop();
process.exit(0);
