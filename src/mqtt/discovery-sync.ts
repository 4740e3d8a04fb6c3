/**
 * Keeps the broker's retained Home Assistant discovery in step with the configuration: publishes every config (or
 * only the ones not yet sent, when a source shows up), and on the first connection removes what an earlier run left
 * behind. The payloads themselves are built by the pure builders in discovery.ts; this is the stateful part that
 * talks to the broker.
 */
import { hostname } from 'node:os';
import type { CoreContext } from '../core/context.ts';
import type { Logger } from '../core/logger.ts';
import type { MqttConnection } from './client.ts';
import { buildDiscovery, type DiscoveryMessage, isOwnConfig, ownConfigFilter } from './discovery.ts';
import type { Publisher } from './publisher.ts';
import { collectRetained } from './retained.ts';
import { isMediaServer } from './session-states.ts';
import type { SourceRegistry } from './source-registry.ts';
import { BRIDGE, type Topics } from './topics.ts';

/** `origin.support_url` of every discovery config. */
export const SUPPORT_URL = 'https://github.com/arrgus/arrgus';

export interface DiscoverySyncDeps {
  ctx: CoreContext;
  topics: Topics;
  sources: SourceRegistry;
  logger: Logger;
  /** Names of the notification targets (one diagnostic entity each). */
  notifierNames(): string[];
  /** A test-notification button is offered only when something can send one. */
  testNotification: boolean;
  /** Playback summaries are published: media servers get session sensors. */
  sessions: boolean;
  /** AI analysis is on: each source gets an analyse button. */
  analyze?: boolean;
  /** Where the list of published retained topics is kept between runs (dataDir). */
  persist?: { load(): string[]; save(topics: Iterable<string>): void };
}

export class DiscoverySync {
  private readonly d: DiscoverySyncDeps;
  private readonly published = new Set<string>();
  /** Set in the add-on: the panel through Home Assistant's ingress (`homeassistant://hassio/ingress/<slug>`). */
  panelUrl: string | undefined;

  constructor(deps: DiscoverySyncDeps) {
    this.d = deps;
  }

  /** Whether discovery is on at all (`homeassistant.discovery`). */
  get enabled(): boolean {
    return this.d.ctx.config.homeassistant.discovery;
  }

  /** Every config the current configuration and sources produce. */
  messages(): DiscoveryMessage[] {
    const { config, instanceId, version } = this.d.ctx;
    const web = config.web;
    const host = web.host === '0.0.0.0' || web.host === '::' ? hostname() : web.host;
    const panelUrl = web.publicUrl ?? this.panelUrl ?? (web.enabled ? `http://${host}:${web.port}` : undefined);
    return buildDiscovery({
      prefix: config.homeassistant.discoveryPrefix,
      topics: this.d.topics,
      instanceId,
      version,
      supportUrl: SUPPORT_URL,
      ...(panelUrl ? { panelUrl } : {}),
      sources: this.d.sources.list(),
      notifiers: this.d.sources.notifierSlugs(this.d.notifierNames()),
      testNotification: this.d.testNotification,
      sessions: this.d.sessions,
      ...(this.d.analyze ? { analyze: true } : {}),
    });
  }

  /** Publishes every config (all of them when `all`, else only the ones not yet sent). Off: nothing. */
  publish(c: MqttConnection, all: boolean): void {
    if (!this.enabled) return;
    const messages = this.messages();
    for (const msg of messages) {
      if (!all && this.published.has(msg.topic)) continue;
      if (c.publish(msg.topic, JSON.stringify(msg.payload), true)) this.published.add(msg.topic);
    }
    this.remember(messages);
  }

  /** The retained topics this configuration publishes: discovery configs and the sources' states. */
  private retainedTopics(messages: DiscoveryMessage[]): string[] {
    const t = this.d.topics;
    const sources = this.d.sources.list();
    return [
      ...(this.enabled ? messages.map((m) => m.topic) : []),
      ...sources.flatMap((s) => [t.sourceState(s.slug), t.sourceAvailability(s.slug)]),
      ...(this.d.sessions ? sources.filter((s) => isMediaServer(s.app)).map((s) => t.sourceSessions(s.slug)) : []),
    ];
  }

