/**
 * The per-second date cache every dated format uses: a header's date part (down to the second) changes once a second
 * while lines come by the thousand, so it is converted to epoch ms once and the rest of that second's lines cost one
 * string comparison. Keyed on the zone too, because a log's banner (Plex) or a reconfigured source can change it.
 */
import type { Zone } from './time.ts';

/**
 * Converts a date part to epoch ms in `zone`; null (or NaN) when it is not a real date. `arg` is whatever the caller
 * already has (usually the header's regex match), so a miss need not parse the key again and a hit allocates nothing;
 * a compute that reads only the key leaves it out.
 */
export type SecondCompute<A> = (key: string, zone: Zone, arg: A) => number | null;

/** Epoch ms of the second `key` names in `zone`, computed only when key or zone differ from the last call. */
export type SecondOf<A> = (key: string, zone: Zone, arg: A) => number | null;

export function createSecondCache<A = void>(compute: SecondCompute<A>): SecondOf<A> {
  let lastKey = '';
  let lastZone: Zone | null = null;
  let lastBase = 0;
  return (key, zone, arg) => {
    if (key === lastKey && zone === lastZone) return lastBase;
    const base = compute(key, zone, arg);
    // A failed conversion is not cached: the next line of the same second tries again (and fails the same way).
    if (base === null || Number.isNaN(base)) return null;
    lastKey = key;
    lastZone = zone;
    lastBase = base;
    return base;
  };
}
