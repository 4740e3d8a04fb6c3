import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { clearSecrets, redact } from '../core/redact.ts';
import { ConfigError, envLayer, loadConfig, validateConfig } from './load.ts';

const NO_ADDON = { addonOptionsPath: '/nonexistent/options.json' };

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'arrgus-config-'));
}

describe('configuration loading', () => {
  test('defaults alone are valid', () => {
    const { config } = loadConfig({ cwd: tmp(), env: {}, ...NO_ADDON });
    assert.equal(config.dataDir, './data');
    assert.equal(config.web.port, 8099);
    assert.equal(config.alerts.threshold, 5);
    assert.equal(config.alerts.window, 300_000);
    assert.deepEqual(config.sources, []);
  });

  test('./arrgus.yaml is read when present; the environment wins over it', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'arrgus.yaml'),
      'web:\n  port: 9000\nsources:\n  - name: plex\n    app: plex\n    path: /logs/plex\n    backfill: 6h\n',
    );
    const { config, layers } = loadConfig({ cwd: dir, env: { ARRGUS_WEB__PORT: '9100' }, ...NO_ADDON });
    assert.equal(config.web.port, 9100);
    assert.equal(config.sources[0]?.backfill, 6 * 3_600_000);
    assert.equal(layers.length, 3);
  });

  test('--config FILE takes JSON too', () => {
    const dir = tmp();
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ mqtt: { baseTopic: 'media' } }));
    assert.equal(loadConfig({ file, cwd: dir, env: {}, ...NO_ADDON }).config.mqtt.baseTopic, 'media');
  });

  test('Home Assistant add-on options merge over the file and default dataDir to /data', () => {
    const dir = tmp();
    const addon = join(dir, 'options.json');
    writeFileSync(addon, JSON.stringify({ alerts: { threshold: 3 } }));
    const { config } = loadConfig({ cwd: dir, env: {}, addonOptionsPath: addon });
    assert.equal(config.dataDir, '/data');
    assert.equal(config.alerts.threshold, 3);
  });

  test('origins say which layer set each value (the panel settings page); the add-on answers ingress only', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'arrgus.yaml'),
      'web:\n  port: 9000\n  host: 127.0.0.1\nsources:\n  - name: plex\n    app: plex\n    path: /p\n',
    );
    const addon = join(dir, 'options.json');
    writeFileSync(addon, JSON.stringify({ alerts: { threshold: 3 } }));
    const { config, origins } = loadConfig({ cwd: dir, env: { ARRGUS_WEB__PORT: '9100' }, addonOptionsPath: addon });
    assert.deepEqual(origins, {
      'web.port': 'environment',
      'web.host': 'file',
      sources: 'file',
      'alerts.threshold': 'add-on option',
    });
    assert.equal(config.web.ingressOnly, true);
    assert.equal(loadConfig({ cwd: tmp(), env: {}, ...NO_ADDON }).config.web.ingressOnly, false);
  });

  test('Sentarr environment names are understood', () => {
    const { config } = loadConfig({
      cwd: tmp(),
      env: {
        PLEX_LOG_PATH: '/plexlogs',
        MONITOR_ERRORS: 'true',
        MONITOR_WARNINGS: 'false',
        ERROR_THRESHOLD: '10',
        TIME_WINDOW_MINUTES: '3',
        ALERT_COOLDOWN_MINUTES: '30',
      },
      ...NO_ADDON,
    });
    assert.deepEqual(
      config.sources.map((s) => [s.name, s.app, s.path]),
      [['plex', 'plex', '/plexlogs']],
    );
    assert.equal(config.detect.monitorWarnings, false);
    assert.equal(config.alerts.threshold, 10);
    assert.equal(config.alerts.window, 180_000);
    assert.equal(config.alerts.cooldown, 1_800_000);
  });

  test('ARRGUS_ names map SNAKE_CASE segments to camelCase keys', () => {
    const { values } = envLayer({ ARRGUS_MQTT__EMBEDDED__ALLOW_ANONYMOUS: 'true', ARRGUS_DATA_DIR: '/x' });
    assert.deepEqual(values, { mqtt: { embedded: { allowAnonymous: true } }, dataDir: '/x' });
  });

  test('every bad key is listed with its value and what was expected', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'arrgus.yaml'),
      [
        'sourcs: []',
        'web: { port: 70000 }',
        'alerts: { window: soon }',
        'sources:',
        '  - { name: a, app: kodi, path: /x }',
        '  - { name: b, app: plex, path: /y, timezone: 5 }',
        '  - { name: A, app: plex, path: /z }',
      ].join('\n'),
    );
    let err: unknown;
    try {
      loadConfig({ cwd: dir, env: {}, ...NO_ADDON });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    const text = err.message;
    assert.match(text, /sourcs: unknown key/);
    assert.match(text, /web\.port: got 70000, expected <= 65535/);
    assert.match(text, /alerts\.window: got "soon", expected a duration/);
    assert.match(text, /sources\[0\]\.app: got "kodi", expected one of "plex"/);
    assert.match(text, /sources\[1\]\.timezone: got 5, expected string/);
    assert.match(text, /sources\[2\]\.name: got "A", expected a name no other source has/);
    assert.equal(err.problems.length, 6);
  });

  test('secret values are registered for redaction and never echoed in errors', () => {
    clearSecrets();
    loadConfig({
      cwd: tmp(),
      env: {
        ARRGUS_SOURCES: JSON.stringify([{ name: 's', app: 'sonarr', url: 'http://s:8989', apiKey: 'abcd1234efgh' }]),
      },
      ...NO_ADDON,
    });
    assert.equal(redact('calling with abcd1234efgh'), 'calling with [redacted]');
    let err: unknown;
    try {
      loadConfig({ cwd: tmp(), env: { ARRGUS_WEB__TOKEN: 'short' }, ...NO_ADDON });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.doesNotMatch(err.message, /short/);
  });

  test('unreadable or malformed files are clear errors', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'web: [unclosed');
    assert.throws(() => loadConfig({ file: bad, cwd: dir, env: {}, ...NO_ADDON }), /not valid YAML/);
    assert.throws(
      () => loadConfig({ file: join(dir, 'missing.yaml'), cwd: dir, env: {}, ...NO_ADDON }),
      /cannot read .*ENOENT/,
    );
  });
});

