/**
 * File identity: which file a checkpoint names after renames, copies and inode reuse. A path is only a name; the
 * content is identified by dev + inode plus its first bytes (an inode is reused by the next file created, and
 * copytruncate gives the same content a new inode). These helpers answer "is this still the file we read?", "where did
 * it go?" and "which generations were written after it?" for the tailer (while running) and the source (at start).
 */

import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Checkpoint } from '../store/records.ts';

/** Bytes at the start of a file that identify its content (with dev + inode) across restarts. */
export const FINGERPRINT_BYTES = 1024;

export function hashOf(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** A file (or a directory on its path) that is not there: an expected state for rotated logs, not an error. */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** When a file was made and last written: orders the generations of a rotated log. */
export interface FileTimes {
  mtimeMs: number;
  /** 0 where the filesystem does not record it. */
  birthtimeMs: number;
}

export interface FileStat extends FileTimes {
  dev: number;
  ino: number;
  size: number;
}

/** A listed file with its identity. */
export interface FileInfo extends FileStat {
  path: string;
}

/** The stat of a regular file; null when it is missing or not a regular file. */
export async function statOrNull(path: string): Promise<FileStat | null> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return null;
    return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, birthtimeMs: st.birthtimeMs };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** dev + inode + birth time: an inode reused by a recreated file is another file. */
export function identityKey(f: FileStat): string {
  return `${f.dev}:${f.ino}:${f.birthtimeMs}`;
}

/** The first bytes of an open file (up to FINGERPRINT_BYTES of its `size`): its fingerprint as of now. */
export async function readHead(fh: FileHandle, size: number): Promise<Buffer> {
  const n = Math.min(size, FINGERPRINT_BYTES);
  if (n <= 0) return Buffer.alloc(0);
  const head = Buffer.alloc(n);
  const { bytesRead } = await fh.read(head, 0, n, 0);
  return head.subarray(0, bytesRead);
}

async function headOf(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Whether a checkpoint still names the open file: same dev + inode, not shorter than the offset (else truncated) and
 * the same first bytes (else the inode was reused or the file rewritten in place).
 */
export function checkpointMatches(ck: Checkpoint, st: FileStat, head: Buffer): boolean {
  return (
    ck.dev === st.dev &&
    ck.ino === st.ino &&
    ck.offset <= st.size &&
    head.length >= ck.fpLen &&
    hashOf(head.subarray(0, ck.fpLen)) === ck.fpHash
  );
}

/**
 * Whether `b` was created after `a` (a later generation of a rotated log). Birth time when the filesystem keeps it,
 * else the last write; timestamps tick coarsely (a few ms on ext4), so a tie on birth time falls back to the last
 * write, and a full tie counts as later: reading a line twice is the lesser harm than losing it.
 */
export function bornAfter(b: FileTimes, a: FileTimes): boolean {
  if (a.birthtimeMs > 0 && b.birthtimeMs > 0 && a.birthtimeMs !== b.birthtimeMs) return b.birthtimeMs > a.birthtimeMs;
  return b.mtimeMs >= a.mtimeMs;
}

/** Sort order for generations, oldest first (files `bornAfter` each other either way tie). */
export function byBirth(a: FileTimes, b: FileTimes): number {
  return bornAfter(a, b) ? (bornAfter(b, a) ? 0 : 1) : -1;
}

/**
 * Rotated names of one live file normalise to the same lineage: digits (generation numbers, dates) and `.bak` are
 * dropped. `sonarr.0.txt` and `sonarr.txt` match; `sonarr.debug.txt` does not; `log_20240102_001.log` matches
 * `log_20240101.log`; `Plex Media Server.1.log` matches `Plex Media Server.log` but not `Plex Media Scanner.log`.
 */
export function sameLineage(a: string, b: string): boolean {
  const norm = (p: string) =>
    basename(p)
      .toLowerCase()
      .replace(/\.bak\d*$/, '')
      .replace(/[._-]?\d+/g, '');
  return norm(a) === norm(b);
}

/**
 * logrotate names a copytruncate copy after the live file plus a suffix: `X.log.1`, `X.log-20260101`. Copies numbered
 * inside the name (`sonarr.0.txt`) are not recognised here: those names are NLog's own rename rotation, and a file
 * taken for a copy on its name alone (no content to compare, see copiesBornAfter) was read twice in the rename scheme.
 */
export function isCopyName(candidate: string, live: string): boolean {
  const c = basename(candidate);
  const l = basename(live);
  return c !== l && c.startsWith(l);
}

/**
 * A name a copy of `live` may have when its first bytes confirm it: a logrotate suffix, or a number inside the name
 * before the extension (`sonarr.0.txt`, `Plex Media Server.1.log`: copytruncate by a script that mimics the app's own
 * names). `log_20260102.log` is not a copy of `log_20260101.log`: the number must be added, not changed.
 */
export function mayBeCopyName(candidate: string, live: string): boolean {
  if (isCopyName(candidate, live)) return true;
  const c = basename(candidate);
  const l = basename(live);
  const dot = l.lastIndexOf('.');
  if (dot <= 0) return false;
  const stem = l.slice(0, dot);
  const ext = l.slice(dot);
  return c.startsWith(`${stem}.`) && c.endsWith(ext) && /^\d+$/.test(c.slice(stem.length + 1, c.length - ext.length));
}

/**
 * A file of `live`'s lineage begun after it: newer than the live file (a daily log begun meanwhile), not one of its
 * older generations. Copytruncate copies are the exception: the live file keeps its inode and birth, so every copy of
 * it is born after it.
 */
export function newerThanLive(g: FileInfo, live: FileTimes & { path: string }): boolean {
  return !mayBeCopyName(g.path, live.path) && bornAfter(g, live) && !bornAfter(live, g);
}

/** Regular files in the directory of `path` (itself included). */
export async function siblingsOf(path: string): Promise<FileInfo[]> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const out: FileInfo[] = [];
  for (const name of names) {
    const p = join(dir, name);
    const st = await statOrSkip(p);
    if (st) out.push({ path: p, ...st });
  }
  return out;
}

