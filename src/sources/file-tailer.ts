/**
 * One followed file: bytes → LineSplitter → Assembler → records, from a byte offset that a checkpoint can name exactly
 * (the assembler's `committedOffset`). It keeps the file descriptor open, so a file renamed or deleted under it is
 * still drained to its end before the tailer moves on to the file that now has its name (rename+recreate,
 * delete+recreate). A file that shrinks or whose first bytes change was truncated in place (copytruncate): the copy
 * is looked for among the siblings and drained from where we were, then the file is read again from 0.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { Logger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { appFromFileName } from '../parsers/app-hint.ts';
import { Assembler, type AssemblerLimits } from '../parsers/assembler.ts';
import { parsersFor } from '../parsers/index.ts';
import type { Zone } from '../parsers/time.ts';
import type { Checkpoint } from '../store/records.ts';
import { LineSplitter } from './line-splitter.ts';

const CHUNK = 64 * 1024;
/** Bytes at the start of a file that identify its content (with dev + inode) across restarts. */
export const FINGERPRINT_BYTES = 1024;
/** How long after the last appended bytes a file still counts as active (quick re-reads, see activeRecheckMs). */
const ACTIVE_WINDOW_MS = 250;
/** Chunks read before yielding to the event loop, so one busy file cannot starve the others or the HTTP API. */
const CHUNKS_PER_TURN = 16;

export interface TailerOptions {
  source: string;
  /** The source's configured app; `auto` is resolved per file from its name. */
  app: string;
  /** The live name the file is followed under: the checkpoint key, and the name checked for rotation. */
  path: string;
  /** The file to read when it is not `path` (draining a rotated generation under the live name's checkpoint). */
  file?: string;
  zone?: Zone;
  maxLineBytes: number;
  limits: AssemblerLimits;
  idleFlushMs: number;
  /**
   * While a file keeps growing, look again this soon after a read instead of waiting for the next event: chokidar
   * coalesces a busy file's change events (about one per 50 ms) and polling sees changes once per interval.
   */
  activeRecheckMs?: number;
  /** Reference time for records without a date. */
  now: () => number;
  logger: Logger;
  emit(record: LogRecord): void;
  /** Called between chunks, never from inside the assembler: the one place where a batch may be committed. */
  afterChunk(): void;
}

/**
 * Where to begin a file that has no usable checkpoint: after its last complete line, at its start (backfill: dropping
 * records older than `minTime`), or at a known offset (a copy whose first bytes were checked by `locate`).
 */
export type StartMode = { at: 'end' } | { at: 'begin'; minTime?: number } | { at: 'offset'; offset: number };

export type OpenResult = 'resumed' | 'end' | 'begin' | 'missing';

/** The assembler app and parsers for one file of a source (`auto` guesses from the file name, like replay). */
export function assemblerApp(sourceApp: string, file: string): string {
  return sourceApp === 'auto' ? (appFromFileName(file) ?? 'auto') : sourceApp;
}

export class FileTailer {
  readonly path: string;
  /** The file being read: `path`, or a rotated generation being drained. */
  readonly file: string;
  private readonly opts: TailerOptions;
  private fh: FileHandle | null = null;
  private dev = -1;
  private ino = -1;
  /** Next byte to read. */
  private pos = 0;
  /** Where the current assembler began: its offsets are all at or after it (a fresh one reports 0). */
  private base = 0;
  /** The file's first bytes as last seen (up to FINGERPRINT_BYTES): tells a truncated or replaced file. */
  private fp: Buffer = Buffer.alloc(0);
  private fpHash = hashOf(Buffer.alloc(0));
  /** The file's mtime when it was last seen empty (fingerprint empty): copies born after it were never read. */
  private emptySince: { birthtimeMs: number; mtimeMs: number } | null = null;
  private splitter: LineSplitter;
  private asm: Assembler;
  private buf: Buffer | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;
  /** When bytes last arrived (monotonic): quick looks continue for a moment after, so a short stall keeps them. */
  private lastDataAt = Number.NEGATIVE_INFINITY;
  private minTime: number | undefined;
  /** Lines read, for the parse-failure ratio and tests. */
  lines = 0;

  constructor(opts: TailerOptions) {
    this.opts = opts;
    this.path = opts.path;
    this.file = opts.file ?? opts.path;
    this.asm = this.newAssembler();
    this.splitter = this.newSplitter(0);
  }