describe('arrgus check-config', () => {
  const cli = new URL('../cli.ts', import.meta.url).pathname;
  const env = { ...process.env, ARRGUS_ADDON_OPTIONS: '/nonexistent/options.json' };

  test('exits 2 and lists every problem for an invalid file', () => {
    const dir = tmp();
    const file = join(dir, 'arrgus.yaml');
    writeFileSync(file, 'web: { port: -1 }\nbogus: 1\n');
    const r = spawnSync(process.execPath, [cli, 'check-config', file], { encoding: 'utf8', env });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /web\.port: got -1/);
    assert.match(r.stderr, /bogus: unknown key/);
  });

  test('exits 0 for a valid file', () => {
    const dir = tmp();
    const file = join(dir, 'arrgus.yaml');
    writeFileSync(file, 'sources:\n  - { name: sonarr, app: sonarr, path: /config/logs }\n');
    const r = spawnSync(process.execPath, [cli, 'check-config', file], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /valid/);
  });
});

test('secrets: empty or short values are refused naming the key, URL schemes are checked', () => {
  const bad = (raw: unknown): string => {
    try {
      validateConfig(raw);
    } catch (e) {
      return (e as Error).message;
    }
    return 'valid';
  };
  const src = { name: 's', app: 'sonarr', path: '/x' };
  assert.match(bad({ sources: [{ ...src, webhookSecret: '' }] }), /sources\[0\]\.webhookSecret: .*at least 8/);
  assert.match(bad({ sources: [{ ...src, webhookSecret: 'short' }] }), /sources\[0\]\.webhookSecret/);
  assert.match(
    bad({ sources: [{ ...src, apiKey: 'abc' }] }),
    /sources\[0\]\.apiKey: got "\[redacted\]", expected at least 4/,
  );
  assert.match(bad({ mqtt: { password: '' } }), /mqtt\.password/);
  assert.match(bad({ web: { token: '' } }), /web\.token/);
  for (const url of ['file:///etc/passwd', 'ftp://x/', 'javascript:alert(1)']) {
    assert.match(bad({ sources: [{ ...src, url }] }), /sources\[0\]\.url: .*http/);
  }
  assert.equal(bad({ sources: [{ ...src, url: 'https://sonarr:8989', apiKey: '0123456789abcdef' }] }), 'valid');
  // Every URL Arrgus links to or calls is http(s); every secret at least 4 characters, wherever it is written.
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)']) {
    assert.match(bad({ web: { publicUrl: url } }), /web\.publicUrl: .*http/);
    assert.match(bad({ ai: { url } }), /ai\.url: .*http/);
  }
  assert.match(bad({ ai: { apiKey: 'abc' } }), /ai\.apiKey: got "\[redacted\]", expected at least 4/);
  for (const url of ['mqtt://arrgus:abc@broker:1883', 'mqtt://arrgus:@broker', 'mqtts://arrgus:a%40b@broker']) {
    const message = bad({ mqtt: { url } });
    assert.match(message, /mqtt\.url: .*password of at least 4 characters/);
    assert.ok(!message.includes('arrgus:'), message);
  }
  assert.equal(bad({ mqtt: { url: 'mqtt://arrgus@broker:1883' } }), 'valid');
  assert.equal(bad({ mqtt: { url: 'mqtt://arrgus:long-enough@broker:1883' } }), 'valid');
});
