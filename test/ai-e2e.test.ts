/**
 * The AI room in the whole service: `arrgus run` with `ai.enabled` against a loopback server speaking Ollama's
 * protocol. Appended lines become an issue; `POST /api/issues/:id/analyze` answers 202 and the analysis appears on
 * `GET /api/issues/:id`; what was sent carries no token; and a model that hangs delays neither detection nor the API.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeProvider, goodAnswer } from '../src/ai/fake-provider.ts';
import { validateConfig } from '../src/config/load.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { plexLine } from './helpers/log-lines.ts';
import { waitFor } from './helpers/wait.ts';

const PLEX_TOKEN = 'e2eTok3nQwErTyUiOp12';

describe('AI analysis in the running service', () => {
  let fake: FakeProvider;
  let service: Service;
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-ai-e2e-'));
  const logDir = join(dir, 'plex-logs');
  const logFile = join(logDir, 'Plex Media Server.log');
  let base = '';

  before(async () => {
    fake = await new FakeProvider('ollama').start();
    mkdirSync(logDir);
    writeFileSync(logFile, plexLine(new Date(), 'INFO', 'Plex Media Server v1.41.5.9522 - Docker - GMT 00:00'));
    const config = validateConfig({
      dataDir: join(dir, 'data'),
      instanceId: 'aie2e',
      web: { port: 0, host: '127.0.0.1' },
      mqtt: { enabled: false },
      sources: [{ name: 'plex', app: 'plex', path: logDir, timezone: 'UTC' }],
      // The hang test needs the model's timeout far beyond the waits for detection: only then does `running` prove
      // that detection did not wait for the model.
      ai: { enabled: true, url: fake.url, timeout: '300s', retries: 0 },
    });
    service = new Service(config, { logger: memoryLogger(), supervisor: null });
    await service.start();
    base = `http://127.0.0.1:${service.web.port}`;
  });

  after(async () => {
    await service?.stop();
    await fake?.stop();
  });

  test('analyze answers 202, the analysis appears on the issue, and no token was sent', async () => {
    await waitFor('the file to be followed', () => (service.ingestion.followed()[0]?.files.length ? true : undefined));
    appendFileSync(
      logFile,
      plexLine(
        new Date(),
        'ERROR',
        `Failed to begin transaction: database is locked (GET /library/sections?X-Plex-Token=${PLEX_TOKEN})`,
      ),
    );
    const issue = await waitFor('an issue', () => service.detector.list({ source: 'plex' })[0]);
    fake.script({ kind: 'answer', text: goodAnswer({ links: ['https://support.plex.tv/articles/201100678/'] }) });
    const res = await fetch(`${base}/api/issues/${issue.id}/analyze`, { method: 'POST' });
    assert.equal(res.status, 202);
    const detail = await waitFor('the analysis on the issue', async () => {
      const d = (await (await fetch(`${base}/api/issues/${issue.id}`)).json()) as {
        analysis?: { status: string; analysis?: { summary: string; links: string[] } };
      };
      return d.analysis?.status === 'done' ? d : undefined;
    });
    assert.equal(detail.analysis?.analysis?.summary, JSON.parse(goodAnswer()).summary);
    assert.deepEqual(detail.analysis?.analysis?.links, ['https://support.plex.tv/articles/201100678/']);
    assert.equal(fake.requests.length, 1);
    assert.ok(!fake.requests[0]?.body.includes(PLEX_TOKEN));
    assert.match(fake.requests[0]?.body ?? '', /database is locked/);
    // Neighbouring lines: the INFO line written before the error (before start: read from the file, not the store).
    assert.match(fake.requests[0]?.body ?? '', /Lines around sample 1 in its log:[^"]*Plex Media Server v1\.41\.5/);
    const openapi = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/issues/{id}/analyze']);
  });

  test('a hanging model delays neither detection nor the API', async () => {
    fake.script({ kind: 'hang' });
    const issue = service.detector.list({ source: 'plex' })[0];
    assert.ok(issue);
    const res = await fetch(`${base}/api/issues/${issue.id}/analyze?force=true`, { method: 'POST' });
    assert.equal(res.status, 202);
    await waitFor('the call to hang', () => (fake.requests.length === 2 ? true : undefined));
    appendFileSync(logFile, plexLine(new Date(), 'ERROR', 'Transcoder exited with code 1'));
    await waitFor('a second issue while the model hangs', () =>
      service.detector.list({ source: 'plex' }).length === 2 ? true : undefined,
    );
    const view = (await (await fetch(`${base}/api/issues/${issue.id}/analysis`)).json()) as { status: string };
    // Still running: the second issue came while the call hung (its 300 s timeout is far beyond the 30 s wait).
    assert.equal(view.status, 'running');
  });
});