  /**
   * Opens the file: resumes at the checkpoint when it still names this very file (same inode, same first bytes, not
   * shorter than the offset), else starts where `mode` says.
   */
  async open(checkpoint: Checkpoint | null, mode: StartMode): Promise<OpenResult> {
    let fh: FileHandle;
    try {
      fh = await open(this.file, 'r');
    } catch (err) {
      if (isMissing(err)) return 'missing';
      throw err;
    }
    const st = await fh.stat();
    this.fh = fh;
    this.dev = st.dev;
    this.ino = st.ino;
    this.buf = Buffer.allocUnsafe(CHUNK);
    const head = await this.readHead(st.size);
    let result: OpenResult;
    let offset = 0;
    if (
      checkpoint &&
      checkpoint.dev === st.dev &&
      checkpoint.ino === st.ino &&
      checkpoint.offset <= st.size &&
      head.length >= checkpoint.fpLen &&
      hashOf(head.subarray(0, checkpoint.fpLen)) === checkpoint.fpHash
    ) {
      offset = checkpoint.offset;
      result = 'resumed';
    } else if (mode.at === 'offset' && mode.offset <= st.size) {
      offset = mode.offset;
      result = 'resumed';
    } else if (mode.at === 'end') {
      // Begin after the last complete line: a half-written last line is read once its newline arrives.
      offset = await this.lastLineEnd(st.size);
      result = 'end';
    } else {
      result = 'begin';
    }
    this.minTime = result === 'begin' && mode.at === 'begin' ? mode.minTime : undefined;
    this.setFingerprint(head);
    this.emptySince = head.length === 0 ? { birthtimeMs: st.mtimeMs, mtimeMs: st.mtimeMs } : null;
    this.resetTo(offset);
    return result;
  }

