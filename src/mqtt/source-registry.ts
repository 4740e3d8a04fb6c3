/**
 * The sources the MQTT room knows: configured ones, and those that show up at runtime (stats, issues) when Arrgus looks
 * in default locations. A source keeps its topic slug for the life of the process, so ids never move under Home
 * Assistant's feet.
 */
import { createHash } from 'node:crypto';
import type { SourceStats } from '../core/ports.ts';
import { redact } from '../core/redact.ts';
import type { NotifierHealth } from './states.ts';
import { iso } from './states.ts';
import { BRIDGE, slugify, sourceSlugs } from './topics.ts';

export interface KnownSource {
  name: string;
  slug: string;
  app: string;
  /** Disabled sources keep their entities, shown unavailable. */
  enabled: boolean;
}

export class SourceRegistry {
  private readonly byName = new Map<string, KnownSource>();
  private readonly slugs = new Set<string>();

  constructor(configured: ReadonlyArray<{ name: string; app: string; enabled: boolean; id?: string | undefined }>) {
    // A configured `id` is the slug (renaming the source keeps its entities); the others derive theirs from the name
    // and step aside (with a hash) when that equals someone's id.
    const ids = new Set(configured.flatMap((s) => (s.id ? [s.id] : [])));
    const slugs = sourceSlugs(configured.filter((s) => !s.id).map((s) => s.name));
    for (const s of configured) {
      let slug = s.id ?? slugs.get(s.name) ?? slugify(s.name);
      if (!s.id && ids.has(slug)) slug = `${slug}_${createHash('sha256').update(s.name).digest('hex').slice(0, 6)}`;
      this.byName.set(s.name, { name: s.name, slug, app: s.app, enabled: s.enabled });
      this.slugs.add(slug);
    }
  }

  /** Adds a source seen at runtime; true when it was new. */
  ensure(name: string, app = 'generic'): boolean {
    if (this.byName.has(name)) return false;
    let slug = slugify(name);
    if (this.slugs.has(slug) || slug === BRIDGE)
      slug = `${slug}_${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
    this.byName.set(name, { name, slug, app, enabled: true });
    this.slugs.add(slug);
    return true;
  }

  /** Adds the sources the stats know; true when any was new. */
  refresh(stats: readonly SourceStats[]): boolean {
    let added = false;
    for (const s of stats) added = this.ensure(s.source, s.app) || added;
    return added;
  }

  list(): KnownSource[] {
    return [...this.byName.values()];
  }

  get(name: string): KnownSource | undefined {
    return this.byName.get(name);
  }

  bySlug(): Map<string, string> {
    return new Map([...this.byName.values()].map((s) => [s.slug, s.name]));
  }

  notifierSlugs(names: readonly string[]): Array<{ name: string; slug: string }> {
    const slugs = sourceSlugs(names);
    return names.map((name) => ({ name, slug: slugs.get(name) ?? slugify(name) }));
  }

  /** `{<slug>: {name, ok, last_error, ...}}`, the payload of `<base>/bridge/notifiers`. */
  notifierJson(health: readonly NotifierHealth[]): Record<string, unknown> {
    const slugs = this.notifierSlugs(health.map((h) => h.name));
    const out: Record<string, unknown> = {};
    health.forEach((h, i) => {
      out[slugs[i]?.slug ?? slugify(h.name)] = {
        name: h.name,
        ok: h.ok,
        last_error: h.lastError === undefined ? null : redact(h.lastError),
        last_success_at: iso(h.lastSuccessAt),
        last_failure_at: iso(h.lastFailureAt),
        pending: h.pending ?? 0,
      };
    });
    return out;
  }
}
