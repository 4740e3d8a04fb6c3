/**
 * Which files of a source to follow: what its configured path covers (one file, a directory, a glob) and, per app,
 * the live file of each log among what is there. Apps keep rotated copies, verbosity variants and per-job logs beside
 * the live one; following those would count lines twice or replay old ones, so each app's naming is spelled out here
 * (FORMATS.md) and kept out of the tailing code. Selection is pure over a listing, so it is tested without files.
 */
import { glob, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { NLOG_APPS } from '../core/types.ts';
import { appFromFileName } from '../parsers/app-hint.ts';
import { type FileInfo, statOrNull } from './file-identity.ts';

const GLOB = /[*?[\]{}]/;

/** Whether a configured path is a glob pattern rather than a file or directory name. */
export function isGlob(path: string): boolean {
  return GLOB.test(path);
}

/**
 * Where to watch for a source path's files, and how deep: a glob from its fixed directory part down to its last
 * segment (any depth for `**`), a file from its directory, a directory itself (one level more for Docker's `<id>/`).
 */
export function watchScope(path: string, app: string, isFile: boolean): { root: string; depth?: number } {
  if (GLOB.test(path))
    return path.includes('**') ? { root: globBase(path) } : { root: globBase(path), depth: globDepth(path) };
  return { root: isFile ? dirname(path) : path, depth: app === 'docker' ? 1 : 0 };
}

/** The directory part of a glob before its first wildcard segment. */
function globBase(pattern: string): string {
  const parts = pattern.split(sep);
  const i = parts.findIndex((p) => GLOB.test(p));
  return parts.slice(0, i).join(sep) || sep;
}

/** How many directory levels below `globBase` the glob reaches. */
function globDepth(pattern: string): number {
  const parts = pattern.split(sep);
  const i = parts.findIndex((p) => GLOB.test(p));
  return Math.max(0, parts.length - i - 1);
}

export interface Listing {
  files: FileInfo[];
  /** Whether the path names a directory; null while that cannot be told (nothing there yet). */
  isDir: boolean | null;
  /** What could not be read: the folder itself, or log-like entries in it (the others are still listed). */
  problems: ListingProblem[];
}

export interface ListingProblem {
  path: string;
  /** Short, for people: `permission denied`, `symbolic link loop`, `not found`. */
  error: string;
}

/** A file system error in words; the code alone says it for the common ones. */
export function fsProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  if (code === 'ENOENT') return 'not found';
  if (code === 'ENOTDIR') return 'not a folder';
  if (code === 'EIO') return 'input/output error';
  return err instanceof Error ? err.message : String(err);
}

/** Entries whose trouble matters: names a log could have (a broken `notes.bak` link is nobody's concern). */
const LOG_NAME = /\.(log|txt)(\.\d+)?$/i;

/**
 * Regular files a source path covers (directories: two levels for Docker's `<id>/<id>-json.log`). `isDir` is what the
 * previous listing learnt: a configured file that is missing now is still a file, not an empty directory. Nothing
 * here throws for one bad entry: an entry that cannot be read (a symlink loop, no permission) is a problem beside the
 * files that can, and so is a folder that is missing or closed to us.
 */
export async function listFiles(root: string, app: string, isDir: boolean | null): Promise<Listing> {
  let dir = isDir;
  const paths: string[] = [];
  const problems: ListingProblem[] = [];
  if (GLOB.test(root)) {
    try {
      for await (const p of glob(root)) paths.push(p);
    } catch (err) {
      problems.push({ path: globBase(root), error: fsProblem(err) });
    }
    const base = globBase(root);
    if (!problems.length && !(await isFolder(base))) problems.push({ path: base, error: 'not found' });
  } else {
    const st = await statOrNull(root).catch((err: unknown) => {
      problems.push({ path: root, error: fsProblem(err) });
      return null;
    });
    if (st) {
      dir = false;
      paths.push(root);
    } else if (!problems.length) {
      let failure: unknown = null;
      const entries = await readdir(root, { withFileTypes: true }).catch((err: unknown) => {
        failure = err;
        return null;
      });
      if (entries) dir = true;
      for (const e of entries ?? []) {
        const p = join(root, e.name);
        if (e.isFile() || e.isSymbolicLink()) paths.push(p);
        else if (e.isDirectory() && app === 'docker') paths.push(join(p, `${e.name}-json.log`));
      }
      // A configured file that does not exist yet: follow it once it appears.
      if (!entries && dir === null && /\.\w+$/.test(basename(root))) dir = false;
      if (!entries) {
        const missing = isMissingError(failure);
        // A file that is not there yet is expected; its folder missing, or any folder closed to us, is a problem.
        if (!missing) problems.push({ path: root, error: fsProblem(failure) });
        else if (dir !== false) problems.push({ path: root, error: 'not found' });
        else if (!(await isFolder(dirname(root)))) problems.push({ path: dirname(root), error: 'not found' });
      }
    }
  }
  const files: FileInfo[] = [];
  for (const p of paths) {
    try {
      const st = await statOrNull(p);
      if (st) files.push({ path: p, ...st });
    } catch (err) {
      if (LOG_NAME.test(p)) problems.push({ path: p, error: fsProblem(err) });
    }
  }
  return { files, isDir: dir, problems };
}

