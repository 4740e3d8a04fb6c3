/**
 * Home Assistant discovery for a media server's playbacks (part of the pure discovery builders, beside
 * discovery.ts): what loads the server and what hurts viewers. Home Assistant's own Plex and Jellyfin integrations
 * already count who is watching, so the raw count starts disabled; transcodes, bandwidth and trouble are what only
 * Arrgus knows.
 */
import type { EntitySpec } from './entity-spec.ts';
import type { Topics } from './topics.ts';

export function sessionEntities(t: Topics, slug: string): EntitySpec[] {
  const state = t.sourceSessions(slug);
  // A media server with nothing reporting its playbacks (no API url, no webhook, no Tautulli) has no numbers: its
  // sensors are unavailable rather than a misleading zero.
  const tracked = [
    { topic: state, value_template: "{{ 'online' if value_json.tracked | default(true) else 'offline' }}" },
  ];
  const count = (key: string, name: string, field: string, icon: string): EntitySpec => ({
    component: 'sensor',
    key,
    name,
    fields: { state_topic: state, value_template: `{{ value_json.${field} }}`, state_class: 'measurement', icon },
    availability: tracked,
  });
  const attributes = (fields: readonly string[]): Record<string, string> => ({
    json_attributes_topic: state,
    json_attributes_template: `{{ {${fields.map((f) => `'${f}': value_json.${f}`).join(', ')}} | tojson }}`,
  });
  const active = count('active_sessions', 'Active sessions', 'active', 'mdi:play-circle-outline');
  active.disabled = true;
  Object.assign(active.fields, attributes(['playing', 'paused', 'buffering', 'direct_play', 'direct_stream']));
  const transcodes = count('transcodes', 'Transcodes', 'transcodes', 'mdi:swap-horizontal');
  Object.assign(transcodes.fields, attributes(['software_transcodes', 'hardware_transcodes']));
  const trouble = count('sessions_in_trouble', 'Sessions in trouble', 'in_trouble', 'mdi:play-speed');
  Object.assign(trouble.fields, attributes(['trouble']));
  return [
    active,
    transcodes,
    count('software_transcodes', 'Software transcodes', 'software_transcodes', 'mdi:cpu-64-bit'),
    {
      component: 'sensor',
      key: 'bandwidth',
      name: 'Bandwidth',
      fields: {
        state_topic: state,
        value_template: '{{ value_json.bandwidth_kbps }}',
        device_class: 'data_rate',
        unit_of_measurement: 'kbit/s',
        state_class: 'measurement',
        suggested_display_precision: 0,
      },
      availability: tracked,
    },
    trouble,
    count('failed_playbacks_1h', 'Failed playbacks (1 h)', 'failed_1h', 'mdi:close-octagon-outline'),
  ];
}
