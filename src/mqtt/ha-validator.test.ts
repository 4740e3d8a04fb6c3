import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDiscovery } from './discovery.ts';
import { loadHaSchema, validateDiscovery } from './ha-validator.ts';
import { topics } from './topics.ts';

const schema = loadHaSchema();
const skip = schema ? false : 'ha-discovery-schema.json not found (set ARRGUS_HA_SCHEMA to its path)';

const good = buildDiscovery({
  prefix: 'homeassistant',
  topics: topics('arrgus'),
  instanceId: 'v',
  version: '1',
  sources: [{ name: 'plex', slug: 'plex', app: 'plex' }],
  notifiers: [],
  testNotification: false,
});
const pick = (suffix: string) => {
  const m = good.find((x) => x.topic.endsWith(suffix));
  assert.ok(m, suffix);
  return m;
};

test('the validator rejects what Home Assistant rejects', { skip }, () => {
  const s = schema!;
  const sensor = pick('/plex_errors_5m/config');
  const bad = (topic: string, patch: Record<string, unknown>) =>
    validateDiscovery(s, topic, { ...sensor.payload, ...patch });
  assert.deepEqual(validateDiscovery(s, sensor.topic, sensor.payload), []);
  assert.match(bad(sensor.topic, { device_class: 'errors' }).join(), /device_class "errors"/);
  assert.match(bad(sensor.topic, { state_class: 'gauge' }).join(), /state_class "gauge"/);
  assert.match(bad(sensor.topic, { entity_category: 'config' }).join(), /config is rejected/);
  assert.match(
    bad(sensor.topic, { device_class: 'duration', unit_of_measurement: 'seconds' }).join(),
    /unit "seconds"/,
  );
  assert.match(bad(sensor.topic, { device_class: 'timestamp' }).join(), /takes no state_class/);
  assert.match(bad(sensor.topic, { payload_press: 'X' }).join(), /"payload_press" is not accepted/);
  assert.match(bad(sensor.topic, { state_topic: undefined, stat_t: undefined }).join(), /required key "state_topic"/);
  assert.match(bad(sensor.topic, { availability_topic: 'x' }).join(), /exclude each other/);
  assert.match(bad(sensor.topic, { origin: { sw: '1' } }).join(), /origin key "name" is missing/);
  assert.match(bad(sensor.topic, { device: { name: 'x' } }).join(), /no identifiers/);
  assert.match(bad('homeassistant/sensor/arrgus v/x/config', {}).join(), /characters outside/);
  assert.match(bad('homeassistant/gauge/x/config', {}).join(), /unknown component/);
  assert.match(bad(sensor.topic, { default_entity_id: 'switch.x' }).join(), /default_entity_id/);
  // Abbreviations expand before the check.
  const { state_topic: _st, ...rest } = sensor.payload;
  assert.deepEqual(validateDiscovery(s, sensor.topic, { ...rest, stat_t: 'arrgus/plex/state' }), []);
  const ev = pick('/plex_events/config');
  assert.match(validateDiscovery(s, ev.topic, { ...ev.payload, event_types: [] }).join(), /event_types/);
});
