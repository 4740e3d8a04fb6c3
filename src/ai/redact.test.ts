import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import { type AiConfig, aiSchema } from '../config/ai.ts';
import { ManualClock } from '../core/clock.ts';
import { memoryLogger } from '../core/logger.ts';
import { clearSecrets, registerSecret } from '../core/redact.ts';
import type { Issue } from '../core/types.ts';
import { FakeProvider, goodAnswer } from './fake-provider.ts';
import { AiRedactor } from './redact.ts';
import { AiService } from './service.ts';
import { issueWithSecrets, PLANTED, SECRET_LINES } from './test-fixtures.ts';

afterEach(() => clearSecrets());

describe('AiRedactor', () => {
  const r = new AiRedactor({ salt: 'salt' });
  r.addPeople([PLANTED.userName]);

  test('every planted secret kind is masked in the lines that carry it', () => {
    registerSecret(PLANTED.configApiKey);
    const out = r.apply(SECRET_LINES.join('\n'));
    for (const [kind, value] of Object.entries(PLANTED)) assert.ok(!out.includes(value), `${kind} leaked:\n${out}`);
  });

  test('what a fault is about survives: private addresses, hosts, times, versions, paths of apps, GUIDs', () => {
    const text = [
      '2026-01-01 12:30:45.123 connect to 192.168.1.20:8989 and 10.0.0.5 and 127.0.0.1 and fe80::1 refused',
      'Host indexer.example.org unreachable; Sonarr version 4.0.14.2939',
      'Path /config/logs/sonarr.txt and /data/media/TV Shows/Show (2020)/Season 01',
      'Item 3f2504e0-4f89-11d3-9a0c-0305e82c3301 in library 7',
      '   at NzbDrone.Core.Download.Clients.Sabnzbd.SabnzbdProxy.ProcessRequest(HttpRequestBuilder requestBuilder)',
    ].join('\n');
    assert.equal(r.apply(text), text);
  });

  test('user names become stable pseudonyms, the same on every call and distinct per name', () => {
    const a = r.apply(`Playback failed for ${PLANTED.userName}`);
    const b = r.apply(`Session of ${PLANTED.userName.toUpperCase()} ended`);
    const alias = r.pseudonym(PLANTED.userName);
    assert.match(alias, /^user-[0-9a-f]{6}$/);
    assert.equal(a, `Playback failed for ${alias}`);
    assert.equal(b, `Session of ${alias} ended`);
    assert.notEqual(r.pseudonym('someone-else'), alias);
    assert.equal(r.apply('user=zoe logged in'), `user=${r.pseudonym('zoe')} logged in`);
  });

  test('home folders of people lose the name, shared ones keep it', () => {
    assert.equal(r.apply('/home/alice/x and /Users/Shared/y'), '/home/[user]/x and /Users/Shared/y');
    assert.equal(r.apply('C:\\Users\\Bob\\AppData'), 'C:\\Users\\[user]\\AppData');
  });

  test('text that already went through redaction (samples are redacted at ingestion) leaks nothing the second time', () => {
    registerSecret(PLANTED.configApiKey);
    const twice = r.apply(r.apply(SECRET_LINES.join('\n')));
    for (const [kind, value] of Object.entries(PLANTED)) assert.ok(!twice.includes(value), `${kind} leaked`);
  });

  test('secrets inside escaped JSON (a model echoing a line inside its own JSON) are masked', () => {
    const echoed = JSON.stringify({ summary: SECRET_LINES.join(' ') });
    const out = r.apply(echoed);
    for (const [kind, value] of Object.entries(PLANTED)) {
      if (kind === 'configApiKey') continue;
      assert.ok(!out.includes(value), `${kind} leaked: ${out}`);
    }
  });
});

describe('nothing planted leaves the process, whatever the provider', () => {
  const servers: FakeProvider[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  for (const protocol of ['ollama', 'openai', 'anthropic', 'gemini'] as const) {
    for (const stream of [false, true]) {
      test(`${protocol}${stream ? ', streamed' : ''}: request bodies and paths carry no planted secret, the preview is what was sent`, async () => {
        registerSecret(PLANTED.configApiKey);
        const fake = await new FakeProvider(protocol).start();
        servers.push(fake);
        const config: AiConfig = aiSchema.parse({
          enabled: true,
          provider: protocol,
          url: fake.url,
          stream,
          model: 'm1',
        });
        const issue: Issue = issueWithSecrets();
        const ai = new AiService({
          config,
          salt: 'instance',
          clock: new ManualClock(Date.UTC(2026, 0, 1, 11, 30)),
          logger: memoryLogger(),
          issues: { get: (id) => (id === issue.id ? issue : undefined), incidents: () => [] },
          sleep: async () => {},
        });
        ai.start();
        // The model echoes secrets in an answer that fails validation: the repair turn sends it back, redacted.
        const echo = JSON.stringify({ summary: SECRET_LINES.join(' '), confidence: 'high' });
        fake.script({ kind: 'answer', text: echo }, { kind: 'answer', text: goodAnswer() });
        ai.analyze(issue.id);
        await ai.idle();
        assert.equal(ai.view(issue.id).status, 'done', ai.view(issue.id).error);
        assert.equal(fake.requests.length, 2);
        const sent = fake.requests.map((r) => `${r.path}\n${r.body}`).join('\n');
        for (const [kind, value] of Object.entries(PLANTED)) {
          assert.ok(!sent.includes(value), `${kind} (${value}) left the process`);
          // JSON escaping must not hide a leak either (backslashes in Windows paths).
          assert.ok(!sent.includes(JSON.stringify(value).slice(1, -1)), `${kind} left the process (escaped)`);
        }
        assert.ok(sent.includes('192.168.1.20'), 'private addresses are kept');
        assert.ok(sent.includes('indexer.example.org'), 'host names are kept');
        assert.match(sent, /user-[0-9a-f]{6}/);
        const preview = await ai.preview(issue.id);
        assert.ok(preview);
        assert.ok(
          fake.requests[0]?.body.includes(JSON.stringify(preview.user)),
          'the preview shows the exact text sent',
        );
        await ai.stop();
      });
    }
  }
});
