/**
 * Ingestion: runs every file source and the HTTP-pushed lines through the same pipeline (splitter → assembler →
 * detection → store). Each record goes to `deps.process` (detection, synchronous) and the bus, then into a batch;
 * a batch is stored together with the checkpoints of every followed file in ONE transaction (every
 * `ingest.checkpointInterval`, or sooner when 1000 records or 4 MiB wait), so a restart resumes exactly where the
 * store ends — no line lost, none stored twice. Batches are only committed between chunks, never from inside the
 * assembler, where its committed offset would run ahead of the record being emitted.
 *
 * Wiring (main.ts): `new Ingestion(ctx, { db, process: (r) => detector.process(r), stats })`, where `db` comes from
 * `openDatabase(join(dataDir, 'arrgus.db'))` and `stats` is a `SourceStatsTracker` (the `StatsService` for the API).
 */
import { resolve as resolvePath } from 'node:path';
import type { SourceConfig } from '../config/sources.ts';
import type { Component, CoreContext } from '../core/context.ts';
import type { Logger } from '../core/logger.ts';
import type { LogRecord } from '../core/types.ts';
import { Assembler, type AssemblerLimits } from '../parsers/assembler.ts';
import { parsersFor } from '../parsers/index.ts';
import { type Zone, zoneByName } from '../parsers/time.ts';
import type { Database } from '../store/db.ts';
import { type Checkpoint, RecordStore } from '../store/records.ts';
import { StoreWriter } from '../store/store-writer.ts';
import { type Discovery, discoverDefaultSources, type LocationRoots } from './default-locations.ts';
import { FileSource } from './file-source.ts';
import { TRUNCATION_MARKER } from './line-splitter.ts';
import type { SourceStatsTracker } from './source-stats.ts';

export interface IngestionDeps {
  db: Database;
  /**
   * Detection: called synchronously once per record, before it is stored. A string returned is the id of the issue
   * the record joined (stored with the line). A throw is logged, not fatal.
   */
  process(record: LogRecord): unknown;
  stats: SourceStatsTracker;
  /**
   * Runs right before a batch and its follow positions go to the store: whatever the records caused and keeps in
   * memory for a later commit (notifications) is committed first, so the positions never run ahead of it.
   */
  beforeCommit?: () => void;
  /** Roots for default-location discovery when no source is configured (tests point them at a temp dir). */
  defaultRoots?: LocationRoots;
}

const BATCH_RECORDS = 1000;
const BATCH_BYTES = 4 << 20;
/** Past this, a store that keeps failing costs records instead of memory. */
const MAX_UNSTORED = 100_000;
const MAX_PUSH_STREAMS = 256;
/** A source that cannot start is tried again after 1 s, 2 s, 4 s … at most this long apart. */
const MAX_START_BACKOFF_MS = 5 * 60_000;

interface PushStream {
  asm: Assembler;
  timer: NodeJS.Timeout | null;
}

export class Ingestion implements Component {
  readonly name = 'ingestion';
  private readonly ctx: CoreContext;
  private readonly deps: IngestionDeps;
  private readonly log: Logger;
  private readonly store: RecordStore;
  /** Commits batches off the hot path (a worker thread for a database file). */
  readonly writer: StoreWriter;
  private readonly sources: FileSource[] = [];
  private readonly push = new Map<string, PushStream>();
  private batch: LogRecord[] = [];
  /** The issue of each batched record (`batchIssues[i]` for `batch[i]`). */
  private batchIssues: Array<string | null> = [];
  private batchBytes = 0;
  private forget: Array<{ source: string; path: string }> = [];
  private readonly written = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  /** Sources waiting for another try at starting, by name. */
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private stopping = false;
  private processFailures = 0;
  private storeFailing = false;

  constructor(ctx: CoreContext, deps: IngestionDeps) {
    this.ctx = ctx;
    this.deps = deps;
    this.log = ctx.logger.child('ingest');
    this.store = new RecordStore(deps.db);
    this.writer = new StoreWriter({
      db: deps.db,
      store: this.store,
      logger: this.log,
      maxQueued: ctx.config.store.maxQueued,
    });
  }

  /** The records store (the panel's log view reads it until the full-text store lands). */
  get records(): RecordStore {
    return this.store;
  }

  /** Source names and the files each follows. */
  /** Unread bytes of the followed files, per source (for `/metrics`). */
  tailLag(): Array<{ source: string; bytes: number }> {
    return this.sources.map((s) => ({ source: s.name, bytes: s.lag() }));
  }

