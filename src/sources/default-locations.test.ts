import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { discoverDefaultSources } from './default-locations.ts';

test('finds app logs in Docker mounts and native paths, and says where it looked for the rest', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-defaults-'));
  const home = mkdtempSync(join(tmpdir(), 'arrgus-home-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const plex = join(root, 'var/lib/plexmediaserver/Library/Application Support/Plex Media Server/Logs');
  mkdirSync(plex, { recursive: true });
  writeFileSync(join(plex, 'Plex Media Server.log'), '');
  mkdirSync(join(root, 'config/logs'), { recursive: true });
  writeFileSync(join(root, 'config/logs/sonarr.txt'), '');
  mkdirSync(join(home, '.config/Radarr/logs'), { recursive: true });
  writeFileSync(join(home, '.config/Radarr/logs/radarr.debug.txt'), '');
  // A directory without that app's files does not count.
  mkdirSync(join(root, 'var/log/jellyfin'), { recursive: true });
  writeFileSync(join(root, 'var/log/jellyfin/notes.txt'), '');

  const d = await discoverDefaultSources({ root, home });
  assert.deepEqual(
    d.found.map((s) => [s.name, s.app, s.path]),
    [
      ['plex', 'plex', plex],
      ['sonarr', 'sonarr', join(root, 'config/logs')],
      ['radarr', 'radarr', join(home, '.config/Radarr/logs')],
    ],
  );
  assert.equal(d.found[0]?.enabled, true);
  const jf = d.missing.find((m) => m.app === 'jellyfin');
  assert.ok(jf?.tried.includes(join(root, 'var/log/jellyfin')));
  assert.ok(!d.missing.some((m) => m.app === 'sonarr'));
});
