import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildDiscovery, type DiscoveryInput, isOwnConfig, nodeId } from './discovery.ts';
import { loadHaSchema, validateDiscovery } from './ha-validator.ts';
import { EVENT_TYPES, PLAYBACK_EVENT_TYPES } from './states.ts';
import { topics } from './topics.ts';

const SNAPSHOTS = fileURLToPath(new URL('../../mqtt-discovery/snapshots/', import.meta.url));

/** The reference configuration of mqtt-discovery/: three sources, one notifier, the test button, session sensors. */
export function referenceInput(instanceId = 'ref'): DiscoveryInput {
  return {
    prefix: 'homeassistant',
    topics: topics('arrgus'),
    instanceId,
    version: '1.0.0',
    panelUrl: 'http://arrgus.local:8099',
    sources: [
      { name: 'plex', slug: 'plex', app: 'plex' },
      { name: 'sonarr', slug: 'sonarr', app: 'sonarr' },
      { name: 'Sonarr 4K', slug: 'sonarr_4k', app: 'sonarr' },
    ],
    notifiers: [{ name: 'ntfy', slug: 'ntfy' }],
    testNotification: true,
    sessions: true,
  };
}

function snapshotName(topic: string): string {
  const parts = topic.split('/');
  return `${parts[1]}.${parts[3]}.json`;
}

const schema = loadHaSchema();
const skip = schema ? false : 'ha-discovery-schema.json not found (set ARRGUS_HA_SCHEMA to its path)';

