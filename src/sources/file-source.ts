/**
 * One configured file source (a directory, a file or a glob): picks the files worth following for its app, follows
 * them with one FileTailer each, and notices new, rotated and vanished files through chokidar events (polling on
 * network shares) plus a periodic rescan as a safety net. At start it settles every stored checkpoint first: a file
 * rotated, copied or replaced while Arrgus was down is found by identity, drained, and so are generations rotated
 * after it, before the live files are read. Which files to follow is file-selection.ts; which file is which after a
 * rotation is file-identity.ts; reading the generations rotated while we were down is generation-drain.ts; this class
 * owns only the lifecycle (start, rescans, drains, stop) around them.
 */
import { statSync } from 'node:fs';
import { type FSWatcher, watch } from 'chokidar';
import type { SourceConfig } from '../config/sources.ts';
import type { Logger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import type { AssemblerLimits } from '../parsers/assembler.ts';
import type { Zone } from '../parsers/time.ts';
import type { Checkpoint, RecordStore, StoredCheckpoint } from '../store/records.ts';
import { byBirth, type FileInfo, identityKey, type Located, locate, sameLineage } from './file-identity.ts';
import { fsProblem, isGlob, type ListingProblem, listFiles, selectFiles, watchScope } from './file-selection.ts';
import { FileTailer, type OpenResult, type StartMode } from './file-tailer.ts';
import {
  backfillGenerations,
  drainChain,
  drainCopiesOfEmpty,
  type GenerationReader,
  type LastRead,
} from './generation-drain.ts';
import { SourceProblems } from './source-problems.ts';

export interface FileSourceOptions {
  source: SourceConfig & { path: string };
  store: RecordStore;
  zone?: Zone;
  maxLineBytes: number;
  limits: AssemblerLimits;
  idleFlushMs: number;
  rescanMs: number;
  now: () => number;
  logger: Logger;
  emit(record: LogRecord): void;
  afterChunk(): void;
  /** Back-pressure from the store: see TailerOptions.room. */
  room?: () => Promise<void> | undefined;
  /** The set of followed files changed. */
  onFiles(files: string[]): void;
  /** What the source cannot read changed (empty: it reads everything). See source-problems.ts. */
  onProblems?(problems: ListingProblem[]): void;
}

export class FileSource {
  readonly name: string;
  private readonly opts: FileSourceOptions;
  private readonly tailers = new Map<string, FileTailer>();
  /** Rotated generations being drained at start, under the live name's checkpoint. */
  private readonly draining = new Set<FileTailer>();
  private forgotten: string[] = [];
  /** Checkpoints of drained files, per key, until a tailer of that key has a checkpoint of its own. */
  private readonly settled = new Map<string, Checkpoint>();
  /** Identity of every file listed at start: one of them selected later began before us (read from the end). */
  private readonly known = new Set<string>();
  /** Whether the configured path is a directory; null until a listing could tell (see listFiles). */
  private isDir: boolean | null = null;
  private watcher: FSWatcher | null = null;
  /** The watcher was set up while its folder could not be read: it is set up again once the folder can. */
  private watchBroken = false;
  private readonly problems: SourceProblems;
  /** Drains rotated generations at start (generation-drain.ts) through this source's tailers. */
  private readonly generations: GenerationReader;
  private rescanTimer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  /** The next try at what fails (source-problems.ts backs it off), sooner than the periodic rescan. */
  private retryTimer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescanAgain = false;
  private stopped = false;

  constructor(opts: FileSourceOptions) {
    this.opts = opts;
    this.name = opts.source.name;
    this.problems = new SourceProblems({
      source: opts.source.name,
      logger: opts.logger,
      maxBackoffMs: opts.rescanMs,
      onChange: (p) => opts.onProblems?.(p),
    });
    this.generations = {
      name: this.name,
      logger: opts.logger,
      drainOne: (key, file, ck, mode, expect) => this.drainOne(key, file, ck, mode, expect),
    };
  }

  get files(): string[] {
    return [...this.tailers.keys()].sort();
  }

  async start(): Promise<void> {
    const { source, store, now, logger } = this.opts;
    const seenAt = store.seenAt(source.name);
    const stored = store.checkpoints(source.name);
    const listing = await this.list();
    for (const f of listing) this.known.add(identityKey(f));
    const selected = new Set(this.select(listing));
    const resume = new Map<string, StoredCheckpoint>();
    const fromStart = new Map<string, LastRead>();
    for (const ck of stored) {
      let loc: Located | null;
      try {
        loc = await locate(ck);
      } catch (err) {
        // Its folder or file is closed to us: the checkpoint stays, and the file resumes from it once it can be read.
        if (selected.has(ck.path)) this.problems.openFailed(ck.path, fsProblem(err), { ck, mode: { at: 'end' } });
        continue;
      }
      if (loc?.how === 'same' && selected.has(ck.path)) {
        if (ck.fpLen === 0) await drainCopiesOfEmpty(this.generations, ck, loc);
        resume.set(ck.path, ck);
        continue;
      }
      const last = await drainChain(
        this.generations,
        ck,
        loc,
        selected,
        stored,
        liveOfLineage(ck.path, listing, selected),
      );
      if (selected.has(ck.path)) fromStart.set(ck.path, last);
      else this.forget(ck.path);
    }
    // Files with no checkpoint: a first start begins at their end (or backfills); a restart reads files born while we
    // were down from their start. Discovery takes up to a rescan, hence the slack.
    const lastSaved = Math.max(seenAt ?? 0, ...stored.map((c) => c.savedAt)) - 2 * this.opts.rescanMs;
    for (const path of selected) {
      if (this.problems.plan(path)) continue;
      const info = listing.find((f) => f.path === path);
      let mode: StartMode;
      if (fromStart.has(path)) mode = { at: 'begin' };
      else if (seenAt === null) mode = this.firstStartMode(info);
      else mode = info && info.birthtimeMs > 0 && info.birthtimeMs < lastSaved ? { at: 'end' } : { at: 'begin' };
      if (seenAt === null && mode.at === 'begin' && !fromStart.has(path) && !resume.has(path)) {
        const last = await backfillGenerations(this.generations, path, selected, stored, mode.minTime, info);
        if (last) fromStart.set(path, last);
      }
      await this.follow(path, resume.get(path) ?? null, mode, fromStart.get(path));
    }
    if (seenAt === null) store.markSeen(source.name, now());
    this.problems.report();
    logger.info(
      this.tailers.size
        ? `Source ${source.name} (${source.app}) follows ${this.tailers.size} file(s) under ${source.path}.`
        : `Source ${source.name} (${source.app}) has no log file under ${source.path} yet; watching for one.`,
      { files: this.files },
    );
    this.opts.onFiles(this.files);
    await this.watch();
    // Files created between the listing and the watcher being ready raised no event.
    this.requestRescan();
    this.rescanTimer = setInterval(() => this.requestRescan(), this.opts.rescanMs);
    this.rescanTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.debounce) clearTimeout(this.debounce);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.rescanTimer = null;
    this.debounce = null;
    this.retryTimer = null;
    const w = this.watcher;
    this.watcher = null;
    if (w) await w.close();
    while (this.scanning) await this.scanning;
    await Promise.all([...this.tailers.values()].map((t) => t.stop()));
  }

  /** What the source cannot read now (see source-problems.ts). */
  currentProblems(): ListingProblem[] {
    return this.problems.list();
  }

  /** Bytes written to the followed files beyond what was read (live files only; for `/metrics`). No side effects. */
  lag(): number {
    let bytes = 0;
    for (const t of this.tailers.values()) {
      const c = t.checkpoint();
      const st = c ? statSync(t.path, { throwIfNoEntry: false }) : undefined;
      if (c && st && st.ino === c.ino && st.size > c.offset) bytes += st.size - c.offset;
    }
    return bytes;
  }

  /** Current positions, for the next commit. */
  checkpoints(): Checkpoint[] {
    const out = new Map<string, Checkpoint>(this.settled);
    for (const t of this.tailers.values()) {
      const c = t.checkpoint();
      if (c) {
        out.set(t.path, c);
        this.settled.delete(t.path);
      }
    }
    for (const t of this.draining) {
      const c = t.checkpoint();
      if (c) out.set(t.path, c);
    }
    return [...out.values()];
  }

  /** Checkpoint keys of files no longer followed (drained to their end); cleared by the call. */
  takeForgotten(): string[] {
    const f = this.forgotten;
    this.forgotten = [];
    return f;
  }

  private forget(path: string): void {
    this.settled.delete(path);
    this.forgotten.push(path);
  }

  /** Re-lists the files and reads every followed one (rescan timer, or an event about an unknown file). */
  requestRescan(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescanAgain = true;
      return;
    }
    this.scanning = this.rescan()
      .catch((err: unknown) => this.opts.logger.warn(`Rescanning source ${this.name} failed.`, { error: err }))
      .finally(() => {
        this.scanning = null;
        if (this.rescanAgain && !this.stopped) {
          this.rescanAgain = false;
          this.requestRescan();
        }
      });
  }

  private async rescan(): Promise<void> {
    const listing = await this.list();
    const selected = new Set(this.select(listing));
    this.problems.keepOnly(selected);
    let changed = false;
    /** Files no longer followed, drained: a new file of their lineage first reads what was born between (see below). */
    const dropped: Array<{ path: string; last?: LastRead }> = [];
    for (const [path, t] of this.tailers) {
      if (selected.has(path) || this.stopped) continue;
      this.tailers.delete(path);
      // Still counted while it drains: a commit meanwhile stores its records with its checkpoint, never without.
      this.draining.add(t);
      try {
        await t.drain();
      } finally {
        this.draining.delete(t);
      }
      const c = t.checkpoint();
      // Its checkpoint (at its end) stays until the file that replaces it has one of its own (forgotten below): a
      // commit in between with neither would leave a restart nothing to find the days in between from.
      if (c) this.settled.set(path, c);
      const info = listing.find((f) => f.path === path);
      const same = c && info && info.dev === c.dev && info.ino === c.ino;
      dropped.push(same ? { path, last: { ...info, claimed: new Set([`${c.dev}:${c.ino}`]) } } : { path });
      changed = true;
      this.opts.logger.info(`Source ${this.name} no longer follows ${path}.`);
    }
    for (const path of selected) {
      if (this.tailers.has(path) || this.stopped || !this.problems.due(path)) continue;
      const info = listing.find((f) => f.path === path);
      // Selected now but listed at start (a verbosity switch): it began before us. Otherwise it is new: whole file.
      // A file that failed to open starts where its first attempt would have.
      const plan = this.problems.plan(path);
      const mode: StartMode =
        plan?.mode ?? (info && this.known.has(identityKey(info)) ? { at: 'end' } : { at: 'begin' });
      // A daily log replaced by a newer one: days begun in between (two rotations within one rescan, or while a
      // restart was busy) are read first, oldest first.
      const before = mode.at === 'begin' ? dropped.find((d) => d.last && sameLineage(d.path, path))?.last : undefined;
      if (!(await this.follow(path, plan?.ck ?? null, mode, before))) continue;
      changed = true;
      this.opts.logger.info(`Source ${this.name} now follows ${path}.`, { from: mode.at });
    }
    for (const d of dropped) this.forget(d.path);
    if (changed) this.opts.onFiles(this.files);
    this.problems.report();
    if (this.watchBroken && !this.stopped && !this.rootFailed()) await this.rewatch();
    this.scheduleRetry();
    for (const t of this.tailers.values()) t.poke();
  }

  /**
   * `lastRead`: the generation drained last under this name; the live tailer first reads any rotated after it. False
   * when the file cannot be opened (no permission, a symlink loop): it is tried again with backoff at later rescans,
   * from where it would have begun now (a start at its end becomes its current size, so the wait loses nothing).
   */
  private async follow(path: string, ck: Checkpoint | null, mode: StartMode, lastRead?: LastRead): Promise<boolean> {
    const t = this.newTailer(path);
    this.tailers.set(path, t);
    let how: OpenResult;
    try {
      how = await t.open(ck, mode);
    } catch (err) {
      this.tailers.delete(path);
      await t.stop();
      const size = mode.at === 'end' ? statSync(path, { throwIfNoEntry: false })?.size : undefined;
      const retry: StartMode = size === undefined ? mode : { at: 'offset', offset: size };
      this.problems.openFailed(path, fsProblem(err), { ck, mode: retry });
      return false;
    }
    this.problems.opened(path);
    if (lastRead) t.catchUpAfter(lastRead);
    this.opts.logger.debug(`Following ${path}.`, { source: this.name, start: how });
    t.poke();
    return true;
  }

  private newTailer(path: string, file?: string): FileTailer {
    const o = this.opts;
    return new FileTailer({
      source: o.source.name,
      app: o.source.app,
      path,
      ...(file !== undefined ? { file } : {}),
      ...(o.zone ? { zone: o.zone } : {}),
      maxLineBytes: o.maxLineBytes,
      limits: o.limits,
      idleFlushMs: o.idleFlushMs,
      activeRecheckMs: o.source.poll ? Math.min(50, o.source.pollInterval) : 10,
      now: o.now,
      logger: o.logger,
      emit: o.emit,
      afterChunk: o.afterChunk,
      ...(o.room ? { room: o.room } : {}),
    });
  }

  private async drainOne(
    key: string,
    file: string,
    ck: Checkpoint | null,
    mode: StartMode,
    expect?: { dev: number; ino: number },
  ): Promise<OpenResult | 'failed'> {
    const t = this.newTailer(key, file);
    this.draining.add(t);
    try {
      let result: OpenResult;
      try {
        result = await t.open(ck, mode, file, expect);
      } catch (err) {
        // One unreadable generation must not keep the live file (and the rest of the folder) from being read.
        this.opts.logger.warn(`Could not read ${file} (${fsProblem(err)}); its lines are skipped.`, {
          source: this.name,
        });
        await t.stop();
        return 'failed';
      }
      if (result !== 'missing') await t.drain();
      return result;
    } finally {
      this.draining.delete(t);
      // Until a live tailer or forgetting replaces it, the key names the last drained generation at its end: a commit
      // of the drained records must never go out with the older checkpoint still stored.
      const c = t.checkpoint();
      if (c) this.settled.set(key, c);
    }
  }

  private firstStartMode(info: FileInfo | undefined): StartMode {
    const backfill = this.opts.source.backfill;
    if (backfill === 'all') return { at: 'begin' };
    if (typeof backfill === 'number' && backfill > 0) {
      const cutoff = this.opts.now() - backfill;
      // Untouched since before the cutoff: nothing in it is recent enough.
      if (info && info.mtimeMs < cutoff) return { at: 'end' };
      return { at: 'begin', minTime: cutoff };
    }
    return { at: 'end' };
  }

  private select(listing: FileInfo[]): string[] {
    if (this.kind() === 'file') return listing.map((f) => f.path);
    return selectFiles(this.opts.source.app, listing, this.opts.now());
  }

  private kind(): 'file' | 'dir' | 'glob' {
    const p = this.opts.source.path;
    if (isGlob(p)) return 'glob';
    return this.isDir === false ? 'file' : 'dir';
  }

  /** Regular files the source covers; learns whether its path is a file or a directory on the way. */
  private async list(): Promise<FileInfo[]> {
    const { files, isDir, problems } = await listFiles(this.opts.source.path, this.opts.source.app, this.isDir);
    this.isDir = isDir;
    this.problems.setListing(problems);
    return files;
  }

  /** Whether the folder the watcher watches (or the configured path) could not be read by the last listing. */
  private rootFailed(): boolean {
    const s = this.opts.source;
    const { root } = watchScope(s.path, s.app, this.kind() === 'file');
    return this.problems.listingFailed(root) || this.problems.listingFailed(s.path);
  }

  /** The folder can be read again: a watcher set up while it could not sees nothing, so it is set up anew. */
  private async rewatch(): Promise<void> {
    const old = this.watcher;
    this.watcher = null;
    if (old) await old.close();
    if (this.stopped) return;
    await this.watch();
    this.opts.logger.info(`Source ${this.name} watches its folder again.`);
  }

  private async watch(): Promise<void> {
    const s = this.opts.source;
    this.watchBroken = this.rootFailed();
    const { root, depth } = watchScope(s.path, s.app, this.kind() === 'file');
    const w = watch(root, {
      ignoreInitial: true,
      atomic: false,
      ...(depth !== undefined ? { depth } : {}),
      backend: s.poll ? 'polling' : 'auto',
      pollingInterval: s.pollInterval,
      // Only log-like files matter; polling every file of a busy directory costs CPU.
      ignored: (p, st) => Boolean(st?.isFile()) && !/\.(log|txt)(\.\d+)?$/i.test(p) && p !== s.path,
    });
    w.on('all', (event, p) => {
      const t = this.tailers.get(p);
      if (t) t.poke();
      if (!t || event !== 'change') this.scheduleRescan();
    });
    w.on('error', (err) =>
      this.opts.logger.warn(`Watching ${root} failed; the periodic rescan carries on.`, { error: err }),
    );
    this.watcher = w;
    await new Promise<void>((resolve) => w.once('ready', resolve));
  }

  private scheduleRetry(): void {
    const wait = this.problems.nextRetryIn();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (wait === undefined || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.requestRescan();
    }, wait);
    this.retryTimer.unref();
  }

  private scheduleRescan(): void {
    if (this.debounce || this.stopped) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.requestRescan();
    }, 50);
  }
}

/** The oldest followed file of `path`'s lineage as listed at start: where the generations rotated from it end. */
function liveOfLineage(path: string, listing: FileInfo[], selected: Set<string>): FileInfo | undefined {
  return listing.filter((f) => selected.has(f.path) && sameLineage(f.path, path)).sort(byBirth)[0];
}
