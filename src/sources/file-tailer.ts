/**
 * One followed file: reads its bytes into a LinePipeline from a byte offset that a checkpoint can name exactly. It
 * keeps the file descriptor open, so a file renamed or deleted under it is still drained to its end before the tailer
 * moves on to the file that now has its name (rename+recreate, delete+recreate). A file that shrinks or whose first
 * bytes change was truncated in place (copytruncate): the copy is looked for among the siblings and drained from where
 * we were, then the file is read again from 0. Which file is which is decided by file-identity.ts.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { Logger } from '../core/logger.ts';
import type { Checkpoint } from '../store/records.ts';
import {
  checkpointMatches,
  type FileInfo,
  type FileStat,
  type FileTimes,
  findCopy,
  hashOf,
  identityKey,
  isMissing,
  laterGenerations,
  newerThanLive,
  openExpected,
  readCopiesBornAfter,
  readHead,
  statOrNull,
} from './file-identity.ts';
import { assemblerApp } from './file-selection.ts';
import { CHUNK_BYTES, LinePipeline, type LinePipelineOptions } from './line-pipeline.ts';

/** How long after the last appended bytes a file still counts as active (quick re-reads, see activeRecheckMs). */
const ACTIVE_WINDOW_MS = 250;
/** Chunks read before yielding to the event loop, so one busy file cannot starve the others or the HTTP API. */
const CHUNKS_PER_TURN = 16;

/** What a LinePipeline needs, plus the name to follow and how to follow it. */
export interface TailerOptions extends Omit<LinePipelineOptions, 'app' | 'file'> {
  /** The source's configured app; `auto` is resolved per file from its name. */
  app: string;
  /** The live name the file is followed under: the checkpoint key, and the name checked for rotation. */
  path: string;
  /** The file to read when it is not `path` (draining a rotated generation under the live name's checkpoint). */
  file?: string;
  /**
   * While a file keeps growing, look again this soon after a read instead of waiting for the next event: chokidar
   * coalesces a busy file's change events (about one per 50 ms) and polling sees changes once per interval.
   */
  activeRecheckMs?: number;
  /**
   * Back-pressure: called before each read; a promise returned means "wait for room" (the store is behind). The file
   * keeps the lines meanwhile, so waiting loses nothing and memory stays bounded.
   */
  room?: () => Promise<void> | undefined;
  logger: Logger;
}

/**
 * Where to begin a file that has no usable checkpoint: after its last complete line, at its start (backfill: dropping
 * records older than `minTime`), or at a known offset (a copy whose first bytes were checked by `locate`).
 */
export type StartMode = { at: 'end' } | { at: 'begin'; minTime?: number } | { at: 'offset'; offset: number };

const idOf = (st: { dev: number; ino: number }): string => `${st.dev}:${st.ino}`;
const timesOf = (st: FileStat) => ({ dev: st.dev, ino: st.ino, birthtimeMs: st.birthtimeMs, mtimeMs: st.mtimeMs });

/** The last generation a restart drained under this name, and every one it read (dev:ino), for `catchUpAfter`. */
export type CatchUp = FileTimes & { dev: number; ino: number; claimed: ReadonlySet<string> };

export type OpenResult = 'resumed' | 'end' | 'begin' | 'missing';

export class FileTailer {
  readonly path: string;
  /** The file being read: `path`, or a rotated generation being drained. */
  readonly file: string;
  private readonly opts: TailerOptions;
  private readonly pipe: LinePipeline;
  private fh: FileHandle | null = null;
  private dev = -1;
  private ino = -1;
  /** Next byte to read. */
  private pos = 0;
  /** The file's first bytes as last seen (up to FINGERPRINT_BYTES): tells a truncated or replaced file. */
  private fp: Buffer = Buffer.alloc(0);
  private fpHash = hashOf(Buffer.alloc(0));
  /** The file's mtime when it was last seen empty (fingerprint empty): copies born after it were never read. */
  private emptySince: FileTimes | null = null;
  private buf: Buffer | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Set by `catchUpAfter`: generations rotated after this one are read before the live file. */
  private skipAfter: CatchUp | null = null;
  private stopping = false;
  private recheckTimer: NodeJS.Timeout | null = null;
  /** When bytes last arrived (monotonic): quick looks continue for a moment after, so a short stall keeps them. */
  private lastDataAt = Number.NEGATIVE_INFINITY;
  /** While a copy is read into the stream (see readOther): its identity, which checkpoints then name. */
  private other: { dev: number; ino: number; fpLen: number; fpHash: string } | null = null;

