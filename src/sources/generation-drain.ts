/**
 * Reading the generations of a rotated log at start: what was rotated, copied or replaced while Arrgus was down
 * (drained under the checkpoint's key, oldest first), what a first start with `backfill` reads before the live file,
 * and copies of a file that was empty at its checkpoint. Each file is opened by identity and read to its end by the
 * FileSource's `drainOne`, which owns the tailers and their checkpoints.
 */
import type { Logger } from '../core/logger.ts';
import type { Checkpoint, StoredCheckpoint } from '../store/records.ts';
import {
  type FileInfo,
  type FileTimes,
  type Located,
  laterGenerations,
  locate,
  newerThanLive,
  readCopiesBornAfter,
} from './file-identity.ts';
import type { OpenResult, StartMode } from './file-tailer.ts';

/** The identity and times of the last file read under a name (dev/ino -1 when it was gone). */
export type LastRead = FileTimes & { dev: number; ino: number; claimed: ReadonlySet<string> };

/** Reads one file (`file`, opened by identity when `expect` is given) to its end under checkpoint key `key`. */
export type DrainOne = (
  key: string,
  file: string,
  ck: Checkpoint | null,
  mode: StartMode,
  expect?: { dev: number; ino: number },
) => Promise<OpenResult | 'failed'>;

export interface GenerationReader {
  /** The source's name, for the log. */
  readonly name: string;
  readonly logger: Logger;
  readonly drainOne: DrainOne;
}

/**
 * The checkpointed file is no longer the live one: drain it from the checkpoint, then every later generation of
 * its lineage (rotated after it while we were down), oldest first, all under the checkpoint's key so a crash in the
 * middle resumes in the middle.
 */
export async function drainChain(
  reader: GenerationReader,
  ck: StoredCheckpoint,
  found: Located | null,
  selected: Set<string>,
  stored: StoredCheckpoint[],
  live: FileInfo | undefined,
): Promise<LastRead> {
  const { logger } = reader;
  const read = new Set<string>([`${ck.dev}:${ck.ino}`]);
  let loc = found;
  // Opened by identity: a rotation running meanwhile (`.1` shifted to `.2`, a new `.1`) may have put another file
  // under the name found a moment ago, and reading that one from the checkpoint's offset loses and doubles lines.
  for (let attempt = 0; loc && attempt < 20; attempt++) {
    logger.info(`Draining ${loc.path} from byte ${ck.offset} (${loc.how} since the last run of ${reader.name}).`);
    const r = await reader.drainOne(ck.path, loc.path, ck, { at: 'offset', offset: ck.offset }, loc);
    if (r !== 'missing') break;
    loc = await locate(ck);
  }
  if (loc) read.add(`${loc.dev}:${loc.ino}`);
  let last: LastRead = loc
    ? { dev: loc.dev, ino: loc.ino, birthtimeMs: loc.birthtimeMs, mtimeMs: loc.mtimeMs, claimed: read }
    : { dev: -1, ino: -1, birthtimeMs: ck.savedAt, mtimeMs: ck.savedAt, claimed: read };
  if (!loc && ck.offset > 0) {
    logger.warn(`The file last read as ${ck.path} is gone; lines written to it after byte ${ck.offset} are lost.`, {
      source: reader.name,
    });
  }
  // Without the file itself, generations born after the last save are the ones never read.
  const after = loc ?? { birthtimeMs: ck.savedAt, mtimeMs: ck.savedAt };
  const others = new Set(stored.filter((c) => c !== ck).map((c) => `${c.dev}:${c.ino}`));
  // The drained file itself is claimed by identity, not skipped by name: a rotation may have moved it on and put a
  // generation it has not read under that name.
  const skip = (p: string) => selected.has(p);
  // One generation at a time, listing again after each: rotations may still be running (the app writes while we
  // start), so a name listed a moment ago can hold another file now. Each is opened by identity and claimed once read.
  const claimed = new Set([...others, ...read]);
  // A file newer than the live one (a daily log begun while we start) is not a rotated generation: the live tailer
  // reads it in its turn, after the live file.
  const newer = (g: FileInfo) => live !== undefined && newerThanLive(g, live);
  for (let round = 0; round < 200; round++) {
    const [g] = (await laterGenerations(ck.path, after, skip, claimed)).filter((x) => !newer(x));
    if (!g) break;
    const r = await reader.drainOne(ck.path, g.path, null, { at: 'begin' }, { dev: g.dev, ino: g.ino });
    if (r === 'missing') continue; // renamed since the listing: the next listing finds it under its new name
    if (r === 'failed') {
      claimed.add(`${g.dev}:${g.ino}`);
      continue;
    }
    logger.info(`Drained ${g.path}, rotated from ${ck.path} while ${reader.name} was not running.`);
    claimed.add(`${g.dev}:${g.ino}`);
    read.add(`${g.dev}:${g.ino}`);
    last = { ...g, claimed: read };
  }
  return last;
}

/**
 * First start with `backfill`: every rotated generation of `path` is read before the live file, oldest first, under
 * the live file's key (a crash part way resumes from the generation's checkpoint). With a duration, generations
 * untouched since before the cutoff are skipped and older records dropped. Returns the last generation read.
 */
export async function backfillGenerations(
  reader: GenerationReader,
  path: string,
  selected: Set<string>,
  stored: StoredCheckpoint[],
  minTime: number | undefined,
  live: FileInfo | undefined,
): Promise<LastRead | undefined> {
  const claimed = new Set(stored.map((c) => `${c.dev}:${c.ino}`));
  const read = new Set<string>();
  let last: LastRead | undefined;
  const skip = (p: string) => selected.has(p);
  // Files begun after the live one are newer, not older generations (see drainChain).
  const newer = (g: FileInfo) => live !== undefined && newerThanLive(g, live);
  for (let round = 0; round < 500; round++) {
    const [g] = (await laterGenerations(path, { birthtimeMs: 0, mtimeMs: 0 }, skip, claimed)).filter((x) => !newer(x));
    if (!g) break;
    claimed.add(`${g.dev}:${g.ino}`);
    if (minTime !== undefined && g.mtimeMs < minTime) continue;
    const mode: StartMode = minTime !== undefined ? { at: 'begin', minTime } : { at: 'begin' };
    const r = await reader.drainOne(path, g.path, null, mode, { dev: g.dev, ino: g.ino });
    if (r === 'missing') {
      claimed.delete(`${g.dev}:${g.ino}`);
      continue;
    }
    if (r === 'failed') continue;
    reader.logger.info(`Backfilled ${g.path}, an older generation of ${path}.`);
    read.add(`${g.dev}:${g.ino}`);
    last = { ...g, claimed: read };
  }
  return last;
}

/** The file was empty at the checkpoint: copies (copytruncate) born since hold lines we never read. */
export async function drainCopiesOfEmpty(reader: GenerationReader, ck: StoredCheckpoint, loc: Located): Promise<void> {
  const since = { birthtimeMs: ck.savedAt, mtimeMs: ck.savedAt };
  await readCopiesBornAfter(
    loc.path,
    ck.ino,
    since,
    new Set(),
    async (copy) => {
      if ((await reader.drainOne(ck.path, copy.path, null, { at: 'begin' }, copy)) === 'missing') return false;
      reader.logger.info(`Drained ${copy.path}, copied from ${ck.path} while ${reader.name} was not running.`);
      return true;
    },
    200,
  );
}
