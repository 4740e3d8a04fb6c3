import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FileInfo } from './file-identity.ts';
import { ACTIVE_MS, assemblerApp, listFiles, selectFiles, watchScope } from './file-selection.ts';

const NOW = Date.UTC(2026, 0, 10, 12);
const f = (path: string, ageMs = 0): FileInfo => ({
  path: `/logs/${path}`,
  dev: 1,
  ino: path.length,
  size: 100,
  mtimeMs: NOW - ageMs,
  birthtimeMs: 0,
});
const names = (paths: string[]) => paths.map((p) => p.replace('/logs/', ''));

test('Plex: the live logs, never the rotated .N.log copies nor the XML statistics', () => {
  const files = [
    f('Plex Media Server.log'),
    f('Plex Media Server.1.log'),
    f('Plex Media Server.5.log'),
    f('Plex Media Scanner.log'),
    f('Plex DLNA Server.2.log'),
    f('Plex Transcoder Statistics.log'),
    f('.hidden.log'),
  ];
  assert.deepEqual(names(selectFiles('plex', files, NOW)), ['Plex Media Scanner.log', 'Plex Media Server.log']);
});

test('NLog: one verbosity family, the most verbose still written; archives never', () => {
  const all = [f('sonarr.txt'), f('sonarr.debug.txt'), f('sonarr.trace.txt', 1000), f('sonarr.0.txt')];
  assert.deepEqual(names(selectFiles('sonarr', all, NOW)), ['sonarr.trace.txt']);
  // Trace was switched off a day ago: its file is stale, debug is what is written now.
  const stale = [f('sonarr.txt'), f('sonarr.debug.txt'), f('sonarr.trace.txt', 86_400_000), f('sonarr.debug.3.txt')];
  assert.deepEqual(names(selectFiles('sonarr', stale, NOW)), ['sonarr.debug.txt']);
  assert.deepEqual(names(selectFiles('radarr', [f('radarr.txt'), f('radarr.1.txt')], NOW)), ['radarr.txt']);
});

test('Jellyfin: the newest daily log plus FFmpeg logs written recently', () => {
  const files = [
    f('log_20260108.log', 2 * 86_400_000),
    f('log_20260109.log', 86_400_000),
    f('log_20260110.log'),
    f('FFmpeg.Transcode-2026-01-10_11-00-00_abc_def.log', 60_000),
    f('FFmpeg.DirectStream-2026-01-09_11-00-00_abc_def.log', ACTIVE_MS + 1),
  ];
  assert.deepEqual(names(selectFiles('jellyfin', files, NOW)), [
    'FFmpeg.Transcode-2026-01-10_11-00-00_abc_def.log',
    'log_20260110.log',
  ]);
  const sizeRolled = [f('log_20260110.log'), f('log_20260110_001.log')];
  assert.deepEqual(names(selectFiles('jellyfin', sizeRolled, NOW)), ['log_20260110_001.log']);
});

test('Emby, Docker, qBittorrent, Overseerr and auto pick their live files', () => {
  assert.deepEqual(names(selectFiles('emby', [f('embyserver.txt'), f('embyserver-1.txt')], NOW)), ['embyserver.txt']);
  assert.deepEqual(names(selectFiles('docker', [f('abc/abc-json.log'), f('abc/abc-json.log.1')], NOW)), [
    'abc/abc-json.log',
  ]);
  assert.deepEqual(names(selectFiles('qbittorrent', [f('qbittorrent.log'), f('qbittorrent.log.bak')], NOW)), [
    'qbittorrent.log',
  ]);
  assert.deepEqual(
    names(
      selectFiles('overseerr', [f('overseerr.log'), f('overseerr-2026-01-09.log'), f('overseerr-2026-01-10.log')], NOW),
    ),
    ['overseerr-2026-01-10.log'],
  );
  assert.deepEqual(
    names(
      selectFiles('auto', [f('sonarr.txt'), f('sonarr.debug.txt'), f('bazarr.log'), f('bazarr.log.2026-01-09')], NOW),
    ),
    ['bazarr.log', 'sonarr.debug.txt'],
  );
});