  /** Something may have changed (an event, a rescan): read what is new, follow a rotation. Coalesced. */
  poke(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no read is in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The position to store: null until a file has been opened. */
  checkpoint(): Checkpoint | null {
    if (this.dev < 0) return null;
    return {
      source: this.opts.source,
      path: this.path,
      dev: this.dev,
      ino: this.ino,
      fpLen: this.fp.length,
      fpHash: this.fpHash,
      offset: Math.max(this.base, this.asm.committedOffset),
    };
  }

  /** Reads the file to its end, emits everything including a last line without newline, and closes it. */
  async drain(): Promise<void> {
    // Halt first: a poke (event, quick re-read) must not start a second reader beside this one.
    this.halt();
    await this.idle();
    if (this.fh) {
      await this.readToEof(false);
      this.splitter.end();
    }
    this.asm.flush();
    await this.closeHandle();
  }

  /** Stops following: emits the pending record (its lines are complete), keeps a partial line unread, closes. */
  async stop(): Promise<void> {
    this.halt();
    await this.idle();
    this.asm.flush();
    await this.closeHandle();
  }

  private halt(): void {
    this.stopping = true;
    this.clearIdle();
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.cycle();
      } while (this.again && !this.stopping);
    } catch (err) {
      this.opts.logger.warn(`Reading ${this.path} failed; retrying on the next change.`, { error: err });
    }
    this.armIdle();
    const recheck = this.opts.activeRecheckMs;
    const active = performance.now() - this.lastDataAt < ACTIVE_WINDOW_MS;
    if (recheck !== undefined && active && !this.stopping && !this.recheckTimer) {
      this.recheckTimer = setTimeout(() => {
        this.recheckTimer = null;
        this.poke();
      }, recheck);
      this.recheckTimer.unref();
    }
  }

  private async cycle(): Promise<void> {
    for (let hops = 0; hops < 4 && !this.stopping; hops++) {
      if (!this.fh) {
        const r = await this.open(null, { at: 'begin' });
        if (r === 'missing') return;
        this.opts.logger.info(`Now following the new ${this.path} from its start.`);
      }
      await this.checkTruncated();
      await this.readToEof(true);
      const now = await statOrNull(this.path);
      if (now && now.dev === this.dev && now.ino === this.ino) return;
      // The name points elsewhere (renamed or deleted): drain what was written before the switch, then move on.
      await this.readToEof(false);
      this.splitter.end();
      this.asm.flush();
      this.opts.afterChunk();
      await this.closeHandle();
      this.opts.logger.info(
        now
          ? `${this.path} was rotated; drained the old file and switching to the new one.`
          : `${this.path} was removed; drained it and waiting for it to come back.`,
      );
      if (!now) return;
    }
  }

  /** Copytruncate or an in-place rewrite: the file is shorter than what we read, or its first bytes changed. */
  private async checkTruncated(): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    const st = await fh.stat();
    const head = await this.readHead(st.size);
    const same = head.length >= this.fp.length && head.subarray(0, this.fp.length).equals(this.fp);
    if (st.size >= this.pos && same) {
      if (this.emptySince && head.length > 0 && this.pos === 0) await this.drainEarlierCopies();
      if (head.length > this.fp.length) this.setFingerprint(head);
      if (head.length > 0) this.emptySince = null;
      return;
    }
    const copy = await findCopy(this.path, this.fp, this.pos, this.dev, this.ino);
    if (copy) await this.readOther(copy, this.pos);
    this.splitter.end();
    this.asm.flush();
    this.opts.afterChunk();
    this.opts.logger.info(
      copy
        ? `${this.path} was truncated (copytruncate); drained the copy ${copy} and reading it again from the start.`
        : `${this.path} was truncated; reading it again from the start.`,
    );
    this.resetTo(0);
    const now = await fh.stat();
    this.setFingerprint(await this.readHead(now.size));
    this.emptySince = this.fp.length === 0 ? { birthtimeMs: now.mtimeMs, mtimeMs: now.mtimeMs } : null;
  }

  /**
   * The file was empty when last seen and has content now: if it was copied and truncated in between, the copy holds
   * lines we never read, and our (empty) fingerprint cannot tell. Read such copies first, each from its start.
   */
  private async drainEarlierCopies(): Promise<void> {
    const since = this.emptySince;
    if (!since) return;
    for (const copy of await copiesBornAfter(this.file, this.ino, since)) {
      this.opts.logger.info(`${this.path} was copied to ${copy} before we read it; reading the copy first.`);
      this.resetTo(0);
      await this.readOther(copy, 0);
      this.splitter.end();
      this.asm.flush();
      this.opts.afterChunk();
    }
    this.resetTo(0);
  }

  private async readToEof(yieldTurns: boolean): Promise<void> {
    const fh = this.fh;
    const buf = this.buf;
    if (!fh || !buf) return;
    for (let n = 1; ; n++) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      this.lastDataAt = performance.now();
      this.splitter.push(buf.subarray(0, bytesRead));
      this.opts.afterChunk();
      if (this.stopping && yieldTurns) return;
      if (n % CHUNKS_PER_TURN === 0) await yieldTurn();
    }
  }

  /** Feeds another file (a copytruncate copy) from `from` to its end into the current line stream. */
  private async readOther(path: string, from: number): Promise<void> {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let at = from; ; ) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, at);
        if (bytesRead === 0) return;
        at += bytesRead;
        this.splitter.push(buf.subarray(0, bytesRead));
        this.opts.afterChunk();
      }
    } finally {
      await fh.close();
    }
  }

  private async readHead(size: number): Promise<Buffer> {
    const fh = this.fh;
    const n = Math.min(size, FINGERPRINT_BYTES);
    if (!fh || n <= 0) return Buffer.alloc(0);
    const head = Buffer.alloc(n);
    const { bytesRead } = await fh.read(head, 0, n, 0);
    return head.subarray(0, bytesRead);
  }

  /** Offset just after the last newline at or before `size` (0 when there is none in the last 64 KiB). */
  private async lastLineEnd(size: number): Promise<number> {
    const fh = this.fh;
    if (!fh || size === 0) return 0;
    const n = Math.min(size, CHUNK);
    const tail = Buffer.alloc(n);
    const { bytesRead } = await fh.read(tail, 0, n, size - n);
    const nl = tail.subarray(0, bytesRead).lastIndexOf(10);
    return nl < 0 ? size : size - n + nl + 1;
  }

  private setFingerprint(head: Buffer): void {
    this.fp = Buffer.from(head);
    this.fpHash = hashOf(this.fp);
  }

  private resetTo(offset: number): void {
    this.pos = offset;
    this.base = offset;
    this.asm = this.newAssembler();
    this.splitter = this.newSplitter(offset);
  }

  private newAssembler(): Assembler {
    const app = assemblerApp(this.opts.app, this.path);
    return new Assembler({
      parsers: parsersFor(app),
      app: app === 'auto' ? 'generic' : app,
      source: this.opts.source,
      file: this.file,
      ...(this.opts.zone ? { zone: this.opts.zone } : {}),
      limits: this.opts.limits,
      now: this.opts.now,
      emit: (rec) => {
        if (this.minTime !== undefined) {
          // Backfill by duration: skip what is older than the cutoff, up to the first record inside the window.
          if (rec.time < this.minTime) return;
          this.minTime = undefined;
        }
        this.opts.emit(rec);
      },
    });
  }

  private newSplitter(offset: number): LineSplitter {
    return new LineSplitter(
      (line, start, end, truncated) => {
        this.lines++;
        this.asm.push(line, start, end, truncated);
      },
      offset,
      this.opts.maxLineBytes,
    );
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.stopping || !this.asm.hasPending()) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.running || this.stopping) return;
      this.asm.flush();
      this.opts.afterChunk();
    }, this.opts.idleFlushMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private async closeHandle(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.buf = null;
    if (fh) await fh.close();
  }
}

