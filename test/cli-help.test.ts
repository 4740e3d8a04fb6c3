/** The newcomer's first commands: help, per-command help, version, the replay summary, and the bin on an old Node. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CORPUS_DIR } from './corpus.ts';
import { freePort } from './helpers/mosquitto.ts';

const BIN = new URL('../bin/arrgus.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function arrgus(
  args: string[],
  node = process.execPath,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: mkdtempSync(join(tmpdir(), 'arrgus-cli-')),
      env: { ...process.env, ARRGUS_ADDON_OPTIONS: '/nonexistent/options.json', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('arrgus CLI', () => {
  test('--version prints the package version', async () => {
    const r = await arrgus(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `arrgus ${pkg.version}\n`);
  });

  test('--help lists every command; <command> --help and help <command> explain one', async () => {
    const r = await arrgus(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['run', 'replay', 'check-config', 'notify-test', 'ha-cleanup'])
      assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
    for (const c of ['run', 'replay', 'check-config', 'notify-test', 'ha-cleanup']) {
      const one = await arrgus([c, '--help']);
      assert.equal(one.code, 0, c);
      assert.match(one.stdout, new RegExp(`^Usage: arrgus ${c}\\b`), c);
      assert.equal((await arrgus(['help', c])).stdout, one.stdout);
    }
  });

  test('ha-cleanup says one clear thing when the broker cannot be reached', async () => {
    const port = await freePort();
    const r = await arrgus(['ha-cleanup'], process.execPath, {
      ARRGUS_DATA_DIR: mkdtempSync(join(tmpdir(), 'arrgus-cli-data-')),
      ARRGUS_MQTT__URL: `mqtt://127.0.0.1:${port}`,
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `^arrgus ha-cleanup: cannot reach the MQTT broker at mqtt://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`,
      ),
    );
  });

  test('the replay summary lists the top issues with their titles', async () => {
    const r = await arrgus(['replay', '--format', 'summary', `${CORPUS_DIR}plex/pms-database-locked-2019.log`]);
    assert.equal(r.code, 0, r.stderr);
    const [, top = ''] = r.stdout.split('Top issues:\n');
    const rows = top.trimEnd().split('\n');
    assert.ok(rows.length >= 1 && rows.length <= 10, r.stdout);
    for (const row of rows)
      assert.match(row, /^ {2}(critical|high|medium|low|info) +\S.* \([a-z-]+, (once|[\d,]+ times)\)$/);
  });
});

const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
  const r = spawnSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' });
  return r.status === 0 && Number(r.stdout.trim()) < 24;
});

test('on Node older than 24 the bin says in one line what to install', {
  skip: oldNode ? false : 'no Node older than 24 on this machine',
}, async () => {
  const r = await arrgus(['--help'], oldNode);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^arrgus needs Node\.js 24 or newer, this is v\d+\.\d+\.\d+: install Node 24 LTS .*\n$/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('started as root with ARRGUS_DROP_TO (the image), the bin hands the data dir over and runs unprivileged', {
  skip: process.getuid?.() === 0 ? false : 'needs to start as root',
}, async () => {
  const data = mkdtempSync(join(tmpdir(), 'arrgus-drop-'));
  writeFileSync(join(data, 'instance-id'), 'abc\n');
  const probe = spawnSync(process.execPath, [BIN, '--version'], {
    env: { ...process.env, ARRGUS_DROP_TO: '65534:65534', ARRGUS_DATA_DIR: data },
    encoding: 'utf8',
  });
  assert.equal(probe.status, 0, probe.stderr);
  assert.equal(statSync(data).uid, 65534);
  assert.equal(statSync(join(data, 'instance-id')).uid, 65534);
  const bad = spawnSync(process.execPath, [BIN, '--version'], {
    env: { ...process.env, ARRGUS_DROP_TO: 'node' },
    encoding: 'utf8',
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /ARRGUS_DROP_TO must be uid:gid/);
});
