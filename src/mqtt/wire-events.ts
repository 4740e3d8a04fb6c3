/**
 * Bus → MQTT. Listeners only mark states dirty and hand events to the rate-limited publisher: nothing here waits on
 * the network, so a slow or absent broker never slows detection.
 */
import type { EventBus } from '../core/bus.ts';
import type { ArrgusEvents } from '../core/events.ts';
import type { MuteService } from '../core/ports.ts';
import type { Level } from '../core/types.ts';
import type { Publisher } from './publisher.ts';
import { isMediaServer, playbackFailedEvent } from './session-states.ts';
import type { KnownSource, SourceRegistry } from './source-registry.ts';
import { alertEvent, type EventType, incidentEvent, issueEvent } from './states.ts';
import type { Topics } from './topics.ts';

export interface WireDeps {
  bus: EventBus<ArrgusEvents>;
  publisher: Publisher;
  topics: Topics;
  sources: SourceRegistry;
  mutes: MuteService;
  /** A source nobody configured showed up: its discovery must be published. */
  onNewSource(): void;
  /** Records at this level change the published counts at once; quieter ones wait for the periodic refresh. */
  isLoud(level: Level): boolean;
  /** Whether playback summaries are published (`sess:<name>` keys). */
  sessions: boolean;
  /** `homeassistant.privacy`: no user names in events (default on). */
  privacy?: boolean;
}

const ISSUE_EVENT: Partial<Record<string, EventType>> = {
  opened: 'opened',
  regressed: 'regressed',
  resolved: 'resolved',
};

/** Subscribes to the bus; returns the function that unsubscribes everything. */
export function wireEvents(d: WireDeps): () => void {
  const { bus, publisher: p, topics: t } = d;
  const ensure = (name: string, app?: string): KnownSource => {
    if (d.sources.ensure(name, app)) d.onNewSource();
    return d.sources.get(name) as KnownSource;
  };
  // The registry never forgets a source: the last loud record's source and its state key stay valid.
  let loudSource: string | null = null;
  let loudKey = '';
  const held = (source: string): boolean => d.mutes.isMuted(null) || d.mutes.isMuted(source);
  const offs = [
    bus.on('issue', 'mqtt', (e) => {
      const type = ISSUE_EVENT[e.kind];
      for (const name of e.issue.sources) {
        const s = ensure(name, e.issue.app);
        if (type) p.publishEvent(name, t.sourceEvent(s.slug), issueEvent(type, e.issue, name, e.at, held(name)));
        p.markDirty(`src:${name}`);
      }
      p.markDirty('bridge');
    }),
    bus.on('alert', 'mqtt', (e) => {
      const s = ensure(e.alert.source, e.alert.app);
      const type: EventType = e.kind === 'fired' ? 'alert' : 'resolved';
      // An alert that ended because its issue was dropped at the cap changes the counts but is no event to act on.
      if (!e.alert.pruned) p.publishEvent(s.name, t.sourceEvent(s.slug), alertEvent(type, e.alert, e.at, held(s.name)));
      p.markDirty(`src:${s.name}`, 'bridge');
    }),
    bus.on('incident', 'mqtt', (e) => {
      for (const name of e.incident.sources) {
        const s = ensure(name);
        if (e.kind === 'opened') {
          p.publishEvent(name, t.sourceEvent(s.slug), incidentEvent(e.incident, name, e.at, held(name)));
        }
        p.markDirty(`src:${name}`);
      }
      p.markDirty('bridge');
    }),
    bus.on('mute', 'mqtt', (e) => {
      if (e.source === null) p.markDirty('bridge', ...d.sources.list().map((s) => `src:${s.name}`));
      else p.markDirty(`src:${ensure(e.source).name}`);
    }),
    bus.on('source', 'mqtt', (e) => p.markDirty(`src:${ensure(e.source).name}`)),
    // Every playback change moves a summary number; the publisher merges a burst into one message per interval.
    bus.on('session', 'mqtt', (e) => {
      const s = ensure(e.session.server, e.session.app);
      if (!isMediaServer(s.app)) return;
      if (d.sessions) p.markDirty(`sess:${s.name}`);
      if (e.kind === 'failed') {
        p.publishEvent(
          s.name,
          t.sourceEvent(s.slug),
          playbackFailedEvent(e.session, e.at, held(s.name), d.privacy ?? true),
        );
      }
    }),
    bus.on('record', 'mqtt', (r) => {
      if (!d.isLoud(r.level)) return;
      // Records come in runs from one source: its state key is built once per run, not once per record.
      if (r.source !== loudSource) {
        loudKey = `src:${ensure(r.source, r.app).name}`;
        loudSource = r.source;
      }
      p.markDirty(loudKey);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
