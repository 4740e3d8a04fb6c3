/**
 * `/metrics` of the running service, validated by Prometheus's own `promtool check metrics` (Debian package
 * `prometheus`): after real log lines are tailed and pushed, the families carry the numbers and pass the linter.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateConfig } from '../src/config/load.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { renderExposition } from '../src/metrics/exposition.ts';
import { plexLine } from './helpers/log-lines.ts';
import { missingTool, runs } from './helpers/tools.ts';
import { waitFor } from './helpers/wait.ts';

const promtool = process.env.PROMTOOL ?? 'promtool';
const skipPromtool = runs(promtool, ['--version']) ? false : missingTool('promtool', 'apt-get install prometheus');

function promtoolCheck(text: string): { status: number | null; out: string } {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `name{labels} value` lines as a map (HELP/TYPE skipped). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('/metrics', () => {
  let service: Service;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-metrics-'));
  const logDir = join(dir, 'plex');
  const logFile = join(logDir, 'Plex Media Server.log');

  before(async () => {
    mkdirSync(logDir);
    writeFileSync(logFile, plexLine(new Date(), 'INFO', 'Plex Media Server v1.41.5.9522 - Docker - GMT 00:00'));
    const config = validateConfig({
      dataDir: join(dir, 'data'),
      instanceId: 'metrics',
      web: { port: 0, host: '127.0.0.1' },
      mqtt: { enabled: false },
      notify: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/unreachable' }],
      sources: [{ name: 'plex', app: 'plex', path: logDir, timezone: 'UTC' }],
    });
    service = new Service(config, { logger: memoryLogger('warn'), supervisor: null });
    await service.start();
    base = `http://127.0.0.1:${service.web.port}`;
  });
  after(() => service?.stop());

  test('counts what was read and passes promtool check metrics', { skip: skipPromtool }, async () => {
    for (let i = 0; i < 3; i++)
      appendFileSync(
        logFile,
        plexLine(new Date(), 'ERROR', 'SQLITE3:0x80000001, 11, database corruption at line 12345'),
      );
    const text = await waitFor('records counted', async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      return (samples(t).get('arrgus_records_total{source="plex",level="error"}') ?? 0) >= 3 ? t : undefined;
    });
    const m = samples(text);
    // Each record is counted once (the bus carries it once).
    assert.equal(m.get('arrgus_records_total{source="plex",level="error"}'), 3);
    assert.ok((m.get('arrgus_lines_read_total{source="plex",level="error"}') ?? 0) >= 3);
    assert.equal(m.get('arrgus_source_files{source="plex",app="plex"}'), 1);
    assert.ok(
      [...m.keys()].some((k) => k.startsWith('arrgus_issues_open{category="database"')),
      text,
    );
    assert.ok(m.has('arrgus_tail_lag_bytes{source="plex"}'));
    assert.ok(m.has('arrgus_notify_queue_depth{target="hook",type="webhook"}'));
    assert.ok(m.has('arrgus_notify_deliveries{target="hook",type="webhook",outcome="sent"}'));
    assert.ok((m.get('arrgus_store_size_bytes') ?? 0) > 0);
    assert.ok(!m.has('arrgus_mqtt_connected'), 'absent when MQTT is off');
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const check = promtoolCheck(await res.text());
    assert.equal(check.status, 0, check.out);
    assert.equal(check.out.trim(), '', `promtool lint: ${check.out}`);
  });

  test('promtool refuses a broken exposition (the check can fail)', { skip: skipPromtool }, () => {
    const bad = renderExposition([
      { name: 'arrgus_things', help: 'Things.', type: 'counter', samples: [{ value: 1 }] },
    ]);
    const r = promtoolCheck(`${bad}arrgus_things{oops 1\n`);
    assert.notEqual(r.status, 0);
    const lint = promtoolCheck(bad);
    assert.match(lint.out, /counter metrics should have "_total" suffix/);
  });

  test('label values are escaped', () => {
    const text = renderExposition([
      { name: 'x', help: 'a\\b\nc', type: 'gauge', samples: [{ labels: { s: 'q"u\\o\nte' }, value: 1 }] },
    ]);
    assert.equal(text, '# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{s="q\\"u\\\\o\\nte"} 1\n');
  });
});