test('auto resolves the parsers per file from its name; a configured app is kept', () => {
  assert.equal(assemblerApp('auto', '/logs/sonarr.debug.txt'), 'sonarr');
  assert.equal(assemblerApp('auto', '/logs/whatever.log'), 'auto');
  assert.equal(assemblerApp('radarr', '/logs/sonarr.txt'), 'radarr');
});

test('a directory lists its files (Docker: one level down); a missing file stays a file', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-selection-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'c1'));
  writeFileSync(join(root, 'c1', 'c1-json.log'), '{}\n');
  mkdirSync(join(root, 'c2'));
  writeFileSync(join(root, 'top.log'), 'x\n');
  const docker = await listFiles(root, 'docker', null);
  assert.equal(docker.isDir, true);
  assert.deepEqual(docker.files.map((f) => f.path).sort(), [join(root, 'c1', 'c1-json.log'), join(root, 'top.log')]);
  assert.deepEqual(
    (await listFiles(root, 'sonarr', null)).files.map((f) => f.path),
    [join(root, 'top.log')],
  );
  const single = join(root, 'top.log');
  assert.deepEqual(await listFiles(single, 'sonarr', null), {
    files: (await listFiles(root, 'sonarr', null)).files,
    isDir: false,
    problems: [],
  });
  // Not there yet: a name with an extension is a file to wait for; what an earlier listing learnt is kept. A missing
  // folder (or the folder of a missing file) is a problem.
  assert.deepEqual(await listFiles(join(root, 'later.log'), 'sonarr', null), { files: [], isDir: false, problems: [] });
  const notFound = (path: string) => [{ path, error: 'not found' }];
  assert.deepEqual(await listFiles(join(root, 'later'), 'sonarr', null), {
    files: [],
    isDir: null,
    problems: notFound(join(root, 'later')),
  });
  assert.deepEqual(await listFiles(join(root, 'later'), 'sonarr', true), {
    files: [],
    isDir: true,
    problems: notFound(join(root, 'later')),
  });
  assert.deepEqual(
    (await listFiles(join(root, 'gone', 'x.log'), 'sonarr', null)).problems,
    notFound(join(root, 'gone')),
  );
  const globbed = await listFiles(join(root, '*', '*-json.log'), 'docker', null);
  assert.deepEqual(
    globbed.files.map((f) => f.path),
    [join(root, 'c1', 'c1-json.log')],
  );
});

test('the watch covers what the path can name, no deeper than needed', () => {
  assert.deepEqual(watchScope('/logs/*/*-json.log', 'docker', false), { root: '/logs', depth: 1 });
  assert.deepEqual(watchScope('/logs/**/*.log', 'auto', false), { root: '/logs' });
  assert.deepEqual(watchScope('/*.log', 'auto', false), { root: '/', depth: 0 });
  assert.deepEqual(watchScope('/logs/sonarr.txt', 'sonarr', true), { root: '/logs', depth: 0 });
  assert.deepEqual(watchScope('/var/lib/docker/containers', 'docker', false), {
    root: '/var/lib/docker/containers',
    depth: 1,
  });
});

test('one bad entry is a problem beside the files that can be read: a symlink loop, a link to nowhere is no file', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-selection-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'sonarr.txt'), 'x\n');
  symlinkSync('loop.txt', join(root, 'loop.txt'));
  // Loops under names no log has are nobody's concern; dangling links are files not there yet.
  symlinkSync('notes', join(root, 'notes'));
  symlinkSync('missing.txt', join(root, 'dangling.txt'));
  const listed = await listFiles(root, 'sonarr', null);
  assert.deepEqual(
    listed.files.map((f) => f.path),
    [join(root, 'sonarr.txt')],
  );
  assert.deepEqual(listed.problems, [{ path: join(root, 'loop.txt'), error: 'symbolic link loop' }]);
  // The configured path itself a loop: a problem, not a throw.
  assert.deepEqual((await listFiles(join(root, 'loop.txt'), 'sonarr', null)).problems, [
    { path: join(root, 'loop.txt'), error: 'symbolic link loop' },
  ]);
});
