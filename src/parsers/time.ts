/**
 * Turning a log's wall-clock fields into epoch milliseconds, fast. Formats without an offset are local to a zone: the
 * one configured for the source wins, else one the log announces (Plex's banner), else the process's (zones: core/).
 */

export { fixedZone, isValidZone, processZone, UTC, type Zone, zoneByName } from '../core/zones.ts';

export const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  // Polish, seen in a journald paste (lis = listopad = November); other locales fall back to null.
  sty: 1,
  lut: 2,
  kwi: 4,
  maj: 5,
  cze: 6,
  lip: 7,
  sie: 8,
  wrz: 9,
  paz: 10,
  lis: 11,
  gru: 12,
};

export function monthNumber(name: string): number | null {
  return MONTHS[name.slice(0, 3).toLowerCase()] ?? null;
}

/** Parses `+03:00`, `-0500`, `Z` into minutes east of UTC; null when not an offset. */
export function parseOffset(text: string): number | null {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Milliseconds from a fraction of any length: `.8` → 800, `.9447` → 944, `` → 0 (truncated, not rounded). */
export function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  const f = frac.charCodeAt(0) === 46 /* . */ || frac.charCodeAt(0) === 44 /* , */ ? frac.slice(1) : frac;
  if (f.length >= 3) return Number(f.slice(0, 3));
  return Number(f.padEnd(3, '0'));
}

/** ISO 8601 with an offset or Z (RFC 3339, Docker's nanoseconds included) → epoch ms; null when not parseable. */
export function parseIsoWithOffset(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (!m) return null;
  const off = parseOffset(m[8] as string);
  if (off === null) return null;
  return (
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), fractionMs(m[7])) -
    off * 60_000
  );
}