function isMissingError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT';
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The assembler app and parsers for one file of a source (`auto` guesses from the file name, like replay). */
export function assemblerApp(sourceApp: string, file: string): string {
  return sourceApp === 'auto' ? (appFromFileName(file) ?? 'auto') : sourceApp;
}

/** Per-job logs (FFmpeg) are followed while written to recently; older ones are finished. */
export const ACTIVE_MS = 15 * 60_000;

/** Archives: `X.1.log` (Plex), `sonarr.0.txt` (NLog), `X.log.1`, `.bak`, compressed, dated suffixes. */
const ROTATED =
  /(\.\d+\.(log|txt)$)|(\.(log|txt)[.-]\d[\d-]*$)|(\.bak\d*$)|(\.(gz|bz2|xz|zip|zst|7z)$)|(^embyserver-\d+\.txt$)/i;
const LOGLIKE = /\.(log|txt)$/i;
/** XML, not lines (FORMATS.md §2); Emby's filter graphs are not logs either. */
const NOT_LINES = /^(plex transcoder statistics\.log|.*_1graph\.txt|hardware_detection-.*)$/i;

/** The files of one source to follow now: the live file of each log, never its rotated copies. */
export function selectFiles(app: string, files: readonly FileInfo[], now: number): string[] {
  const live = files.filter((f) => {
    const name = basename(f.path);
    return !name.startsWith('.') && LOGLIKE.test(name) && !ROTATED.test(name) && !NOT_LINES.test(name);
  });
  if (app !== 'auto') return pick(app, live, now);
  // `auto`: a directory shared by several apps; each file goes by the app its name says, then by that app's rules.
  const groups = new Map<string, FileInfo[]>();
  for (const f of live) {
    const a = appFromFileName(f.path) ?? 'generic';
    groups.set(a, [...(groups.get(a) ?? []), f]);
  }
  return [...groups].flatMap(([a, g]) => pick(a, g, now)).sort();
}

function pick(app: string, files: FileInfo[], now: number): string[] {
  const names = (re: RegExp) => files.filter((f) => re.test(basename(f.path)));
  const recent = (list: FileInfo[]) => list.filter((f) => now - f.mtimeMs <= ACTIVE_MS);
  const newest = (list: FileInfo[]) =>
    list.length ? [list.reduce((a, b) => (basename(b.path) > basename(a.path) ? b : a))] : [];
  let out: FileInfo[];
  if ((NLOG_APPS as readonly string[]).includes(app)) out = nlogFamily(app, files);
  else if (app === 'jellyfin')
    out = [...newest(names(/^log_\d{8}(_\d+)?\.log$/i)), ...recent(names(/^ffmpeg\.[\w-]+-.*\.log$/i))];
  else if (app === 'emby')
    out = [
      ...names(/^embyserver\.txt$/i),
      ...newest(names(/^server-\d+\.txt$/i)),
      ...recent(names(/^ffmpeg-[\w]+-.*\.txt$/i)),
    ];
  else if (app === 'overseerr') {
    const daily = newest(names(/^(overseerr|jellyseerr|seerr)-\d{4}-\d{2}-\d{2}\.log$/i));
    out = daily.length ? daily : names(/^(overseerr|jellyseerr|seerr)\.log$/i);
  } else if (app === 'docker') out = names(/-json\.log$/i);
  else out = files;
  if (!out.length && app !== 'docker') out = files.filter((f) => /\.log$/i.test(f.path));
  return out.map((f) => f.path).sort();
}

/**
 * NLog writes `<app>.txt` (Info+) and, at Debug/Trace level, also `<app>.debug.txt` / `<app>.trace.txt`, which
 * repeat its lines: follow only the most verbose one still being written, so nothing is counted twice. A file not
 * written within a minute of the family's newest is left over from an earlier log level.
 */
function nlogFamily(app: string, files: FileInfo[]): FileInfo[] {
  const re = new RegExp(`^${app}(\\.(debug|trace))?\\.txt$`, 'i');
  const family = files.filter((f) => re.test(basename(f.path)));
  if (!family.length) return files.filter((f) => appFromFileName(f.path) === app);
  const latest = Math.max(...family.map((f) => f.mtimeMs));
  const rank = (f: FileInfo) => (/\.trace\./i.test(f.path) ? 2 : /\.debug\./i.test(f.path) ? 1 : 0);
  const fresh = family.filter((f) => f.mtimeMs >= latest - 60_000);
  return [fresh.reduce((a, b) => (rank(b) > rank(a) ? b : a))];
}
