/**
 * The planted-secrets corpus through a whole service: secrets planted in the configuration (API keys, tokens,
 * passwords, a webhook token in a target's URL path), in log lines (every shape of test/secrets-corpus.ts, followed
 * from a file and pushed through /api/ingest) and in a notification target's replies (it echoes the request, headers
 * included, as real servers do in "Cannot POST /hook/<token>"). Then every output channel is searched for every
 * planted value in its raw and URL-encoded forms: Arrgus's log, MQTT (embedded broker, every topic), what the target
 * received, API answers (health, delivery log, test route, sessions, webhooks, errors), the files in dataDir (sqlite
 * store, state file) and configuration errors.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig, validateConfig } from '../src/config/load.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { subscriber } from '../src/mqtt/test-clients.ts';
import { waitFor } from './helpers/wait.ts';
import { PLANTED_SHAPES, plant } from './secrets-corpus.ts';

function nlog(msg: string): string {
  const d = new Date().toISOString().replace('T', ' ').replace('Z', '').slice(0, 21);
  return `${d}|Error|HttpClient|${msg}\n`;
}

const configured = {
  webToken: plant('webtok'),
  mqttPassword: plant('mqttpw'),
  apiKey: plant('apikey'),
  plexToken: plant('plextok'),
  webhookSecret: plant('whsec'),
  hookPathToken: plant('hookpath'),
  hookQueryToken: plant('hookq'),
  headerSecret: plant('hdr'),
  basicPassword: plant('basic'),
};

/** Every form in which a planted value must not appear. */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret)])];
}

