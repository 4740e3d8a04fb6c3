/**
 * The state file: one JSON document under dataDir (`state.json`) holding small, slowly changing state that must
 * survive a restart (issues, alert cooldowns, incidents, mutes). The only importer of lowdb (house rule 4); lowdb's
 * file adapter writes through steno: a temporary file then a rename, so a crash never leaves half a file.
 *
 * Rooms register named sections, each with its own schema version and migrations. Writes are debounced (`markDirty`)
 * and flushed on `close()`. A file that cannot be read or parsed is moved aside (`state.json.corrupt-<time>`) with a
 * clear log line, and Arrgus starts fresh rather than crashing. Size is bounded by the sections (they prune); the
 * store warns once when the document grows past `maxBytes`.
 */
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';

/** Version of the envelope itself (sections carry their own). */
export const STATE_SCHEMA = 1;

interface SectionEnvelope {
  version: number;
  data: unknown;
}

interface StateDocument {
  schema: number;
  savedAt: number;
  sections: Record<string, SectionEnvelope>;
}

export interface SectionSpec<T> {
  /** Current version of the section's data. */
  version: number;
  /** `migrations[v]` turns version `v` data into version `v + 1` (versions start at 1). */
  migrations?: Readonly<Record<number, (data: unknown) => unknown>>;
  /** Called at write time: the data to save (must be JSON-safe). */
  snapshot: () => T;
}

export interface StateStoreOptions {
  /** Directory the file lives in (dataDir). */
  dir: string;
  file?: string;
  logger: Logger;
  clock: Clock;
  debounceMs?: number;
  maxBytes?: number;
}

export class StateStore {
  private readonly opts: StateStoreOptions;
  private readonly path: string;
  private readonly db: Low<StateDocument>;
  private readonly sections = new Map<string, SectionSpec<unknown>>();
  private loaded: StateDocument | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** The write queued behind the one in progress (it writes whatever `text` is when it starts). */
  private waiting: Promise<void> | null = null;
  private warnedSize = false;
  /** The document as text, serialised when a write is requested (lowdb writes it later). */
  private text = '';

  constructor(opts: StateStoreOptions) {
    this.opts = opts;
    this.path = join(opts.dir, opts.file ?? 'state.json');
    this.db = new Low<StateDocument>(
      new DataFile<StateDocument>(this.path, { parse: JSON.parse, stringify: () => this.text }),
      emptyDocument(0),
    );
  }

  get file(): string {
    return this.path;
  }

  /** Reads the file once. Unreadable or corrupt: moved aside, logged, and the store starts empty. */
  async load(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    try {
      await this.db.read();
      const doc = this.db.data;
      if (!isDocument(doc)) throw new Error('the file is not an Arrgus state document');
      if (doc.schema > STATE_SCHEMA)
        throw new Error(`schema ${doc.schema} is newer than this Arrgus (${STATE_SCHEMA})`);
      this.loaded = doc;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      const aside = `${this.path}.corrupt-${this.opts.clock.now()}`;
      try {
        await rename(this.path, aside);
        this.opts.logger.error(
          `The state file ${this.path} could not be read; it was moved to ${aside} and Arrgus starts with empty state.`,
          {
            error: err instanceof Error ? err.message : String(err),
          },
        );
      } catch (moveErr) {
        this.opts.logger.error(
          `The state file ${this.path} could not be read nor moved aside; Arrgus starts with empty state and will overwrite it.`,
          {
            error: err instanceof Error ? err.message : String(err),
            moveError: moveErr instanceof Error ? moveErr.message : String(moveErr),
          },
        );
      }
      this.loaded = null;
    }
  }

  /**
   * Registers a section and returns its saved data migrated to `spec.version`, or undefined when there is none (or a
   * migration is missing or fails: logged, the section starts empty).
   */
  register<T>(name: string, spec: SectionSpec<T>): T | undefined {
    this.sections.set(name, spec as SectionSpec<unknown>);
    const saved = this.loaded?.sections[name];
    if (!saved) return undefined;
    let { version, data } = saved;
    try {
      while (version < spec.version) {
        const step = spec.migrations?.[version];
        if (!step) throw new Error(`no migration from version ${version}`);
        data = step(data);
        version++;
      }
      if (version > spec.version) throw new Error(`saved version ${version} is newer than ${spec.version}`);
    } catch (err) {
      this.opts.logger.error(`The saved ${name} state cannot be used; that part starts empty.`, {
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
    return data as T;
  }

  /** Schedules a write (debounced). */
  markDirty(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((err: unknown) =>
        this.opts.logger.warn(`Saving the state file ${this.path} failed; the next change retries.`, {
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    }, this.opts.debounceMs ?? 2000);
    this.timer.unref();
  }

  /**
   * Writes now (after any write in progress). Not async on purpose: while writes lag behind changes (a flood of new
   * issues changes the state every debounce), callers join the one write that waits, which takes the newest text; a
   * suspended async frame per call would keep its own serialised copy of the whole document alive meanwhile.
   */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const doc = emptyDocument(this.opts.clock.now());
    try {
      for (const [name, spec] of this.sections) doc.sections[name] = { version: spec.version, data: spec.snapshot() };
      // Serialise now: the sections keep changing while the write runs.
      this.text = JSON.stringify(doc);
    } catch (err) {
      return Promise.reject(err);
    }
    const max = this.opts.maxBytes ?? 50 * 1024 * 1024;
    if (this.text.length > max && !this.warnedSize) {
      this.warnedSize = true;
      this.opts.logger.warn(
        `The state file is ${Math.round(this.text.length / 1024)} KiB, above ${Math.round(max / 1024)} KiB; lower detect.retention.`,
      );
    }
    this.db.data = doc;
    if (this.waiting) return this.waiting;
    const write = this.writing.then(() => {
      this.waiting = null;
      return this.db.write();
    });
    this.waiting = write;
    this.writing = write.catch(() => {});
    return write;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

function emptyDocument(savedAt: number): StateDocument {
  return { schema: STATE_SCHEMA, savedAt, sections: {} };
}

function isDocument(v: unknown): v is StateDocument {
  if (!v || typeof v !== 'object') return false;
  const d = v as Partial<StateDocument>;
  return typeof d.schema === 'number' && !!d.sections && typeof d.sections === 'object';
}