  private remember(messages: DiscoveryMessage[]): void {
    try {
      this.d.persist?.save(this.retainedTopics(messages));
    } catch (err) {
      this.d.logger.warn(
        'Could not record the published MQTT topics in dataDir; stale entities may survive a restart.',
        {
          error: err,
        },
      );
    }
  }

  /**
   * Removes what an earlier run left behind: retained configs of this instance that the current configuration no
   * longer produces (a removed source, a removed notifier, or all of them when discovery was turned off) and the
   * retained states of sources that are gone (playback summaries too, once a source is no longer a media server or
   * summaries are no longer wired).
   */
  async clearStale(c: MqttConnection, p: Publisher): Promise<void> {
    const { config, instanceId } = this.d.ctx;
    const t = this.d.topics;
    const prefix = config.homeassistant.discoveryPrefix;
    const expected = this.messages();
    const keep = new Set(this.enabled ? expected.map((m) => m.topic) : []);
    const found = await collectRetained(c, [
      ownConfigFilter(prefix, instanceId),
      `${t.base}/+/state`,
      `${t.base}/+/availability`,
      `${t.base}/+/sessions`,
    ]);
    const liveSlugs = new Set([BRIDGE, ...this.d.sources.list().map((s) => s.slug)]);
    const sessionSlugs = new Set(
      this.d.sessions
        ? this.d.sources
            .list()
            .filter((s) => isMediaServer(s.app))
            .map((s) => s.slug)
        : [],
    );
    // Another instance on this base topic: its states look like ours but are not; leave them and say what to change.
    const other = foreignInstance(found.get(t.bridgeState), instanceId);
    if (other)
      this.d.logger.warn(
        `Another Arrgus instance (${other}) publishes under the MQTT base topic "${t.base}": give each instance its own mqtt.baseTopic, or their states overwrite each other. Its topics are left alone.`,
      );
    let removed = 0;
    for (const [topic, payload] of found) {
      const isConfig = topic.startsWith(`${prefix}/`);
      if (other && !isConfig) continue;
      const [slug = '', leaf] = topic.slice(t.base.length + 1).split('/');
      const stale = isConfig
        ? !keep.has(topic) && isOwnConfig(topic, payload, prefix, instanceId)
        : leaf === 'sessions'
          ? !sessionSlugs.has(slug)
          : !liveSlugs.has(slug);
      if (stale) {
        p.clear(topic);
        removed++;
      }
    }
    // With discovery off, Home Assistant may still hold entities from a broker that has since forgotten its retained
    // configs (the embedded one forgets on restart): empty configs for everything we would publish remove them.
    if (!this.enabled) for (const m of expected) if (!found.has(m.topic)) p.clear(m.topic);
    // What the last run published and this configuration no longer does, whether or not the broker still holds it.
    const current = new Set(this.retainedTopics(expected));
    for (const topic of this.loadPrevious()) {
      if (current.has(topic) || found.has(topic) || (other && !topic.startsWith(`${prefix}/`))) continue;
      p.clear(topic);
      removed++;
    }
    this.remember(expected);
    if (removed) this.d.logger.info(`Removed ${removed} retained MQTT topics left over from an earlier configuration.`);
  }

  private loadPrevious(): string[] {
    try {
      return this.d.persist?.load() ?? [];
    } catch (err) {
      this.d.logger.warn('Could not read the MQTT topics published by the last run.', { error: err });
      return [];
    }
  }
}

/** The instance id in a retained bridge state when it is not ours (two instances sharing a base topic). */
function foreignInstance(payload: string | undefined, ours: string): string | null {
  if (!payload) return null;
  try {
    const id = (JSON.parse(payload) as { instance_id?: unknown }).instance_id;
    return typeof id === 'string' && id !== ours ? id : null;
  } catch {
    // Not JSON: not an Arrgus bridge state at all, nothing to compare.
    return null;
  }
}
