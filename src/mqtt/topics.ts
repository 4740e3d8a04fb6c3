/**
 * Arrgus's own topic tree (documented in mqtt-discovery/README.md). Plain JSON for any MQTT consumer: Home Assistant
 * vocabulary lives in discovery.ts, not here.
 */
import { createHash } from 'node:crypto';

/** The segment name reserved for the bridge (the Arrgus service itself); no source may take it. */
export const BRIDGE = 'bridge';

/** Topic segment and id for a source name: lowercase, `[a-z0-9_-]` (Home Assistant ids use the same charset). */
export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s || 'source';
}

/**
 * Slugs for a set of source names, stable and unique: a name whose plain slug collides with another's (`Sonarr 4K` and
 * `sonarr_4k`) or with `bridge` gets a short hash of the original name appended, so ids never depend on list order.
 */
export function sourceSlugs(names: readonly string[]): Map<string, string> {
  const plain = new Map(names.map((n) => [n, slugify(n)]));
  const counts = new Map<string, number>();
  for (const s of plain.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const [name, s] of plain) {
    const clash = (counts.get(s) ?? 0) > 1 || s === BRIDGE;
    out.set(name, clash ? `${s}_${createHash('sha256').update(name).digest('hex').slice(0, 6)}` : s);
  }
  return out;
}

export interface Topics {
  base: string;
  /** `online` / `offline`, retained; the last will. */
  status: string;
  bridgeState: string;
  /** Results of commands (non-retained JSON). */
  bridgeResponse: string;
  notifiers: string;
  globalMuteSet: string;
  acknowledgeAllSet: string;
  /** Resolve every open issue (`PRESS`) or one (`{"issue":"<id>"}`). */
  resolveAllSet: string;
  testNotificationSet: string;
  sourceState(slug: string): string;
  sourceAvailability(slug: string): string;
  sourceEvent(slug: string): string;
  /** Playback summary of a media server (retained JSON). */
  sourceSessions(slug: string): string;
  sourceMuteSet(slug: string): string;
  sourceAcknowledgeSet(slug: string): string;
  sourceResolveSet(slug: string): string;
  /** Every command topic, as subscriptions. */
  commandFilters: string[];
}

export function topics(base: string): Topics {
  return {
    base,
    status: `${base}/status`,
    bridgeState: `${base}/${BRIDGE}/state`,
    bridgeResponse: `${base}/${BRIDGE}/response`,
    notifiers: `${base}/${BRIDGE}/notifiers`,
    globalMuteSet: `${base}/${BRIDGE}/mute/set`,
    acknowledgeAllSet: `${base}/${BRIDGE}/acknowledge/set`,
    resolveAllSet: `${base}/${BRIDGE}/resolve/set`,
    testNotificationSet: `${base}/${BRIDGE}/test_notification/set`,
    sourceState: (slug) => `${base}/${slug}/state`,
    sourceAvailability: (slug) => `${base}/${slug}/availability`,
    sourceEvent: (slug) => `${base}/${slug}/event`,
    sourceSessions: (slug) => `${base}/${slug}/sessions`,
    sourceMuteSet: (slug) => `${base}/${slug}/mute/set`,
    sourceAcknowledgeSet: (slug) => `${base}/${slug}/acknowledge/set`,
    sourceResolveSet: (slug) => `${base}/${slug}/resolve/set`,
    commandFilters: [
      `${base}/+/mute/set`,
      `${base}/+/acknowledge/set`,
      `${base}/+/resolve/set`,
      `${base}/${BRIDGE}/test_notification/set`,
    ],
  };
}

/** Reads `<base>/<segment>/<command>/set`; null for anything else. */
export function parseCommandTopic(base: string, topic: string): { target: string; command: string } | null {
  if (!topic.startsWith(`${base}/`)) return null;
  const parts = topic.slice(base.length + 1).split('/');
  if (parts.length !== 3 || parts[2] !== 'set' || !parts[0] || !parts[1]) return null;
  return { target: parts[0], command: parts[1] };
}