  followed(): Array<{ source: string; files: string[] }> {
    return this.sources.map((s) => ({ source: s.name, files: s.files }));
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.store.migrate();
    await this.writer.start();
    const { config } = this.ctx;
    let list: SourceConfig[] = config.sources;
    if (list.length === 0) {
      const found = await discoverDefaultSources(this.deps.defaultRoots ?? {});
      this.logDiscovery(found);
      list = found.found;
    }
    for (const s of list) {
      if (!s.enabled || s.path === undefined) continue;
      this.deps.stats.register(s.name, s.app);
      await this.startSource({ ...s, path: s.path }, 0);
    }
    this.timer = setInterval(() => this.commit(), config.ingest.checkpointInterval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
    await Promise.all(
      this.sources.map((s) =>
        s.stop().catch((err: unknown) => this.log.warn(`Source ${s.name} did not stop cleanly.`, { error: err })),
      ),
    );
    for (const p of this.push.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.asm.flush();
    }
    this.push.clear();
    this.commit();
    this.sources.length = 0;
    await this.writer.stop();
  }

  /**
   * Starts one file source. One that cannot start (its checkpointed files or folder closed to us, anything its start
   * throws) is shown as failing and tried again with backoff, as a new FileSource, until it starts: the other sources
   * carry on meanwhile. Problems a started source meets (an unreadable file, a missing folder) are its own to retry.
   */
  private async startSource(s: SourceConfig & { path: string }, attempt: number): Promise<void> {
    const { config } = this.ctx;
    const zone = this.zoneOf(s);
    const source = new FileSource({
      source: s,
      store: this.store,
      ...(zone ? { zone } : {}),
      maxLineBytes: config.ingest.maxLineBytes,
      limits: this.limits(),
      idleFlushMs: config.ingest.idleFlush,
      rescanMs: config.ingest.rescanInterval,
      now: () => this.ctx.clock.now(),
      logger: this.log.child(s.name),
      emit: (r) => this.accept(r),
      afterChunk: () => this.maybeCommit(),
      // Files wait for the store (they keep their lines); only pushed lines, which cannot wait, are ever dropped.
      room: () => this.writer.room(),
      onFiles: (files) => {
        this.deps.stats.setFiles(s.name, files);
        this.ctx.bus.emit('source', { source: s.name, at: this.ctx.clock.now(), kind: 'files' });
      },
      onProblems: (problems) => this.setProblems(s.name, problems),
    });
    // Listed before it starts: commits during its start-up drains must carry its checkpoints.
    this.sources.push(source);
    try {
      await source.start();
      if (this.stopping) {
        await source.stop();
        return;
      }
      if (attempt > 0) {
        this.log.info(`Source ${s.name} started after ${attempt} failed attempts.`);
        this.setProblems(s.name, source.currentProblems());
      }
      this.log.info(`Source ${s.name} (${s.app}) follows ${resolvePath(s.path)}.`);
    } catch (err) {
      await source.stop().catch((e: unknown) => this.log.warn(`Source ${s.name} did not stop cleanly.`, { error: e }));
      this.commit();
      this.sources.splice(this.sources.indexOf(source), 1);
      const wait = Math.min(1000 * 2 ** Math.min(attempt, 20), MAX_START_BACKOFF_MS);
      const why = { path: s.path, error: err, retryInSeconds: Math.round(wait / 1000) };
      if (attempt === 0)
        this.log.error(`Source ${s.name} could not start; retrying with backoff, the other sources carry on.`, why);
      else this.log.debug(`Source ${s.name} still cannot start (${attempt + 1} attempts).`, why);
      const message = err instanceof Error ? err.message : String(err);
      this.setProblems(s.name, [{ path: s.path, error: `could not start: ${message}` }]);
      if (!this.stopping) {
        const timer = setTimeout(() => {
          this.retries.delete(s.name);
          if (!this.stopping) void this.startSource(s, attempt + 1);
        }, wait);
        timer.unref();
        this.retries.set(s.name, timer);
      }
    }
    if (this.stopping) return;
    this.commit();
    // The source is marked seen now: its first checkpoints must be stored before anything else happens, or a crash
    // would restart it as known with no checkpoint (and skip what it had read).
    await this.writer.drain();
  }

  private setProblems(source: string, problems: ReadonlyArray<{ path: string; error: string }>): void {
    this.deps.stats.setProblems(source, problems);
    this.ctx.bus.emit('source', { source, at: this.ctx.clock.now(), kind: 'files' });
  }

  /**
   * Lines pushed over HTTP (`POST /api/ingest`): one assembler per (source, app), flushed when idle, so multi-line
   * records survive being split across requests. Returns the number of lines accepted.
   */
  pushLines(source: string, app: string, lines: readonly string[]): number {
    const key = `${source}\u0000${app}`;
    let p = this.push.get(key);
    if (!p) {
      if (this.push.size >= MAX_PUSH_STREAMS) this.evictPushStream();
      const configured = this.ctx.config.sources.find((s) => s.name === source);
      const zone = configured ? this.zoneOf(configured) : undefined;
      this.deps.stats.register(source, app);
      p = {
        asm: new Assembler({
          parsers: parsersFor(app),
          app: app === 'auto' ? 'generic' : app,
          source,
          ...(zone ? { zone } : {}),
          limits: this.limits(),
          now: () => this.ctx.clock.now(),
          emit: (r) => {
            // Offsets of pushed lines point into no file.
            delete r.offset;
            this.accept(r);
          },
        }),
        timer: null,
      };
      this.push.set(key, p);
    }
    const max = this.ctx.config.ingest.maxLineBytes;
    for (const raw of lines) {
      const parts = raw.split('\n');
      if (parts.length > 1 && parts.at(-1) === '') parts.pop();
      for (const line of parts) p.asm.push(cleanLine(line, max));
    }
    this.maybeCommit();
    const stream = p;
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = setTimeout(() => {
      stream.timer = null;
      stream.asm.flush();
      this.maybeCommit();
    }, this.ctx.config.ingest.idleFlush);
    stream.timer.unref();
    return lines.length;
  }

  /** Stores the batch and the checkpoints now (tests; stop). */
  commit(): void {
    const checkpoints: Checkpoint[] = [];
    for (const s of this.sources) {
      for (const f of s.takeForgotten()) this.forget.push({ source: s.name, path: f });
      for (const c of s.checkpoints()) {
        const key = `${c.source}\u0000${c.path}`;
        const value = `${c.dev}:${c.ino}:${c.fpLen}:${c.fpHash}:${c.offset}:${c.since ?? ''}`;
        if (this.written.get(key) !== value) checkpoints.push(c);
      }
    }
    if (!this.batch.length && !checkpoints.length && !this.forget.length) return;
    try {
      this.deps.beforeCommit?.();
      this.writer.submit({
        records: this.batch,
        issues: this.batchIssues,
        checkpoints,
        forget: this.forget,
        at: this.ctx.clock.now(),
      });
    } catch (err) {
      if (!this.storeFailing) this.log.error('Storing records failed; they are kept and retried.', { error: err });
      this.storeFailing = true;
      if (this.batch.length > MAX_UNSTORED) {
        this.log.error(`The store keeps failing; dropping ${this.batch.length} unstored records.`);
        this.batch = [];
        this.batchIssues = [];
        this.batchBytes = 0;
      }
      return;
    }
    if (this.storeFailing) this.log.info('Storing records works again.');
    this.storeFailing = false;
    for (const f of this.forget) this.written.delete(`${f.source}\u0000${f.path}`);
    for (const c of checkpoints) {
      this.written.set(
        `${c.source}\u0000${c.path}`,
        `${c.dev}:${c.ino}:${c.fpLen}:${c.fpHash}:${c.offset}:${c.since ?? ''}`,
      );
    }
    this.batch = [];
    this.batchIssues = [];
    this.batchBytes = 0;
    this.forget = [];
  }

  private accept(r: LogRecord): void {
    let issue: string | null = null;
    try {
      const fp = this.deps.process(r);
      if (typeof fp === 'string') issue = fp;
    } catch (err) {
      this.processFailures++;
      if (this.processFailures === 1 || this.processFailures % 1000 === 0) {
        this.log.warn('Detection failed on a record; the record is still stored.', {
          source: r.source,
          failures: this.processFailures,
          error: err,
        });
      }
    }
    this.deps.stats.record(r);
    if (issue !== null) r.issue = issue;
    this.ctx.bus.emit('record', r);
    this.batch.push(r);
    this.batchIssues.push(issue);
    this.batchBytes += r.raw.length + r.message.length;
  }

  private maybeCommit(): void {
    if (this.batch.length >= BATCH_RECORDS || this.batchBytes >= BATCH_BYTES) this.commit();
  }

  private evictPushStream(): void {
    const [key, oldest] = this.push.entries().next().value ?? [];
    if (key === undefined || !oldest) return;
    if (oldest.timer) clearTimeout(oldest.timer);
    oldest.asm.flush();
    this.push.delete(key);
  }

  private limits(): AssemblerLimits {
    const { maxRecordLines, maxRecordBytes } = this.ctx.config.ingest;
    return { maxRecordLines, maxRecordBytes };
  }

  private zoneOf(s: SourceConfig): Zone | undefined {
    if (!s.timezone) return undefined;
    try {
      return zoneByName(s.timezone);
    } catch (err) {
      this.log.warn(`Source ${s.name} names an unknown timezone; using the one its log announces.`, {
        timezone: s.timezone,
        error: err,
      });
      return undefined;
    }
  }

  private logDiscovery(d: Discovery): void {
    if (!d.found.length) {
      this.log.warn(
        `No source is configured and no app log was found in the default locations; looked in ${d.missing.flatMap((m) => m.tried).join(', ')}.`,
        { apps: d.missing.map((m) => m.app) },
      );
      return;
    }
    for (const s of d.found) this.log.info(`No source configured: found ${s.app} logs in ${s.path}.`);
    this.log.info(
      `Apps whose logs were not found in their default locations: ${d.missing.map((m) => `${m.app} (${m.tried.join(', ')})`).join('; ')}.`,
    );
  }
}

/** What the line splitter does for file lines: CR dropped, NULs dropped, capped with the same marker. */
function cleanLine(line: string, max: number): string {
  let l = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (l.includes('\0')) l = l.replaceAll('\0', '');
  if (Buffer.byteLength(l) > max) l = Buffer.from(l).subarray(0, max).toString('utf8') + TRUNCATION_MARKER;
  return l;
}