describe('discovery payloads', () => {
  const messages = buildDiscovery(referenceInput());

  test('every payload validates against the Home Assistant discovery schema', { skip }, () => {
    const errors = messages.flatMap((m) => validateDiscovery(schema!, m.topic, m.payload));
    assert.deepEqual(errors, []);
    assert.ok(messages.length > 40, `expected every entity, got ${messages.length}`);
  });

  test('unique ids, topics and default entity ids are unique; two instances never share one', () => {
    const other = buildDiscovery(referenceInput('ref_2'));
    const ids = [...messages, ...other].map((m) => String(m.payload.unique_id));
    assert.equal(new Set(ids).size, ids.length);
    const topicsSeen = [...messages, ...other].map((m) => m.topic);
    assert.equal(new Set(topicsSeen).size, topicsSeen.length);
    const entityIds = messages.map((m) => String(m.payload.default_entity_id));
    assert.equal(new Set(entityIds).size, entityIds.length);
  });

  test('source entities hang off the bridge and need both availabilities', () => {
    const problem = messages.find((m) => m.topic === 'homeassistant/binary_sensor/arrgus_ref/plex_problem/config');
    assert.ok(problem);
    const p = problem.payload as Record<string, never>;
    assert.deepEqual(p.availability, [{ topic: 'arrgus/status' }, { topic: 'arrgus/plex/availability' }]);
    assert.equal(p.availability_mode, 'all');
    assert.deepEqual(p.device, {
      identifiers: ['arrgus_ref_plex'],
      name: 'Plex',
      manufacturer: 'Arrgus',
      model: 'Plex logs',
      via_device: 'arrgus_ref',
      configuration_url: 'http://arrgus.local:8099',
    });
    assert.equal(p.default_entity_id, 'binary_sensor.arrgus_plex_problem');
    assert.equal(p.object_id, 'arrgus_plex_problem');
    assert.equal(p.device_class, 'problem');
    const k4 = messages.find((m) => m.topic.endsWith('/sonarr_4k_problem/config'));
    assert.equal((k4?.payload.device as { name: string } | undefined)?.name, 'Sonarr 4K');
  });

  test('the event entity lists every event type; quiet entities start disabled', () => {
    const ev = messages.find((m) => m.topic.endsWith('/plex_events/config'));
    assert.deepEqual(ev?.payload.event_types, [...EVENT_TYPES, ...PLAYBACK_EVENT_TYPES]);
    const arr = messages.find((m) => m.topic.endsWith('/sonarr_events/config'));
    assert.deepEqual(arr?.payload.event_types, [...EVENT_TYPES], 'only media servers have playbacks to fail');
    const disabled = messages.filter((m) => m.payload.enabled_by_default === false).map((m) => m.topic.split('/')[3]);
    assert.ok(disabled.includes('plex_warnings_1h'));
    assert.ok(disabled.includes('plex_acknowledge'));
    assert.ok(!disabled.includes('plex_problem'));
  });

  test('media servers get playback sensors (raw count disabled), other apps none, and none when not wired', () => {
    const keysOf = (list: typeof messages, slug: string): string[] =>
      list.map((m) => m.topic.split('/')[3] ?? '').filter((k) => k.startsWith(`${slug}_`));
    const sessionKeys = [
      'active_sessions',
      'transcodes',
      'software_transcodes',
      'bandwidth',
      'sessions_in_trouble',
      'failed_playbacks_1h',
    ];
    for (const k of sessionKeys) assert.ok(keysOf(messages, 'plex').includes(`plex_${k}`), k);
    assert.ok(!keysOf(messages, 'sonarr').some((k) => sessionKeys.includes(k.slice('sonarr_'.length))));
    const byKey = (k: string) => messages.find((m) => m.topic.endsWith(`/plex_${k}/config`))?.payload;
    assert.equal(byKey('active_sessions')?.enabled_by_default, false);
    for (const k of sessionKeys.slice(1)) assert.equal(byKey(k)?.enabled_by_default, undefined, k);
    const bw = byKey('bandwidth');
    assert.equal(bw?.device_class, 'data_rate');
    assert.equal(bw?.unit_of_measurement, 'kbit/s');
    assert.equal(bw?.state_class, 'measurement');
    for (const k of sessionKeys) {
      assert.equal(byKey(k)?.state_topic, 'arrgus/plex/sessions', k);
      // Unavailable, rather than zeros, while nothing reports the server's playbacks (`tracked: false`).
      assert.deepEqual(byKey(k)?.availability, [
        { topic: 'arrgus/status' },
        { topic: 'arrgus/plex/availability' },
        {
          topic: 'arrgus/plex/sessions',
          value_template: "{{ 'online' if value_json.tracked | default(true) else 'offline' }}",
        },
      ]);
    }
    const unwired = buildDiscovery({ ...referenceInput(), sessions: false });
    assert.equal(unwired.length, messages.length - sessionKeys.length);
    const jf = buildDiscovery({
      ...referenceInput(),
      sources: [{ name: 'Jellyfin', slug: 'jellyfin', app: 'jellyfin' }],
    });
    assert.equal(jf.filter((m) => m.payload.state_topic === 'arrgus/jellyfin/sessions').length, sessionKeys.length);
    if (schema)
      assert.deepEqual(
        jf.flatMap((m) => validateDiscovery(schema, m.topic, m.payload)),
        [],
      );
  });

  test('the test button exists only when a test notification can be sent', () => {
    const without = buildDiscovery({ ...referenceInput(), testNotification: false });
    assert.ok(messages.some((m) => m.topic.endsWith('/bridge_test_notification/config')));
    assert.ok(!without.some((m) => m.topic.endsWith('/bridge_test_notification/config')));
  });

  test('the broker connection sensor has no availability, so it reads "off" while Arrgus is gone', () => {
    const c = messages.find((m) => m.topic.endsWith('/bridge_connection/config'));
    assert.equal(c?.payload.availability, undefined);
    assert.equal(c?.payload.state_topic, 'arrgus/status');
  });

  test('snapshots in mqtt-discovery/snapshots match (UPDATE_SNAPSHOTS=1 rewrites them)', () => {
    const want = new Map(messages.map((m) => [snapshotName(m.topic), `${JSON.stringify(m, null, 2)}\n`]));
    if (process.env.UPDATE_SNAPSHOTS === '1') {
      rmSync(SNAPSHOTS, { recursive: true, force: true });
      mkdirSync(SNAPSHOTS, { recursive: true });
      for (const [name, text] of want) writeFileSync(join(SNAPSHOTS, name), text);
    }
    const have = readdirSync(SNAPSHOTS).filter((f) => f.endsWith('.json'));
    assert.deepEqual(have.sort(), [...want.keys()].sort(), 'snapshot files differ: run UPDATE_SNAPSHOTS=1 and review');
    for (const [name, text] of want) {
      assert.equal(readFileSync(join(SNAPSHOTS, name), 'utf8'), text, `${name} drifted: UPDATE_SNAPSHOTS=1 and review`);
    }
  });
});

describe('isOwnConfig', () => {
  const [first] = buildDiscovery(referenceInput('home'));
  test('claims its own configs and never another instance whose id shares a prefix', () => {
    assert.ok(first);
    const payload = JSON.stringify(first.payload);
    assert.ok(isOwnConfig(first.topic, payload, 'homeassistant', 'home'));
    assert.ok(!isOwnConfig(first.topic, payload, 'homeassistant', 'hom'));
    const other = buildDiscovery(referenceInput('home_2'))[0];
    assert.ok(other);
    assert.ok(!isOwnConfig(other.topic, JSON.stringify(other.payload), 'homeassistant', 'home'));
  });
  test('recognises an old layout by its device and ignores foreign payloads', () => {
    const moved = JSON.stringify({
      unique_id: 'x',
      device: { identifiers: ['arrgus_home_plex'], via_device: nodeId('home') },
    });
    assert.ok(isOwnConfig('homeassistant/sensor/plex_x/config', moved, 'homeassistant', 'home'));
    assert.ok(
      !isOwnConfig('homeassistant/sensor/zigbee/config', '{"device":{"identifiers":["0x1"]}}', 'homeassistant', 'home'),
    );
    assert.ok(!isOwnConfig('homeassistant/sensor/zigbee/config', 'not json', 'homeassistant', 'home'));
  });
});
