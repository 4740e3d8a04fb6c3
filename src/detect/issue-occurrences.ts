/**
 * What an issue keeps of each record that joins it, all bounded: counts and times, the highest level, the sources, an
 * hourly histogram of the last 7 days, a few redacted samples (the first for good, then the most recent), and the
 * distinct users, sessions and clients affected. Plain functions over the issue (the tracker owns the lifecycle).
 */
import { redact } from '../core/redact.ts';
import {
  type EntityCount,
  type EntityKind,
  type Issue,
  type IssueSample,
  LEVEL_RANK,
  type LogRecord,
} from '../core/types.ts';

export const HOUR = 3_600_000;
const HISTOGRAM_HOURS = 7 * 24;
/** Distinct users, sessions and clients kept per issue. */
export const MAX_AFFECTED = 50;
/**
 * Once an issue's samples are full, a new one replaces the most recent at most this often (log time): each sample is
 * redacted (message and raw line), which costs more than everything else a record does in detection, and a storm of
 * one error needs no more than a fresh example a minute.
 */
const SAMPLE_EVERY_MS = 60_000;

/** Adds one record to `issue`, keeping at most `maxSamples` samples. */
export function addOccurrence(issue: Issue, rec: LogRecord, maxSamples: number): void {
  const t = rec.time;
  issue.count++;
  if (t > issue.lastSeen) issue.lastSeen = t;
  if (t < issue.firstSeen) issue.firstSeen = t;
  if (LEVEL_RANK[rec.level] > LEVEL_RANK[issue.level]) issue.level = rec.level;
  if (!issue.sources.includes(rec.source)) issue.sources.push(rec.source);
  addToHistogram(issue, t);
  addSample(issue, rec, maxSamples);
  const c = rec.correlation;
  if (c) {
    if (c.user) addBounded(issue.users, c.user);
    const session = c.sessionId ?? c.playSessionId;
    if (session) addBounded(issue.sessions, session);
    if (c.clientIp) addBounded(issue.clients, c.clientIp);
  }
}

/** Keeps the first sample for good and the most recent ones after it. */
function addSample(issue: Issue, rec: LogRecord, max: number): void {
  const samples = issue.samples;
  const last = samples[samples.length - 1];
  if (last && samples.length >= max && Math.abs(rec.time - last.time) < SAMPLE_EVERY_MS) return;
  const s: IssueSample = {
    time: rec.time,
    source: rec.source,
    level: rec.level,
    message: redact(rec.message.length > 500 ? `${rec.message.slice(0, 500)}…` : rec.message),
    raw: redact(rec.raw.length > 2000 ? `${rec.raw.slice(0, 2000)}…` : rec.raw),
  };
  if (rec.file !== undefined) s.file = rec.file;
  if (rec.offset !== undefined) s.offset = rec.offset;
  samples.push(s);
  if (samples.length > max) samples.splice(1, samples.length - max);
}

/** Hourly buckets over at most 7 days ending at the latest hour seen; older occurrences are counted, not binned. */
export function addToHistogram(issue: Pick<Issue, 'histogram' | 'histogramStart'>, t: number): void {
  const h = Math.floor(t / HOUR);
  const hist = issue.histogram;
  if (hist.length === 0) {
    issue.histogramStart = h;
    hist.push(1);
    return;
  }
  let i = h - issue.histogramStart;
  if (i < 0) {
    if (hist.length - i > HISTOGRAM_HOURS) return;
    hist.unshift(...new Array<number>(-i).fill(0));
    issue.histogramStart = h;
    i = 0;
  }
  if (i >= HISTOGRAM_HOURS) {
    // Slide the window so that hour `h` is its last bucket (never allocating the gap).
    const drop = i - HISTOGRAM_HOURS + 1;
    hist.splice(0, Math.min(drop, hist.length));
    issue.histogramStart += drop;
    i -= drop;
  }
  while (hist.length <= i) hist.push(0);
  hist[i] = (hist[i] ?? 0) + 1;
}

/** Adds `value` unless present, dropping the oldest past `MAX_AFFECTED`; true when it was new. */
export function addBounded(list: string[], value: string): boolean {
  if (list.includes(value)) return false;
  list.push(value);
  if (list.length > MAX_AFFECTED) list.shift();
  return true;
}

/** Values counted per entity kind: the most frequent ones (space-saving: a new value replaces the rarest). */
export const MAX_ENTITIES = 10;
const MAX_ENTITY_LENGTH = 200;

/** Counts one affected entity on `issue`, keeping the list most frequent first and at most `MAX_ENTITIES` long. */
export function addEntity(issue: Issue, kind: EntityKind, raw: string): void {
  if (raw === '') return;
  if (!issue.entities) issue.entities = {};
  const entities = issue.entities;
  let list = entities[kind];
  if (!list) {
    list = [];
    entities[kind] = list;
  }
  // Most occurrences repeat a value already counted, stored as read (it held no secret): no redaction needed.
  let i = -1;
  for (let k = 0; k < list.length; k++) if ((list[k] as EntityCount).value === raw) i = k;
  const value = i >= 0 ? raw : redact(raw.length > MAX_ENTITY_LENGTH ? `${raw.slice(0, MAX_ENTITY_LENGTH)}…` : raw);
  if (i < 0) i = list.findIndex((e) => e.value === value);
  if (i >= 0) (list[i] as EntityCount).count++;
  else if (list.length < MAX_ENTITIES) {
    list.push({ value, count: 1 });
    i = list.length - 1;
  } else {
    // Space-saving: the rarest value makes room and the newcomer inherits its count (an upper bound of its own).
    i = list.length - 1;
    list[i] = { value, count: (list[i] as EntityCount).count + 1 };
  }
  // Most frequent first: move the changed entry up past those it now outnumbers.
  while (i > 0 && (list[i - 1] as EntityCount).count < (list[i] as EntityCount).count) {
    const t = list[i - 1] as EntityCount;
    list[i - 1] = list[i] as EntityCount;
    list[i] = t;
    i--;
  }
}
