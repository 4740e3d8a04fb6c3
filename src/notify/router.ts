/**
 * Which targets hear about an event, decided per target from its filters: events, minimum severity, sources/apps,
 * categories, and quiet hours with a severity that breaks through. Pure: time comes in as `now`.
 */
import type { NotifyTarget } from '../config/notify.ts';
import { SEVERITY_RANK, type Severity } from '../core/types.ts';
import type { NotifyEventKind } from './types.ts';

/** An event as routing sees it (content.ts builds it from the bus payloads). */
export interface RoutableEvent {
  kind: NotifyEventKind;
  /** For `resolved`: what ended; a target hears the end only of what it heard the start of. */
  resolves?: 'issue' | 'alert' | 'silent' | 'incident';
  severity: Severity;
  sources: string[];
  app?: string;
  category?: string;
}

export type RouteDecision = 'send' | 'quiet' | 'skip';

type RoutingFields = Pick<NotifyTarget, 'enabled' | 'events' | 'minSeverity' | 'sources' | 'categories' | 'quietHours'>;

/** Decides for one target: send now, hold for the quiet-hours digest, or skip. */
export function route(event: RoutableEvent, target: RoutingFields, now: number): RouteDecision {
  if (!target.enabled) return 'skip';
  if (!wantsEvent(event, target.events)) return 'skip';
  if (SEVERITY_RANK[event.severity] < SEVERITY_RANK[target.minSeverity]) return 'skip';
  if (target.sources?.length) {
    const wanted = new Set(target.sources.map((s) => s.toLowerCase()));
    const names = [...event.sources, ...(event.app ? [event.app] : [])].map((s) => s.toLowerCase());
    if (!names.some((n) => wanted.has(n))) return 'skip';
  }
  if (target.categories?.length) {
    const cat = event.category?.toLowerCase();
    if (!cat || !target.categories.some((c) => c.toLowerCase() === cat)) return 'skip';
  }
  const quiet = target.quietHours;
  if (quiet && inQuietHours(quiet, now) && SEVERITY_RANK[event.severity] < SEVERITY_RANK[quiet.breakThrough]) {
    return 'quiet';
  }
  return 'send';
}

function wantsEvent(event: RoutableEvent, events: readonly NotifyEventKind[]): boolean {
  if (event.kind !== 'resolved') return events.includes(event.kind);
  if (!events.includes('resolved')) return false;
  switch (event.resolves) {
    case 'issue':
      return events.includes('opened') || events.includes('regressed');
    case 'alert':
      return events.includes('alert');
    case 'silent':
      return events.includes('silent');
    case 'incident':
      return events.includes('incident');
    default:
      return true;
  }
}

export interface QuietHours {
  start: string;
  end: string;
  timezone?: string | undefined;
}

/** True when `now` falls in [start, end) local time; a period whose end is before its start spans midnight. */
export function inQuietHours(q: QuietHours, now: number): boolean {
  const minute = localMinuteOfDay(now, q.timezone);
  const start = toMinutes(q.start);
  const end = toMinutes(q.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

function toMinutes(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in `timeZone` (default: the process zone). */
export function localMinuteOfDay(at: number, timeZone?: string): number {
  const key = timeZone ?? '';
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    });
    formatters.set(key, fmt);
  }
  let h = 0;
  let m = 0;
  for (const part of fmt.formatToParts(at)) {
    if (part.type === 'hour') h = Number(part.value);
    else if (part.type === 'minute') m = Number(part.value);
  }
  return h * 60 + m;
}
