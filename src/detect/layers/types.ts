/**
 * What the classifier's layers are made of: plain data. Each entry names a category, a strength and the pattern that
 * shows it. Strength orders evidence from different layers: a named cause (credentials, the file system, the
 * database) beats the peer a line was talking to (an indexer, a download client, the transcoder), which beats a bare
 * transport failure or a crash word, which beats the record's level alone. Within one strength the first layer wins,
 * in the order rules → exception → logger → code → keyword → level.
 */
import type { CategoryLayer } from '../../core/types.ts';

export type Strength = 'cause' | 'peer' | 'weak' | 'fallback';

export const STRENGTH_RANK: Readonly<Record<Strength, number>> = { cause: 1, peer: 2, weak: 3, fallback: 4 };

export interface LayerEntry {
  /** Stable name shown as evidence (`exception UnauthorizedAccessException`, `keyword permission-denied`). */
  id: string;
  pattern: RegExp;
  category: string;
  strength: Strength;
  /** Apps the entry applies to; all when unset. */
  apps?: readonly string[];
}

export interface Candidate {
  category: string;
  strength: Strength;
  layer: CategoryLayer;
  /** What decided, for people: `exception System.UnauthorizedAccessException`, `HTTP 401`. */
  detail: string;
}

/** The first entry of `table` for `app` whose pattern matches `text`, or undefined. */
export function firstMatch(
  table: readonly LayerEntry[],
  app: string,
  text: string,
): { entry: LayerEntry; match: RegExpExecArray } | undefined {
  if (text === '') return undefined;
  for (const entry of table) {
    if (entry.apps && !entry.apps.includes(app)) continue;
    const m = entry.pattern.exec(text);
    if (m) return { entry, match: m };
  }
  return undefined;
}
