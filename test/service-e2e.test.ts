/**
 * The whole service, booted as `arrgus run` builds it, against a real Mosquitto and real files: log lines appended to
 * a followed Plex log become an issue and an alert on MQTT, Home Assistant discovery is published, the HTTP API
 * answers, pushed lines are ingested, and a clean stop publishes `offline`.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateConfig } from '../src/config/load.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { type Got, subscriber } from '../src/mqtt/test-clients.ts';
import { plexLine } from './helpers/log-lines.ts';
import { Mosquitto, mosquittoSkip } from './helpers/mosquitto.ts';
import { until, waitFor } from './helpers/wait.ts';

/**
 * What a client connecting now receives on `filter` (live deliveries carry no retain flag), once `enough` holds for
 * it (waited for, not a fixed pause: the broker's answer is late on a loaded machine) or after 30 s.
 */
async function retained(url: string, filter: string, enough: (got: Got[]) => boolean): Promise<Got[]> {
  const { c, got } = await subscriber(url, filter);
  // Not enough after 30 s: the caller's assertion shows what did come.
  await until(() => enough(got)).catch(() => undefined);
  await c.endAsync();
  return got;
}

describe('arrgus run, end to end', { skip: mosquittoSkip }, () => {
  let broker: Mosquitto;
  let service: Service;
  let observer: Awaited<ReturnType<typeof subscriber>>;
  let messages: Got[] = [];
  const logs = memoryLogger('debug');
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-e2e-'));
  const logDir = join(dir, 'plex-logs');
  const logFile = join(logDir, 'Plex Media Server.log');

  before(async () => {
    broker = await Mosquitto.start();
    mkdirSync(logDir);
    writeFileSync(logFile, plexLine(new Date(), 'INFO', 'Plex Media Server v1.41.5.9522 - Docker - GMT 00:00'));
    observer = await subscriber(broker.url, ['arrgus/#', 'homeassistant/#'], { clientId: 'e2e-observer' });
    messages = observer.got;
    const config = validateConfig({
      dataDir: join(dir, 'data'),
      instanceId: 'e2e',
      web: { port: 0, host: '127.0.0.1', ingestNewSources: 1 },
      mqtt: { url: broker.url },
      alerts: { threshold: 3, window: '5m' },
      sources: [{ name: 'plex', app: 'plex', path: logDir, timezone: 'UTC' }],
    });
    service = new Service(config, { logger: logs, supervisor: null });
    await service.start();
  });

  after(async () => {
    await service?.stop();
    await observer?.c.endAsync();
    await broker?.stop();
  });

  test('discovery for the source device validates and is retained', async () => {
    const cfg = await waitFor('a discovery config', () =>
      messages.find(
        (m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config') && m.payload.includes('plex'),
      ),
    );
    const payload = JSON.parse(cfg.payload) as { unique_id: string };
    assert.match(payload.unique_id, /e2e/);
    const kept = await retained(broker.url, 'homeassistant/#', (got) => got.some((m) => m.topic === cfg.topic));
    assert.ok(kept.some((m) => m.topic === cfg.topic && m.retain && m.payload === cfg.payload));
  });

  test('appended ERROR lines become an issue and then an alert on MQTT', async () => {
    await waitFor('the file to be followed', () => (service.ingestion.followed()[0]?.files.length ? true : undefined));
    for (let i = 0; i < 4; i++) {
      appendFileSync(logFile, plexLine(new Date(), 'ERROR', 'Failed to begin transaction: database is locked'));
    }
    const opened = await waitFor('an issue opened event', () =>
      messages.find((m) => m.topic === 'arrgus/plex/event' && m.payload.includes('"opened"')),
    );
    assert.equal(opened.retain, false);
    await waitFor('an alert event', () =>
      messages.find((m) => m.topic === 'arrgus/plex/event' && m.payload.includes('"alert"')),
    );
    // The fourth record is emitted after the idle flush (no line follows it).
    await waitFor('all four records', () =>
      service.detector.list({ source: 'plex' })[0]?.count === 4 ? true : undefined,
    );
    const issues = service.detector.list({ source: 'plex' });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.category, 'database');
  });

  test('the HTTP API reports the source and accepts pushed lines', async () => {
    const base = `http://127.0.0.1:${service.web.port}`;
    const health = (await (await fetch(`${base}/api/health`)).json()) as {
      sources: Array<{ name: string; files: string[]; totalRecords: number }>;
      mqtt: { connected: boolean };
      sessions: Record<string, unknown>;
    };
    // Health answers without a token: counts only, never who is watching what.
    assert.equal(typeof health.sessions.active, 'number');
    assert.equal('trouble' in health.sessions, false);
    const plex = health.sources.find((s) => s.name === 'plex');
    assert.deepEqual(plex?.files, [logFile]);
    assert.ok((plex?.totalRecords ?? 0) >= 4);
    assert.equal(health.mqtt.connected, true);
    const res = await fetch(`${base}/api/ingest?app=sonarr&source=sonarr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        '2024-01-10 08:01:27.9|Error|DownloadedEpisodesImportService|Import failed, path does not exist or is not accessible by Sonarr: /downloads/x',
      ]),
    });
    assert.equal(res.status, 202);
    await waitFor('the pushed record to be tracked', () =>
      service.detector.list({ source: 'sonarr' }).length ? true : undefined,
    );
  });

  test('a clean stop publishes offline, retained', async () => {
    await service.stop();
    await waitFor('offline', () => messages.find((m) => m.topic === 'arrgus/status' && m.payload === 'offline'));
    const kept = await retained(broker.url, 'arrgus/status', (got) => got.length > 0);
    assert.deepEqual(
      kept.map((m) => [m.payload, m.retain]),
      [['offline', true]],
    );
    assert.ok(!logs.lines.some((l) => l.includes('ERROR ')), `no ERROR in Arrgus's own log:\n${logs.lines.join('\n')}`);
  });
});