describe('planted secrets never leave the process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-secrets-'));
  const logDir = join(dir, 'sonarr-logs');
  const logFile = join(logDir, 'sonarr.txt');
  const logs = memoryLogger('debug');
  const mqttSeen = (): string[] => observer?.got.map((m) => `${m.topic} ${m.payload}`) ?? [];
  const targetBodies: string[] = [];
  const apiAnswers: string[] = [];
  let target: Server;
  let service: Service;
  let observer: Awaited<ReturnType<typeof subscriber>> | undefined;
  let base = '';

  before(async () => {
    mkdirSync(logDir);
    writeFileSync(logFile, '');
    // A target that refuses everything and echoes the request back, like Express's "Cannot POST /path".
    target = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        targetBodies.push(body);
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`Cannot POST ${req.url} with ${JSON.stringify(req.headers)}`);
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const tport = (target.address() as AddressInfo).port;
    const config = validateConfig({
      dataDir: join(dir, 'data'),
      instanceId: 'secrets',
      log: { level: 'debug' },
      web: { port: 0, host: '127.0.0.1', token: configured.webToken },
      mqtt: { embedded: { port: 0 }, username: 'arrgus', password: configured.mqttPassword },
      alerts: { threshold: 1, window: '5m' },
      sources: [
        {
          name: 'sonarr',
          app: 'sonarr',
          path: logDir,
          timezone: 'UTC',
          // Nothing listens there: the poller fails and logs why, with the URL it called.
          url: 'http://127.0.0.1:9/',
          apiKey: configured.apiKey,
          webhookSecret: configured.webhookSecret,
        },
        { name: 'plex', app: 'plex', url: 'http://127.0.0.1:9/', token: configured.plexToken },
      ],
      notify: [
        {
          name: 'echo',
          type: 'webhook',
          url: `http://127.0.0.1:${tport}/hook/${configured.hookPathToken}?token=${configured.hookQueryToken}`,
          headers: { 'X-Secret': configured.headerSecret },
          username: 'arrgus',
          password: configured.basicPassword,
        },
      ],
    });
    service = new Service(config, { logger: logs, supervisor: null });
    await service.start();
    base = `http://127.0.0.1:${service.web.port}`;
    observer = await subscriber(`mqtt://127.0.0.1:${service.mqtt.embeddedPort}`, '#', {
      clientId: 'secrets-observer',
      username: 'arrgus',
      password: configured.mqttPassword,
    });
  });

  after(async () => {
    await observer?.c.endAsync();
    await service?.stop();
    await new Promise((r) => target?.close(r));
  });

  async function api(path: string, init: RequestInit = {}, auth = true): Promise<Response> {
    const headers = new Headers(init.headers);
    if (auth) headers.set('authorization', `Bearer ${configured.webToken}`);
    const res = await fetch(`${base}${path}`, { ...init, headers });
    // The request's own path is what the test sent, not an answer: only status and body are searched.
    apiAnswers.push(`${res.status} ${await res.clone().text()}`);
    return res;
  }

  test('planted lines are followed, pushed, turned into issues, alerts and notifications', async () => {
    await waitFor('the file to be followed', () => (service.ingestion.followed()[0]?.files.length ? true : undefined));
    for (const p of PLANTED_SHAPES) appendFileSync(logFile, nlog(p.line));
    const pushed = await api('/api/ingest?app=sonarr&source=sonarr', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(PLANTED_SHAPES.map((p) => nlog(`pushed ${p.line}`).trimEnd())),
    });
    assert.equal(pushed.status, 202);
    // Lines naming configured secrets in clear, as an app's debug log would.
    appendFileSync(
      logFile,
      Object.values(configured)
        .map((s) => nlog(`Using ${s} and ${encodeURIComponent(s)} for the request`))
        .join(''),
    );
    await waitFor('issues from the planted lines', () =>
      service.detector.list({ source: 'sonarr' }).length >= 5 ? true : undefined,
    );
    await waitFor('the target to be called', () => (targetBodies.length > 0 ? true : undefined));
    await waitFor('a failed delivery in the log', () =>
      service.notify.deliveryLog('echo', 10).some((a) => a.error) ? true : undefined,
    );
    await waitFor('MQTT events', () => (mqttSeen().some((m) => m.includes('/event ')) ? true : undefined));
  });

  test('API answers, the test route and webhooks with a wrong secret say nothing secret', async () => {
    const test = await api('/api/notifiers/echo/test', { method: 'POST' });
    assert.equal(test.status, 502);
    assert.match(await test.text(), /\[redacted\]/);
    await api('/api/health');
    await api('/api/health', {}, false);
    await api('/api/notifications/log');
    await api('/api/sessions');
    await api('/api/webhooks');
    await api(`/api/webhooks/sonarr?token=${configured.webhookSecret}x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'Test', apiKey: configured.apiKey }),
    });
    await api(`/api/nothing?apikey=${configured.apiKey}`);
    await api('/api/health', { headers: { authorization: `Bearer ${configured.webToken}x` } }, false);
  });

  test('configuration errors never echo a secret', () => {
    const errors: string[] = [];
    const bad = [
      { sources: [{ name: 'sonarr', app: 'sonarr', url: 'http://x', apiKey: 73_915_842_667_019 }] },
      { mqtt: { url: `mqtt//arrgus:${configured.mqttPassword}@broker:1883` } },
      { mqtt: { url: `mqtt://arrgus:${configured.mqttPassword}@broker:1883 x` } },
      { web: { token: 12_345_678_901 } },
      { notify: [{ name: 'x', type: 'webhook', url: `ftp://h/hook/${configured.hookPathToken}` }] },
      { notify: [{ name: 'x', url: `nope://u:${configured.basicPassword}@h` }] },
    ];
    for (const raw of bad) {
      assert.throws(
        () => validateConfig(raw),
        (e: unknown) => {
          errors.push(String((e as Error).message));
          return e instanceof ConfigError;
        },
      );
    }
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, `sources:\n  - name: sonarr\n    apiKey: "${configured.apiKey}\n   bad: [\n`);
    assert.throws(
      () => loadConfig({ file, env: {}, addonOptionsPath: join(dir, 'none.json') }),
      (e: unknown) => {
        errors.push(String((e as Error).message));
        return e instanceof ConfigError;
      },
    );
    const json = join(dir, 'broken.json');
    writeFileSync(json, `{"sources": [{"apiKey": "${configured.apiKey}" x]}`);
    assert.throws(
      () => loadConfig({ file: json, env: {}, addonOptionsPath: join(dir, 'none.json') }),
      (e: unknown) => {
        errors.push(String((e as Error).message));
        return e instanceof ConfigError;
      },
    );
    const leaks = [...Object.values(configured), '73915842667019', '12345678901'].filter((s) =>
      errors.some((e) => e.includes(s)),
    );
    assert.deepEqual(leaks, [], errors.join('\n'));
  });

  test('no planted value in any channel: log, MQTT, target, API answers, dataDir files', async () => {
    await service.stop();
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(`${p}\n${readFileSync(p).toString('latin1')}`);
      }
    };
    walk(join(dir, 'data'));
    const channels: Record<string, string[]> = {
      log: logs.lines,
      mqtt: mqttSeen(),
      target: targetBodies,
      api: apiAnswers,
      dataDir: files,
    };
    const planted = [...Object.values(configured), ...PLANTED_SHAPES.map((p) => p.secret)];
    const leaks: string[] = [];
    let checks = 0;
    for (const [channel, texts] of Object.entries(channels)) {
      assert.ok(texts.length > 0, `channel ${channel} saw something`);
      for (const s of planted) {
        for (const f of forms(s)) {
          checks++;
          const hit = texts.find((t) => t.includes(f));
          if (hit)
            leaks.push(`${channel}: ${f} in ${hit.slice(Math.max(0, hit.indexOf(f) - 120), hit.indexOf(f) + 60)}`);
        }
      }
    }
    // Proof that the channels carried the planted lines (masked), not nothing.
    assert.ok(files.some((t) => t.includes('[redacted]')));
    assert.ok(mqttSeen().some((t) => t.includes('[redacted]')));
    assert.deepEqual(leaks, []);
    process.stdout.write(
      `# planted values: ${planted.length} (${Object.keys(configured).length} configured, ${PLANTED_SHAPES.length} log shapes); ${checks} value×form×channel checks; channels: ${Object.entries(
        channels,
      )
        .map(([k, v]) => `${k} ${v.length}`)
        .join(', ')}\n`,
    );
  });
});
