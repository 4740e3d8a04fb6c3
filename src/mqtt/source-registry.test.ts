import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, validateConfig } from '../config/load.ts';
import { SourceRegistry } from './source-registry.ts';

const slugOf = (r: SourceRegistry, name: string) => r.get(name)?.slug;

test('a configured id is the slug, so renaming a source keeps its topics and entity ids', () => {
  const before = new SourceRegistry([{ name: 'Sonarr', app: 'sonarr', enabled: true, id: 'tv' }]);
  const after = new SourceRegistry([{ name: 'Sonarr (TV shows)', app: 'sonarr', enabled: true, id: 'tv' }]);
  assert.equal(slugOf(before, 'Sonarr'), 'tv');
  assert.equal(slugOf(after, 'Sonarr (TV shows)'), 'tv');
  // Without an id the slug follows the name (and moves with it).
  assert.equal(slugOf(new SourceRegistry([{ name: 'Sonarr', app: 'sonarr', enabled: true }]), 'Sonarr'), 'sonarr');
});

test('a name whose slug equals another source id steps aside with a hash', () => {
  const r = new SourceRegistry([
    { name: 'Plex', app: 'plex', enabled: true, id: 'radarr' },
    { name: 'Radarr', app: 'radarr', enabled: true },
  ]);
  assert.equal(slugOf(r, 'Plex'), 'radarr');
  assert.match(slugOf(r, 'Radarr') ?? '', /^radarr_[0-9a-f]{6}$/);
});

test('ids are checked: unique, slug-shaped, never `bridge`', () => {
  const src = (name: string, id: string) => ({ name, app: 'sonarr', path: '/logs', id });
  assert.throws(
    () => validateConfig({ sources: [src('a', 'tv'), src('b', 'tv')] }),
    (e: ConfigError) => e.problems.some((p) => p.startsWith('sources[1].id')),
  );
  assert.throws(() => validateConfig({ sources: [src('a', 'Bad Id')] }), ConfigError);
  assert.throws(() => validateConfig({ sources: [src('a', 'bridge')] }), ConfigError);
  assert.equal(validateConfig({ sources: [src('a', 'tv-4k')] }).sources[0]?.id, 'tv-4k');
});