  constructor(opts: TailerOptions) {
    this.opts = opts;
    this.path = opts.path;
    this.file = opts.file ?? opts.path;
    this.pipe = new LinePipeline({ ...opts, app: assemblerApp(opts.app, opts.path), file: this.file });
  }

  /** Lines read, for the parse-failure ratio and tests. */
  get lines(): number {
    return this.pipe.lines;
  }

  /**
   * Opens the file: resumes at the checkpoint when it still names this very file (same inode, same first bytes, not
   * shorter than the offset), else starts where `mode` says.
   */
  async open(
    checkpoint: Checkpoint | null,
    mode: StartMode,
    file = this.file,
    expect?: { dev: number; ino: number },
  ): Promise<OpenResult> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      if (isMissing(err)) return 'missing';
      throw err;
    }
    const st = await fh.stat();
    // Opening a listed generation by name races with a rotation renaming it: another file under that name is not it.
    if (expect && (st.dev !== expect.dev || st.ino !== expect.ino)) {
      await fh.close();
      return 'missing';
    }
    const head = await readHead(fh, st.size);
    let result: OpenResult;
    let offset = 0;
    if (checkpoint && checkpointMatches(checkpoint, st, head)) {
      offset = checkpoint.offset;
      result = 'resumed';
    } else if (mode.at === 'offset' && mode.offset <= st.size) {
      offset = mode.offset;
      result = 'resumed';
    } else if (mode.at === 'end') {
      // Begin after the last complete line: a half-written last line is read once its newline arrives.
      offset = await lastLineEnd(fh, st.size);
      result = 'end';
    } else {
      result = 'begin';
    }
    // From here on no await: identity, first bytes and offset change together, so a checkpoint taken at any moment
    // names one file with its own offset (never the new inode with the old file's offset).
    this.fh = fh;
    this.dev = st.dev;
    this.ino = st.ino;
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.other = null;
    this.pipe.skipBefore(result === 'begin' && mode.at === 'begin' ? mode.minTime : undefined);
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
    const o = this.other;
    return {
      source: this.opts.source,
      path: this.path,
      dev: o ? o.dev : this.dev,
      ino: o ? o.ino : this.ino,
      fpLen: o ? o.fpLen : this.fp.length,
      fpHash: o ? o.fpHash : this.fpHash,
      offset: this.pipe.offset,
      ...(!o && this.fp.length === 0 && this.emptySince ? { since: Math.ceil(this.emptySince.mtimeMs) } : {}),
    };
  }

  /** Reads the file to its end, emits everything including a last line without newline, and closes it. */
  async drain(): Promise<void> {
    // Halt first: a poke (event, quick re-read) must not start a second reader beside this one.
    this.halt();
    await this.idle();
    if (this.fh) {
      await this.readToEof(false);
      this.pipe.endLines();
    }
    this.pipe.flush();
    await this.closeHandle();
  }

  /** Stops following: emits the pending record (its lines are complete), keeps a partial line unread, closes. */
  async stop(): Promise<void> {
    this.halt();
    await this.idle();
    this.pipe.flush();
    await this.closeHandle();
  }

  private halt(): void {
    this.stopping = true;
    this.pipe.clearIdle();
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
    if (this.stopping) this.pipe.clearIdle();
    else this.pipe.armIdle(() => this.running !== null || this.stopping);
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

  /**
   * After a restart drained the generations rotated while we were down, the name may have rotated again before this
   * tailer opened it: read whatever generation was born after `last` (and before the file now open) first.
   */
  catchUpAfter(last: CatchUp): void {
    this.skipAfter = last;
  }

  private async cycle(): Promise<void> {
    if (this.skipAfter && this.fh && this.pos === 0) await this.catchUp();
    for (let hops = 0; hops < 4 && !this.stopping; hops++) {
      if (!this.fh) {
        const r = await this.open(null, { at: 'begin' });
        if (r === 'missing') return;
        if (this.skipAfter) await this.catchUp();
        if (!this.fh) return;
        this.opts.logger.info(`Now following the new ${this.path} from its start.`);
      }
      await this.checkTruncated();
      await this.readToEof(true);
      const now = await statOrNull(this.path);
      if (now && now.dev === this.dev && now.ino === this.ino) return;
      // The name points elsewhere (renamed or deleted): drain what was written before the switch, then move on.
      await this.readToEof(false);
      this.pipe.endOfFile();
      const drained = this.fh ? await this.fh.stat() : null;
      await this.closeHandle();
      // Generations rotated after this one but before the file we open next are read first (see catchUp).
      if (drained) this.skipAfter = { ...timesOf(drained), claimed: new Set([idOf(drained)]) };
      this.opts.logger.info(
        now
          ? `${this.path} was rotated; drained the old file and switching to the new one.`
          : `${this.path} was removed; drained it and waiting for it to come back.`,
      );
      if (!now) return;
    }
  }

  /**
   * The name moved on more than once since the last file we read under it (a busy log on a slow machine, or a restart
   * whose drain took a while): the generations born after that file and before the one now open were never read.
   * Read each from its start, oldest first, as the current file (so a checkpoint taken meanwhile names it and a crash
   * resumes inside it), listing again after each and reopening the name, until none is left; then the live file.
   */
  private async catchUp(): Promise<void> {
    for (let round = 0; round < 50 && !this.stopping; round++) {
      const after = this.skipAfter;
      const fh = this.fh;
      if (!after || !fh) return;
      const live = await fh.stat();
      const claimed = new Set([...after.claimed, idOf(live)]);
      const me = { ...timesOf(live), path: this.path };
      const [g] = (await laterGenerations(this.path, after, () => false, claimed)).filter((x) => !newerThanLive(x, me));
      if (!g) {
        this.skipAfter = null;
        return;
      }
      await this.closeHandle(); // the live file is not read yet (offset 0): reopened below
      if ((await this.open(null, { at: 'begin' }, g.path, { dev: g.dev, ino: g.ino })) !== 'missing') {
        this.opts.logger.info(`${this.path} was rotated more than once before it was read; reading ${g.path} first.`);
        await this.readToEof(false);
        this.pipe.endOfFile();
        await this.closeHandle();
        this.skipAfter = { ...timesOf(g), dev: g.dev, ino: g.ino, claimed: new Set([...after.claimed, idOf(g)]) };
      }
      if ((await this.open(null, { at: 'begin' })) === 'missing') return;
    }
  }

  /** Copytruncate or an in-place rewrite: the file is shorter than what we read, or its first bytes changed. */
  private async checkTruncated(): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    const st = await fh.stat();
    const head = await readHead(fh, st.size);
    const same = head.length >= this.fp.length && head.subarray(0, this.fp.length).equals(this.fp);
    if (st.size >= this.pos && same) {
      if (this.emptySince && head.length > 0 && this.pos === 0) await this.drainEarlierCopies();
      if (head.length > this.fp.length) this.setFingerprint(head);
      if (head.length > 0) this.emptySince = null;
      return;
    }
    // The copy is opened by identity; a rotation shifting copies (`.1` to `.2`) between finding and opening it means
    // looking again, never reading another copy from our offset.
    let copy: FileInfo | null = null;
    for (let attempt = 0; attempt < 20; attempt++) {
      copy = await findCopy(this.path, this.fp, this.pos, this.dev, this.ino);
      if (!copy || (await this.readOther(copy, this.pos))) break;
    }
    this.pipe.endOfFile();
    // Truncated again while we read that copy (a busy log, a slow machine): what the file held in between is in copies
    // born after it, none of it read yet. They come first, oldest first, then the file from its start.
    if (copy) await this.drainCopiesSince(copy, new Set([identityKey(copy)]));
    this.opts.logger.info(
      copy
        ? `${this.path} was truncated (copytruncate); drained the copy ${copy.path} and reading it again from the start.`
        : `${this.path} was truncated; reading it again from the start.`,
    );
    const now = await fh.stat();
    const fresh = await readHead(fh, now.size);
    // Offset, fingerprint and identity change together (no await between): a checkpoint taken in between would pair
    // offset 0 with the old first bytes, and a restart would find the copy by them and read it again from its start.
    this.other = null;
    this.resetTo(0);
    this.setFingerprint(fresh);
    this.emptySince = this.fp.length === 0 ? { birthtimeMs: now.mtimeMs, mtimeMs: now.mtimeMs } : null;
  }

  /**
   * The file was empty when last seen and has content now: if it was copied and truncated in between, the copy holds
   * lines we never read, and our (empty) fingerprint cannot tell. Read such copies first, each from its start.
   */
  private async drainEarlierCopies(): Promise<void> {
    const since = this.emptySince;
    if (!since) return;
    await this.drainCopiesSince(since, new Set());
    this.other = null;
    this.resetTo(0);
  }

  /**
   * Reads every copy of the file born after `since` and not in `read`, each from its start, oldest first; one at a time,
   * listing again after each, since copies shift names (`.1` to `.2`) while rotations go on.
   */
  private async drainCopiesSince(since: FileTimes, read: Set<string>): Promise<void> {
    await readCopiesBornAfter(
      this.file,
      this.ino,
      since,
      read,
      async (copy) => {
        if (!(await this.readOther(copy, 0, true))) return false;
        this.opts.logger.info(`${this.path} was copied to ${copy.path} before we read it; read the copy.`);
        this.pipe.endOfFile();
        return true;
      },
      50,
    );
  }

  private async readToEof(yieldTurns: boolean): Promise<void> {
    const fh = this.fh;
    const buf = this.buf;
    if (!fh || !buf) return;
    for (let n = 1; ; n++) {
      const wait = this.opts.room?.();
      if (wait) await wait;
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      this.lastDataAt = performance.now();
      this.pipe.push(buf.subarray(0, bytesRead));
      if (this.stopping && yieldTurns) return;
      if (n % CHUNKS_PER_TURN === 0) await yieldTurn();
    }
  }

  /**
   * Feeds another file (a copytruncate copy) from `from` to its end into the current line stream; with `restart` the
   * stream begins anew at `from`. Meanwhile checkpoints name that file (its identity and first bytes), so a crash
   * resumes inside it; the caller switches back (`other = null`) when it moves on. False when the name no longer holds
   * that file (the caller looks for it again).
   */
  private async readOther(copy: FileInfo, from: number, restart = false): Promise<boolean> {
    const fh = await openExpected(copy.path, copy);
    if (!fh) return false;
    try {
      const st = await fh.stat();
      const head = await readHead(fh, st.size);
      this.other = { dev: st.dev, ino: st.ino, fpLen: head.length, fpHash: hashOf(head) };
      if (restart) this.resetTo(from);
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      for (let at = from; ; ) {
        const wait = this.opts.room?.();
        if (wait) await wait;
        const { bytesRead } = await fh.read(buf, 0, buf.length, at);
        if (bytesRead === 0) return true;
        at += bytesRead;
        this.pipe.push(buf.subarray(0, bytesRead));
      }
    } finally {
      await fh.close();
    }
  }

  private setFingerprint(head: Buffer): void {
    this.fp = Buffer.from(head);
    this.fpHash = hashOf(this.fp);
  }

  private resetTo(offset: number): void {
    this.pos = offset;
    this.pipe.restart(offset);
  }

  private async closeHandle(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.buf = null;
    if (fh) await fh.close();
  }
}

/** Offset just after the last newline at or before `size` (`size` when there is none in the last chunk). */
async function lastLineEnd(fh: FileHandle, size: number): Promise<number> {
  if (size === 0) return 0;
  const n = Math.min(size, CHUNK_BYTES);
  const tail = Buffer.alloc(n);
  const { bytesRead } = await fh.read(tail, 0, n, size - n);
  const nl = tail.subarray(0, bytesRead).lastIndexOf(10);
  return nl < 0 ? size : size - n + nl + 1;
}
