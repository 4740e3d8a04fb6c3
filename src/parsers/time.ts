/**
 * Turning a log's wall-clock fields into epoch milliseconds, fast. Formats without an offset are local to a zone: the
 * one configured for the source wins, else one the log announces (Plex's banner), else the process's. Zone offsets are
 * cached per hour so a million lines cost a million integer additions, not a million Intl calls.
 */

import { systemZoneName } from '../core/system-zone.ts';

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

/** Converts local wall-clock fields to epoch ms in one zone. */
export interface Zone {
  readonly name: string;
  toEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number;
}

/** A fixed offset in minutes east of UTC (`+03:00` → 180). */
export function fixedZone(offsetMinutes: number): Zone {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const name = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const shift = offsetMinutes * 60_000;
  return { name, toEpoch: (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms) - shift };
}

export const UTC: Zone = { name: 'UTC', toEpoch: (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms) };

const zoneCache = new Map<string, Zone>();

/** An IANA zone (`Europe/Paris`), `UTC`, or a fixed offset (`+02:00`). Throws RangeError for an unknown zone. */
export function zoneByName(name: string): Zone {
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let zone: Zone;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})$/.exec(name);
  if (name === 'UTC' || name === 'Etc/UTC' || name === 'Z') zone = UTC;
  else if (fixed) zone = fixedZone((fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])));
  else zone = ianaZone(name);
  zoneCache.set(name, zone);
  return zone;
}

export function processZone(): Zone {
  const tz = systemZoneName();
  try {
    return zoneByName(tz);
  } catch {
    return UTC;
  }
}

export function isValidZone(name: string): boolean {
  try {
    zoneByName(name);
    return true;
  } catch {
    return false;
  }
}

function ianaZone(name: string): Zone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name, // throws RangeError on an unknown zone
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  /** Offset (ms) of the zone at a UTC instant. */
  const offsetAt = (utc: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(utc))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
    return asUtc - Math.floor(utc / 1000) * 1000;
  };
  // Cache: local hour bucket → offset. DST gaps and overlaps resolve like most loggers' readers: first offset that fits.
  const cache = new Map<number, number>();
  return {
    name,
    toEpoch(y, mo, d, h, mi, s, ms) {
      const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
      const bucket = Math.floor(wall / 3_600_000);
      let off = cache.get(bucket);
      if (off === undefined) {
        const guess = offsetAt(wall);
        off = offsetAt(wall - guess);
        if (cache.size > 10_000) cache.clear();
        cache.set(bucket, off);
      }
      return wall - off;
    },
  };
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
