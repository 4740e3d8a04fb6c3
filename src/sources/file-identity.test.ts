import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredCheckpoint } from '../store/records.ts';
import {
  checkpointMatches,
  FINGERPRINT_BYTES,
  hashOf,
  isCopyName,
  laterGenerations,
  locate,
  mayBeCopyName,
  sameLineage,
  statOrNull,
} from './file-identity.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'arrgus-identity-'));
  dirs.push(d);
  return d;
}

const line = (n: number) => `2026-01-01 00:00:00.0|Info|Test|line ${n}\n`;
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join('');

/** What a tailer stores after reading `path` to its end: identity, fingerprint of the first bytes, offset at the end. */
function checkpointOf(path: string): StoredCheckpoint {
  const st = statSync(path);
  const head = readFileSync(path).subarray(0, FINGERPRINT_BYTES);
  return {
    source: 's',
    path,
    dev: st.dev,
    ino: st.ino,
    fpLen: head.length,
    fpHash: hashOf(head),
    offset: st.size,
    savedAt: 0,
  };
}

test('locate finds a checkpointed file renamed or copied, and says when it is gone', async () => {
  const d = tmp();
  const f = join(d, 'Plex Media Server.log');
  writeFileSync(f, lines(1, 3));
  const ck = checkpointOf(f);
  assert.equal((await locate(ck))?.how, 'same');
  renameSync(f, join(d, 'Plex Media Server.1.log'));
  writeFileSync(f, lines(50, 51));
  assert.deepEqual((await locate(ck))?.path, join(d, 'Plex Media Server.1.log'));
  copyFileSync(join(d, 'Plex Media Server.1.log'), join(d, 'Plex Media Server.log.1'));
  unlinkSync(join(d, 'Plex Media Server.1.log'));
  assert.equal((await locate(ck))?.how, 'copy');
  unlinkSync(join(d, 'Plex Media Server.log.1'));
  assert.equal(await locate(ck), null);
});

test('a checkpoint names its file while it grows, not once truncated, rewritten or replaced', async () => {
  const d = tmp();
  const f = join(d, 'sonarr.txt');
  writeFileSync(f, lines(1, 3));
  const ck = checkpointOf(f);
  const head = () => readFileSync(f).subarray(0, FINGERPRINT_BYTES);
  const stat = async () => (await statOrNull(f)) ?? assert.fail('the file is there');
  appendFileSync(f, lines(4, 5));
  assert.ok(checkpointMatches(ck, await stat(), head()));
  writeFileSync(f, lines(1, 2));
  assert.ok(!checkpointMatches(ck, await stat(), head()), 'shorter than the offset');
  writeFileSync(f, lines(100, 110));
  assert.ok(!checkpointMatches(ck, await stat(), head()), 'other first bytes');
  unlinkSync(f);
  writeFileSync(f, lines(1, 5));
  const st = await stat();
  assert.ok(!checkpointMatches(ck, { ...st, ino: ck.ino + 1 }, head()), 'another inode');
});

test('later generations: the lineage born after a mark, oldest first, minus skipped and claimed files', async () => {
  const d = tmp();
  const live = join(d, 'sonarr.txt');
  writeFileSync(join(d, 'sonarr.5.txt'), line(1));
  await sleep(20);
  writeFileSync(live, line(2));
  const mark = (await statOrNull(live)) ?? assert.fail('written');
  await sleep(20);
  // Born in the opposite order of their names: the order comes from the files, not the listing.
  for (const name of ['sonarr.3.txt', 'sonarr.1.txt', 'sonarr.0.txt', 'sonarr.2.txt', 'sonarr.debug.txt']) {
    writeFileSync(join(d, name), line(3));
    await sleep(20);
  }
  const claimed = (await statOrNull(join(d, 'sonarr.2.txt'))) ?? assert.fail('written');
  const found = await laterGenerations(
    live,
    mark,
    (p) => p.endsWith('sonarr.0.txt'),
    new Set([`${claimed.dev}:${claimed.ino}`]),
  );
  assert.deepEqual(
    found.map((g) => g.path),
    [join(d, 'sonarr.3.txt'), join(d, 'sonarr.1.txt')],
  );
  assert.deepEqual(await laterGenerations(join(d, 'gone', 'x.log'), mark, () => false, new Set()), []);
});

test('rotated names share a lineage with their live file, other logs do not', () => {
  assert.ok(sameLineage('/l/sonarr.txt', '/l/sonarr.0.txt'));
  assert.ok(sameLineage('/l/Plex Media Server.log', '/l/Plex Media Server.3.log'));
  assert.ok(sameLineage('/l/log_20260101.log', '/l/log_20260102_001.log'));
  assert.ok(sameLineage('/l/qbittorrent.log', '/l/qbittorrent.log.bak1'));
  assert.ok(!sameLineage('/l/sonarr.txt', '/l/sonarr.debug.txt'));
  assert.ok(!sameLineage('/l/Plex Media Server.log', '/l/Plex Media Scanner.log'));
});

test('copytruncate copies: logrotate suffixes and dated copies; never another day nor an NLog generation', () => {
  assert.ok(isCopyName('/l/sonarr.txt.1', '/l/sonarr.txt'));
  assert.ok(isCopyName('/l/sonarr.txt-20260101', '/l/sonarr.txt'));
  assert.ok(!isCopyName('/l/sonarr.0.txt', '/l/sonarr.txt'));
  assert.ok(!isCopyName('/l/sonarr.txt', '/l/sonarr.txt'));
  assert.ok(!isCopyName('/l/log_20260102.log', '/l/log_20260101.log'));
  assert.ok(!isCopyName('/l/sonarr.debug.txt', '/l/sonarr.txt'));
  // With first bytes to confirm it, a number inside the name may be a copy too; a changed number (a new day) is not.
  assert.ok(mayBeCopyName('/l/sonarr.0.txt', '/l/sonarr.txt'));
  assert.ok(mayBeCopyName('/l/Plex Media Server.1.log', '/l/Plex Media Server.log'));
  assert.ok(mayBeCopyName('/l/sonarr.txt.1', '/l/sonarr.txt'));
  assert.ok(!mayBeCopyName('/l/log_20260102.log', '/l/log_20260101.log'));
  assert.ok(!mayBeCopyName('/l/sonarr.debug.txt', '/l/sonarr.txt'));
  assert.ok(!mayBeCopyName('/l/sonarr.0.log', '/l/sonarr.txt'));
  assert.ok(!mayBeCopyName('/l/sonarr.txt', '/l/sonarr.txt'));
});