/**
 * `statOrNull` for scans of a folder: an entry that cannot be stat'ed (a symlink loop, no permission) is skipped, so
 * one bad entry never stops the scan of the others (the source's listing reports it).
 */
async function statOrSkip(path: string): Promise<FileStat | null> {
  return statOrNull(path).catch(() => null);
}

/**
 * Copies of `path` (other inode) born after `ref`, oldest first: when the followed file was empty at `ref`, these
 * hold lines written after it and copied away before we read them (copytruncate twice in a row, or while down).
 */
export async function copiesBornAfter(path: string, ino: number, ref: FileTimes): Promise<FileInfo[]> {
  // No content to compare: a logrotate suffix is enough; a number inside the name (`sonarr.0.txt`, also NLog's own
  // archives) needs a birth strictly after (a tie could be an archive renamed in the same clock tick).
  const copy = (s: FileInfo) =>
    isCopyName(s.path, path) ? bornAfter(s, ref) : mayBeCopyName(s.path, path) && !bornAfter(ref, s);
  const found = (await siblingsOf(path)).filter((s) => s.ino !== ino && s.size > 0 && copy(s));
  found.sort(byBirth);
  return found;
}

/**
 * Reads, oldest first, every copy of `path` born after `since` whose identity is not in `read` (which it extends), one
 * at a time and listing again after each: copies shift names (`.1` to `.2`) while rotations go on. `readOne` answers
 * false when the name no longer holds that file (the next listing finds it). At most `rounds` copies.
 */
export async function readCopiesBornAfter(
  path: string,
  ino: number,
  since: FileTimes,
  read: Set<string>,
  readOne: (copy: FileInfo) => Promise<boolean>,
  rounds: number,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const copy = (await copiesBornAfter(path, ino, since)).find((c) => !read.has(identityKey(c)));
    if (!copy) return;
    if (await readOne(copy)) read.add(identityKey(copy));
  }
}

/**
 * A copytruncate copy of the file at `path`: a sibling of its lineage whose first bytes are `fp`, at least `minSize`
 * long. Returned with its identity: a rotation shifting `.1` to `.2` can put another copy under the name before the
 * caller opens it, so the caller opens by name and checks dev + inode (see `openExpected`).
 */