// ---- File identity: which file a checkpoint names, after renames, copies and inode reuse. ----

export function hashOf(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export interface FileStat {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** 0 where the filesystem does not record it. */
  birthtimeMs: number;
}

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
 * Whether `b` was created after `a` (a later generation of a rotated log). Birth time when the filesystem keeps it,
 * else the last write; timestamps tick coarsely (a few ms on ext4), so a tie on birth time falls back to the last
 * write, and a full tie counts as later: reading a line twice is the lesser harm than losing it.
 */
export function bornAfter(
  b: { birthtimeMs: number; mtimeMs: number },
  a: { birthtimeMs: number; mtimeMs: number },
): boolean {
  if (a.birthtimeMs > 0 && b.birthtimeMs > 0 && a.birthtimeMs !== b.birthtimeMs) return b.birthtimeMs > a.birthtimeMs;
  return b.mtimeMs >= a.mtimeMs;
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

interface Sibling extends FileStat {
  path: string;
}

/** Regular files in the directory of `path` (itself included). */
export async function siblingsOf(path: string): Promise<Sibling[]> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const out: Sibling[] = [];
  for (const name of names) {
    const p = join(dir, name);
    const st = await statOrNull(p);
    if (st) out.push({ path: p, ...st });
  }
  return out;
}

/** logrotate names a copytruncate copy after the live file plus a suffix: `X.log.1`, `X.log-20260101`. */
export function isCopyName(candidate: string, live: string): boolean {
  const c = basename(candidate);
  const l = basename(live);
  return c !== l && c.startsWith(l);
}

/**
 * Copies of `path` (other inode) born after `ref`, oldest first: when the followed file was empty at `ref`, these
 * hold lines written after it and copied away before we read them (copytruncate twice in a row, or while down).
 */
export async function copiesBornAfter(
  path: string,
  ino: number,
  ref: { birthtimeMs: number; mtimeMs: number },
): Promise<string[]> {
  const found = (await siblingsOf(path)).filter(
    (s) => s.ino !== ino && s.size > 0 && isCopyName(s.path, path) && bornAfter(s, ref),
  );
  found.sort((a, b) => (bornAfter(a, b) ? (bornAfter(b, a) ? 0 : 1) : -1));
  return found.map((s) => s.path);
}

/** A copytruncate copy of the file at `path`: a sibling of its lineage whose first bytes are `fp`, at least `minSize` long. */
export async function findCopy(
  path: string,
  fp: Buffer,
  minSize: number,
  dev: number,
  ino: number,
): Promise<string | null> {
  if (fp.length === 0) return null;
  for (const s of await siblingsOf(path)) {
    if ((s.dev === dev && s.ino === ino) || s.size < minSize || !isCopyName(s.path, path)) continue;
    if ((await headOf(s.path, fp.length)).equals(fp)) return s.path;
  }
  return null;
}

export interface Located {
  /** Where the checkpointed content is now. */
  path: string;
  how: 'same' | 'renamed' | 'copy';
  mtimeMs: number;
  birthtimeMs: number;
}

/**
 * Finds the file a checkpoint was taken on: still under its name, renamed to a sibling (same dev + inode and first
 * bytes), or copied by copytruncate (a sibling of its lineage with the same first bytes). Null when it is gone.
 */
export async function locate(ck: Checkpoint): Promise<Located | null> {
  const siblings = await siblingsOf(ck.path);
  const matches = async (s: Sibling) =>
    s.size >= ck.offset && (ck.fpLen === 0 || hashOf(await headOf(s.path, ck.fpLen)) === ck.fpHash);
  const self = siblings.find((s) => s.path === ck.path);
  if (self && self.dev === ck.dev && self.ino === ck.ino && (await matches(self))) {
    return { path: self.path, how: 'same', mtimeMs: self.mtimeMs, birthtimeMs: self.birthtimeMs };
  }
  for (const s of siblings) {
    if (s.path !== ck.path && s.dev === ck.dev && s.ino === ck.ino && (await matches(s))) {
      return { path: s.path, how: 'renamed', mtimeMs: s.mtimeMs, birthtimeMs: s.birthtimeMs };
    }
  }
  if (ck.fpLen === 0) return null;
  for (const s of siblings) {
    if (!isCopyName(s.path, ck.path)) continue;
    if (await matches(s)) return { path: s.path, how: 'copy', mtimeMs: s.mtimeMs, birthtimeMs: s.birthtimeMs };
  }
  return null;
}
