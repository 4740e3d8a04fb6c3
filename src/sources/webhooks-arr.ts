/**
 * The *arr family's webhook payloads ("Connect → Webhook" in Sonarr, Radarr, Lidarr, Readarr, Prowlarr, Whisparr) and
 * the problems they describe. Kept apart from the receiver because this is the one payload family with its own
 * vocabulary of events and problem shapes; the receiver only decides whether to poll or apply. Pure: no clock, no I/O.
 */
import { z } from 'zod';
import type { SourceConfig } from '../config/sources.ts';
import type { ExternalProblem } from '../core/ports.ts';
import { clip } from './arr-api.ts';

export const ARR_WEBHOOK_APPS = ['sonarr', 'radarr', 'lidarr', 'readarr', 'prowlarr', 'whisparr'] as const;

const text = z.string();
export const arrBase = z.looseObject({ eventType: text.min(1, 'eventType is empty') });
export const arrHealth = z.looseObject({
  eventType: text,
  level: text.optional(),
  message: text,
  type: text,
  wikiUrl: text.optional(),
});
const statusMessages = z.array(z.looseObject({ title: text.optional(), messages: z.array(text).optional() }));
export const arrFailure = z.looseObject({
  eventType: text,
  downloadId: text.optional(),
  downloadClient: text.optional(),
  downloadStatusMessages: statusMessages.optional(),
  message: text.optional(),
  release: z.looseObject({ releaseTitle: text.optional() }).optional(),
  series: z.looseObject({ title: text.optional() }).optional(),
  movie: z.looseObject({ title: text.optional() }).optional(),
  artist: z.looseObject({ name: text.optional() }).optional(),
});
export const arrDownload = z.looseObject({ eventType: text, downloadId: text.optional() });

/** Event types that leave a download stuck in the queue (the names changed between *arr versions). */
export const ARR_FAILURES = new Set([
  'ManualInteractionRequired',
  'ImportFailed',
  'ImportFailure',
  'DownloadFailed',
  'DownloadFailure',
]);
/** Event types Arrgus understands; anything else is journalled as unknown. */
export const ARR_KNOWN = new Set([
  'Test',
  'Grab',
  'Download',
  'ImportComplete',
  'Health',
  'HealthRestored',
  'ApplicationUpdate',
  ...ARR_FAILURES,
]);

/** "Sonarr" for `sonarr`: titles name the app the way its own UI does. */
export function arrLabel(source: SourceConfig): string {
  return source.app.charAt(0).toUpperCase() + source.app.slice(1);
}

/** The health problem a Health/HealthRestored payload is about; keyed by check type so the restore finds it. */
export function arrHealthProblem(source: SourceConfig, h: z.infer<typeof arrHealth>): ExternalProblem {
  return {
    key: `health:${h.type}`,
    source: source.name,
    app: source.app,
    title: `${arrLabel(source)}: ${clip(h.message, 200)}`,
    message: h.wikiUrl ? `${h.message} (see ${h.wikiUrl})` : h.message,
    category: 'health',
    severity: (h.level ?? '').toLowerCase() === 'error' ? 'high' : 'medium',
  };
}

/** The queue problem of a failed download or import; keyed by download id so a later Download event resolves it. */
export function arrQueueProblem(source: SourceConfig, event: string, f: z.infer<typeof arrFailure>): ExternalProblem {
  const label = arrLabel(source);
  const what = f.release?.releaseTitle ?? f.series?.title ?? f.movie?.title ?? f.artist?.name ?? 'a download';
  const messages = (f.downloadStatusMessages ?? []).flatMap((m) => m.messages ?? (m.title ? [m.title] : []));
  return {
    key: `queue:${f.downloadId ?? what}`,
    source: source.name,
    app: source.app,
    title: `Stuck in the ${label} queue: ${clip(what, 160)}`,
    message: messages.join(' ') || f.message || `${event} reported by ${label}`,
    category: 'queue',
    severity: 'medium',
  };
}