export async function findCopy(
  path: string,
  fp: Buffer,
  minSize: number,
  dev: number,
  ino: number,
): Promise<FileInfo | null> {
  if (fp.length === 0) return null;
  for (const s of await siblingsOf(path)) {
    if ((s.dev === dev && s.ino === ino) || s.size < minSize || !mayBeCopyName(s.path, path)) continue;
    if ((await headOf(s.path, fp.length)).equals(fp)) return s;
  }
  return null;
}

/**
 * Opens `path` only if it still is the file `expect` names (dev + inode): null when the name is gone or now holds
 * another file (renamed by a rotation since it was listed).
 */
export async function openExpected(path: string, expect: { dev: number; ino: number }): Promise<FileHandle | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
  const st = await fh.stat();
  if (st.dev === expect.dev && st.ino === expect.ino) return fh;
  await fh.close();
  return null;
}

/**
 * Generations of `path`'s lineage in its directory born after `after`, oldest first: rotated from it while nobody
 * read them. `skip` names paths that are not generations (the live files, the one already drained); `claimed` holds
 * the dev:ino of files that other checkpoints own, so each file is drained under one key only. A directory that
 * cannot be listed has no generations: the checkpoint's own file is reported lost by the caller.
 */
export async function laterGenerations(
  path: string,
  after: FileTimes,
  skip: (p: string) => boolean,
  claimed: ReadonlySet<string>,
): Promise<FileInfo[]> {
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  const later: FileInfo[] = [];
  for (const name of names) {
    const p = join(dir, name);
    if (p === path || skip(p) || !sameLineage(p, path)) continue;
    const st = await statOrSkip(p);
    if (st && bornAfter(st, after) && !claimed.has(`${st.dev}:${st.ino}`)) later.push({ ...st, path: p });
  }
  later.sort(byBirth);
  return later;
}

export interface Located extends FileTimes {
  /** Where the checkpointed content is now, and the identity of the file found there (open it by identity). */
  path: string;
  dev: number;
  ino: number;
  how: 'same' | 'renamed' | 'copy';
}

/**
 * Finds the file a checkpoint was taken on: still under its name, renamed to a sibling (same dev + inode and first
 * bytes), or copied by copytruncate (a sibling of its lineage with the same first bytes). Null when it is gone.
 */
export async function locate(ck: Checkpoint): Promise<Located | null> {
  // A rotation running while we list the directory can move the file from a name not yet stat'ed to one already
  // stat'ed (`.1` → `.2` while we go `.2`, `.1`): look again before calling it gone.
  for (let attempt = 1; ; attempt++) {
    const found = await locateOnce(ck);
    if (found || attempt === LOCATE_ATTEMPTS) return found;
    await sleep(LOCATE_RETRY_MS * attempt);
  }
}

const LOCATE_ATTEMPTS = 4;
const LOCATE_RETRY_MS = 25;

async function locateOnce(ck: Checkpoint): Promise<Located | null> {
  const siblings = await siblingsOf(ck.path);
  const matches = async (s: FileInfo) =>
    s.size >= ck.offset && (ck.fpLen === 0 || hashOf(await headOf(s.path, ck.fpLen)) === ck.fpHash);
  const self = siblings.find((s) => s.path === ck.path);
  if (self && self.dev === ck.dev && self.ino === ck.ino && (await matches(self))) {
    return { ...timesAndId(self), path: self.path, how: 'same' };
  }
  for (const s of siblings) {
    if (s.path !== ck.path && s.dev === ck.dev && s.ino === ck.ino && (await matches(s))) {
      return { ...timesAndId(s), path: s.path, how: 'renamed' };
    }
  }
  if (ck.fpLen === 0) return null;
  for (const s of siblings) {
    if (!mayBeCopyName(s.path, ck.path)) continue;
    if (await matches(s)) return { ...timesAndId(s), path: s.path, how: 'copy' };
  }
  return null;
}

const timesAndId = (s: FileInfo) => ({ dev: s.dev, ino: s.ino, mtimeMs: s.mtimeMs, birthtimeMs: s.birthtimeMs });
