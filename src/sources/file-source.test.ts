import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sourceSchema } from '../config/sources.ts';
import { memoryLogger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { openDatabase } from '../store/db.ts';
import { RecordStore } from '../store/records.ts';
import { ACTIVE_MS, type FileInfo, FileSource, selectFiles } from './file-source.ts';

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

test('a polled source follows appends and a file created after start (read from its start)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'arrgus-source-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'containers');
  mkdirSync(join(dir, 'c1'), { recursive: true });
  const json = (t: string) => `${JSON.stringify({ log: `${t}\n`, stream: 'stdout', time: '2026-01-01T00:00:00Z' })}\n`;
  writeFileSync(join(dir, 'c1', 'c1-json.log'), json('old'));
  const store = new RecordStore(openDatabase(':memory:'));
  store.migrate();
  const out: LogRecord[] = [];
  const source = new FileSource({
    source: {
      ...sourceSchema.parse({ name: 'docker', app: 'docker', path: dir, poll: true, pollInterval: '50ms' }),
      path: dir,
    },
    store,
    maxLineBytes: 65_536,
    limits: { maxRecordLines: 500, maxRecordBytes: 65_536 },
    idleFlushMs: 30,
    rescanMs: 60_000,
    now: () => NOW,
    logger: memoryLogger(),
    emit: (r) => out.push(r),
    afterChunk: () => {},
    onFiles: () => {},
  });
  await source.start();
  try {
    appendFileSync(join(dir, 'c1', 'c1-json.log'), json('new one'));
    mkdirSync(join(dir, 'c2'));
    writeFileSync(join(dir, 'c2', 'c2-json.log'), json('second container'));
    const until = Date.now() + 5000;
    while (out.length < 2 && Date.now() < until) await sleep(20);
    assert.deepEqual(out.map((r) => r.message).sort(), ['new one', 'second container']);
    assert.deepEqual(source.files, [join(dir, 'c1', 'c1-json.log'), join(dir, 'c2', 'c2-json.log')]);
  } finally {
    await source.stop();
  }
});
