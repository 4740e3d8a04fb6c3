/**
 * Time zones as log readers need them: local wall-clock fields to epoch ms in an IANA zone, a fixed offset or UTC.
 * Offsets are cached per local hour, so a million lines cost a million integer additions, not a million Intl calls.
 */
import { systemZoneName } from './system-zone.ts';

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
