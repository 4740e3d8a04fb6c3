/**
 * Floods against a real `arrgus run`, checked for what they may leave behind (bench/flood.bench.ts measures memory at
 * full scale): playback webhooks with new ids (sessions capped), webhooks while the app's API fails (no requests to
 * the failing API beyond its backoff), `/api/ingest` naming new sources (refused, no new source), log lines each of which is a
 * new issue (open issues within the cap, active alerts within the open issues, the full notification queue logged as
 * summaries), test notifications (rate limited). The service answers throughout and stops cleanly.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ArrgusProcess, startArrgus, waitFor } from './helpers/arrgus-process.ts';
import { FailingApp, ingestNewSources, newIssueLines, testNotifications, webhookFlood } from './helpers/floods.ts';

const SECRET = 'flood-webhook-secret-0123456789';
const MAX_ISSUES = 200;
const WEBHOOKS = 3000;
const ISSUE_LINES = 3000;

interface Health {
  status: string;
  openIssues: number;
  activeAlerts: number;
  sessions: { active: number };
  apis: Array<{ source: string; ok: boolean | null; failures: number }>;
  sources: Array<{ name: string; totalRecords: number }>;
}

describe('floods leave bounded state, and the service keeps answering', () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-flood-'));
  const logDir = join(root, 'sonarr');
  const logFile = join(logDir, 'sonarr.txt');
  let plexApi: FailingApp;
  let hook: FailingApp;
  let arrgus: ArrgusProcess;
  const health = async (): Promise<Health> => (await (await fetch(`${arrgus.base}/api/health`)).json()) as Health;

  before(async () => {
    plexApi = await new FailingApp().start();
    hook = await new FailingApp().start();
    mkdirSync(logDir);
    writeFileSync(logFile, '');
    arrgus = await startArrgus(
      root,
      {
        dataDir: join(root, 'data'),
        instanceId: 'flood',
        web: { port: 0, host: '127.0.0.1' },
        mqtt: { embedded: { port: 0 } },
        alerts: { threshold: 1 },
        detect: { retention: { maxIssues: MAX_ISSUES } },
        sources: [
          { name: 'plex', app: 'plex', url: plexApi.url, token: 'plex-token-0123456789', webhookSecret: SECRET },
          // Without an API, webhooks are what the playbacks are known from.
          { name: 'plex-hooks', app: 'plex', webhookSecret: SECRET },
          { name: 'sonarr', app: 'sonarr', path: logDir },
        ],
        // No rate limit: the storm must fill the queue, whose drops are logged as summaries.
        notify: [{ name: 'down', type: 'webhook', url: `${hook.url}/hook`, maxQueue: 20, rateLimit: { window: 0 } }],
      },
      { open: [logDir] },
    );
  });

  after(async () => {
    const code = await arrgus?.stop();
    await plexApi?.stop();
    await hook?.stop();
    rmSync(root, { recursive: true, force: true });
    assert.equal(code, 0, `arrgus run stopped cleanly:\n${arrgus?.lines.slice(-30).join('\n')}`);
  });

  test('playback webhooks with new ids: active sessions stay within the cap', async () => {
    const statuses = await webhookFlood(arrgus.base, 'plex-hooks', SECRET, WEBHOOKS);
    assert.deepEqual(statuses, { 200: WEBHOOKS });
    const h = await health();
    assert.ok(h.sessions.active <= 1000, `${h.sessions.active} active sessions`);
    assert.ok(h.sessions.active >= 500, `${h.sessions.active} active sessions: the webhooks did start playbacks`);
  });

  test('webhooks while the app API fails make no requests beyond its backoff', async () => {
    await waitFor('the Plex API to be failing', async () =>
      (await health()).apis.find((a) => a.source === 'plex')?.failures ? true : undefined,
    );
    const from = Date.now();
    const statuses = await webhookFlood(arrgus.base, 'plex', SECRET, 1000);
    const to = Date.now();
    assert.deepEqual(statuses, { 200: 1000 });
    // After one failure the next poll is a minute away (30 s interval, doubled): the webhooks must not bring it forward.
    const polls = plexApi.between(from, to);
    assert.ok(polls <= 2 + (to - from) / 30_000, `${polls} requests to the failing API in ${to - from} ms of webhooks`);
  });

  test('ingest naming new sources is refused and creates none', async () => {
    const statuses = await ingestNewSources(arrgus.base, 100);
    assert.deepEqual(statuses, { 403: 100 });
    const names = (await health()).sources.map((s) => s.name);
    assert.ok(!names.some((n) => n.startsWith('flood-src-')), names.join(', '));
  });

  test('a storm of new issues: open issues within the cap, active alerts within them, drops logged as summaries', async () => {
    for (let i = 0; i < ISSUE_LINES; i += 500) appendFileSync(logFile, newIssueLines(i, 500));
    await waitFor(
      'every line read',
      async () =>
        ((await health()).sources.find((s) => s.name === 'sonarr')?.totalRecords ?? 0) >= ISSUE_LINES
          ? true
          : undefined,
      120_000,
    );
    const h = await health();
    assert.ok(h.openIssues <= MAX_ISSUES, `${h.openIssues} open issues`);
    assert.ok(h.openIssues >= MAX_ISSUES / 2, `${h.openIssues} open issues: the storm did open issues`);
    assert.ok(h.activeAlerts <= h.openIssues, `${h.activeAlerts} active alerts for ${h.openIssues} open issues`);
    const drops = arrgus.lines.filter((l) => l.includes('is full; dropped'));
    assert.ok(drops.length >= 1 && drops.length <= 3, `${drops.length} lines about dropped notifications`);
    const warns = arrgus.lines.filter((l) => / WARN /.test(l));
    assert.ok(warns.length < 100, `${warns.length} WARN lines:\n${warns.slice(0, 20).join('\n')}`);
  });

  test('test notifications are rate limited', async () => {
    const statuses = await testNotifications(arrgus.base, 'down', 60);
    const limited = statuses[429] ?? 0;
    assert.ok(limited >= 50, JSON.stringify(statuses));
    assert.equal((await fetch(`${arrgus.base}/api/health`)).status, 200);
  });
});
