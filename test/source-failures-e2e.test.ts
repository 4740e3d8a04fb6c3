/**
 * Sources that cannot read at start, through a real `arrgus run` (as `nobody` when the test runs as root, so
 * permissions hold): a folder without permission, a folder with a symlink loop beside a valid log, a folder that does
 * not exist yet. Each is shown failing in /api/health (with the token) and in its MQTT state while the valid log is
 * read; once each cause is fixed, the source reads, without a restart, and shows as reading again.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { type ArrgusProcess, startArrgus, waitFor } from './helpers/arrgus-process.ts';

const TOKEN = 'e2e-source-failures-token-0123456789';

interface HealthSource {
  name: string;
  totalRecords: number;
  reading: 'ok' | 'failing';
  problems: Array<{ path: string; error: string }>;
}
interface Health {
  status: string;
  sources: HealthSource[];
}

function nlog(n: number): string {
  const d = new Date().toISOString().replace('T', ' ').replace('Z', '').slice(0, 21);
  return `${d}|Info|Probe|probe line ${n}\n`;
}

describe('sources that fail at start keep trying, show as failing, and read once fixed', () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-srcfail-'));
  const denied = join(root, 'denied');
  const looped = join(root, 'looped');
  const missing = join(root, 'missing');
  const states = new Map<string, { reading: string; read_problem: string | null }>();
  let arrgus: ArrgusProcess;
  let observer: mqtt.MqttClient;

  const health = async (): Promise<Health> => {
    const r = await fetch(`${arrgus.base}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return (await r.json()) as Health;
  };
  const source = async (name: string) => (await health()).sources.find((s) => s.name === name);

  before(async () => {
    mkdirSync(denied);
    writeFileSync(join(denied, 'sonarr.txt'), nlog(1));
    chmodSync(join(denied, 'sonarr.txt'), 0o644);
    chmodSync(denied, 0);
    mkdirSync(looped);
    writeFileSync(join(looped, 'radarr.txt'), nlog(1));
    chmodSync(join(looped, 'radarr.txt'), 0o666);
    symlinkSync('radarr.debug.txt', join(looped, 'radarr.debug.txt'));
    arrgus = await startArrgus(
      root,
      {
        dataDir: join(root, 'data'),
        instanceId: 'srcfail',
        web: { port: 0, host: '127.0.0.1', token: TOKEN },
        mqtt: { embedded: { port: 0 } },
        // A rescan every 10 s: failing paths are tried sooner than that (1 s, 2 s, 4 s ...), never later.
        ingest: { rescanInterval: '10s' },
        sources: [
          { name: 'sonarr', app: 'sonarr', path: denied },
          { name: 'radarr', app: 'radarr', path: looped },
          { name: 'lidarr', app: 'lidarr', path: missing },
        ],
      },
      { open: [looped] },
    );
    observer = await mqtt.connectAsync(arrgus.mqttUrl as string, { clientId: 'srcfail-observer' });
    observer.on('message', (topic, payload) => {
      const m = /^arrgus\/([^/]+)\/state$/.exec(topic);
      if (m) states.set(m[1] as string, JSON.parse(payload.toString()));
    });
    await observer.subscribeAsync('arrgus/+/state');
  });

  after(async () => {
    await observer?.endAsync();
    const code = await arrgus?.stop();
    chmodSync(denied, 0o755);
    rmSync(root, { recursive: true, force: true });
    assert.equal(code, 0, `arrgus run stopped cleanly:\n${arrgus?.lines.join('\n')}`);
  });

  test('each is failing, with why, in health and MQTT; the valid log beside the loop is read', async () => {
    const h = await waitFor('three failing sources', async () => {
      const x = await health();
      return x.sources.filter((s) => s.reading === 'failing').length === 3 ? x : undefined;
    });
    assert.equal(h.status, 'degraded');
    const by = (n: string) => h.sources.find((s) => s.name === n) as HealthSource;
    assert.deepEqual(by('sonarr').problems, [{ path: denied, error: 'permission denied' }]);
    assert.deepEqual(by('radarr').problems, [{ path: join(looped, 'radarr.debug.txt'), error: 'symbolic link loop' }]);
    assert.deepEqual(by('lidarr').problems, [{ path: missing, error: 'not found' }]);
    // Without the token, health tells nothing about paths.
    const anon = await (await fetch(`${arrgus.base}/api/health`)).json();
    assert.deepEqual(Object.keys(anon as object).sort(), ['status', 'version']);
    for (const name of ['sonarr', 'radarr', 'lidarr']) {
      await waitFor(`${name} failing on MQTT`, () => (states.get(name)?.reading === 'failing' ? true : undefined));
    }
    assert.equal(states.get('radarr')?.read_problem, 'radarr.debug.txt: symbolic link loop');
    appendFileSync(join(looped, 'radarr.txt'), nlog(2) + nlog(3));
    await waitFor('the lines appended beside the loop', async () =>
      ((await source('radarr'))?.totalRecords ?? 0) >= 2 ? true : undefined,
    );
  });

  test('once each cause is fixed, the source reads and shows as reading, without a restart', async () => {
    chmodSync(denied, 0o755);
    unlinkSync(join(looped, 'radarr.debug.txt'));
    mkdirSync(missing);
    writeFileSync(join(missing, 'lidarr.txt'), nlog(1) + nlog(2));
    chmodSync(missing, 0o777);
    chmodSync(join(missing, 'lidarr.txt'), 0o666);
    const h = await waitFor('every source reading', async () => {
      const x = await health();
      return x.sources.every((s) => s.reading === 'ok') ? x : undefined;
    });
    assert.equal(h.status, 'ok');
    // The folder that was closed and the one that appeared are read from their start: nothing in them was read before.
    await waitFor('sonarr and lidarr lines', async () => {
      const x = await health();
      const n = (name: string) => x.sources.find((s) => s.name === name)?.totalRecords ?? 0;
      return n('sonarr') >= 1 && n('lidarr') >= 1 ? true : undefined;
    });
    appendFileSync(join(missing, 'lidarr.txt'), nlog(3));
    await waitFor('lidarr keeps following', async () =>
      ((await source('lidarr'))?.totalRecords ?? 0) >= 2 ? true : undefined,
    );
    for (const name of ['sonarr', 'radarr', 'lidarr']) {
      await waitFor(`${name} reading on MQTT`, () => (states.get(name)?.reading === 'ok' ? true : undefined));
    }
    assert.ok(
      arrgus.lines.some((l) => /sonarr.*can read .*denied again|Source sonarr now follows/.test(l)),
      'the recovery is logged',
    );
  });
});
