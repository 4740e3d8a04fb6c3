/**
 * Home Assistant MQTT discovery payloads: pure functions, and the only place with Home Assistant vocabulary (house
 * rule 4). Every payload is checked against the shared discovery schema by discovery.test.ts and snapshotted in
 * mqtt-discovery/snapshots/. Per-entity discovery (not the 2024.11 device form) so Home Assistant releases older than
 * that work too, as zigbee2mqtt does.
 */
import { appLabel } from '../core/types.ts';
import { sessionEntities } from './discovery-sessions.ts';
import type { EntitySpec, Payload } from './entity-spec.ts';
import { eventTypesFor, isMediaServer } from './session-states.ts';
import type { Topics } from './topics.ts';

export interface DiscoverySource {
  name: string;
  slug: string;
  app: string;
}

export interface DiscoveryInput {
  prefix: string;
  topics: Topics;
  instanceId: string;
  version: string;
  /** The panel, for `configuration_url`; omitted when the panel is off. */
  panelUrl?: string;
  supportUrl?: string;
  sources: readonly DiscoverySource[];
  /** Notification targets with a health sensor. */
  notifiers: ReadonlyArray<{ name: string; slug: string }>;
  /** Whether a test notification can be sent (the button exists only then). */
  testNotification: boolean;
  /** Whether playback summaries are published: media servers then get their session sensors. */
  sessions?: boolean;
  /** Whether AI analysis is on: each source then gets an "Analyse top issue" button. */
  analyze?: boolean;
}

export interface DiscoveryMessage {
  topic: string;
  payload: Payload;
}

/** The node id in every config topic and the bridge device's identifier: what makes a config this instance's. */
export function nodeId(instanceId: string): string {
  return `arrgus_${instanceId}`;
}

const onOff = (field: string): string => `{{ 'ON' if value_json.${field} else 'OFF' }}`;
const orNone = (field: string): string => `{{ value_json.${field} if value_json.${field} is not none else 'None' }}`;

function sourceEntities(t: Topics, slug: string, app: string): EntitySpec[] {
  const state = t.sourceState(slug);
  const count = (key: string, name: string, field: string, icon: string, disabled = false): EntitySpec => ({
    component: 'sensor',
    key,
    name,
    disabled,
    fields: { state_topic: state, value_template: `{{ value_json.${field} }}`, state_class: 'measurement', icon },
  });
  return [
    {
      component: 'binary_sensor',
      key: 'problem',
      name: 'Problem',
      fields: {
        state_topic: state,
        device_class: 'problem',
        // An alert, or a source that cannot read its logs (`read_problem` says what and why).
        value_template: "{{ 'ON' if value_json.alert_active or value_json.reading == 'failing' else 'OFF' }}",
        json_attributes_topic: state,
        json_attributes_template: "{{ {'alert': value_json.alert, 'read_problem': value_json.read_problem} | tojson }}",
      },
    },
    count('errors_5m', 'Errors (5 min)', 'errors_5m', 'mdi:alert-circle-outline'),
    count('warnings_5m', 'Warnings (5 min)', 'warnings_5m', 'mdi:alert-outline'),
    count('errors_1h', 'Errors (1 h)', 'errors_1h', 'mdi:alert-circle-outline'),
    count('warnings_1h', 'Warnings (1 h)', 'warnings_1h', 'mdi:alert-outline', true),
    count('open_issues', 'Open issues', 'open_issues', 'mdi:clipboard-alert-outline'),
    {
      component: 'sensor',
      key: 'top_issue',
      name: 'Top issue',
      fields: {
        state_topic: state,
        value_template: "{{ value_json.top_issue.title if value_json.top_issue else 'No open issues' }}",
        json_attributes_topic: state,
        json_attributes_template: '{{ (value_json.top_issue or {}) | tojson }}',
        icon: 'mdi:format-list-numbered',
      },
    },
    {
      component: 'sensor',
      key: 'last_error',
      name: 'Last error',
      fields: { state_topic: state, device_class: 'timestamp', value_template: orNone('last_error_at') },
    },
    {
      component: 'sensor',
      key: 'records_per_minute',
      name: 'Records per minute',
      category: 'diagnostic',
      fields: {
        state_topic: state,
        value_template: '{{ value_json.records_per_minute }}',
        state_class: 'measurement',
        unit_of_measurement: 'records/min',
        icon: 'mdi:text-box-multiple-outline',
      },
    },
    {
      component: 'sensor',
      key: 'log_freshness',
      name: 'Log freshness',
      category: 'diagnostic',
      fields: {
        state_topic: state,
        device_class: 'duration',
        unit_of_measurement: 's',
        state_class: 'measurement',
        value_template: orNone('log_freshness_s'),
        json_attributes_topic: state,
        json_attributes_template: "{{ {'last_record_at': value_json.last_record_at} | tojson }}",
      },
    },
    {
      component: 'event',
      key: 'events',
      name: 'Events',
      fields: { state_topic: t.sourceEvent(slug), event_types: eventTypesFor(app), icon: 'mdi:bell-ring-outline' },
    },
    {
      component: 'switch',
      key: 'mute',
      name: 'Mute',
      category: 'config',
      fields: {
        command_topic: t.sourceMuteSet(slug),
        state_topic: state,
        value_template: onOff('muted'),
        payload_on: 'ON',
        payload_off: 'OFF',
        icon: 'mdi:bell-off-outline',
      },
    },
    {
      component: 'button',
      key: 'acknowledge',
      name: 'Acknowledge issues',
      disabled: true,
      fields: { command_topic: t.sourceAcknowledgeSet(slug), payload_press: 'PRESS', icon: 'mdi:check-all' },
    },
    {
      component: 'button',
      key: 'resolve',
      name: 'Resolve issues',
      disabled: true,
      fields: { command_topic: t.sourceResolveSet(slug), payload_press: 'PRESS', icon: 'mdi:check-circle-outline' },
    },
  ];
}

function bridgeEntities(i: DiscoveryInput): EntitySpec[] {
  const t = i.topics;
  const state = t.bridgeState;
  const list: EntitySpec[] = [
    {
      component: 'sensor',
      key: 'version',
      name: 'Version',
      category: 'diagnostic',
      fields: { state_topic: state, value_template: '{{ value_json.version }}', icon: 'mdi:information-outline' },
    },
    {
      // A start timestamp, like Home Assistant's own Uptime integration: the frontend shows "3 days ago" without a
      // state change every few seconds. uptime_s stays in the JSON for other consumers.
      component: 'sensor',
      key: 'uptime',
      name: 'Uptime',
      category: 'diagnostic',
      fields: { state_topic: state, device_class: 'timestamp', value_template: '{{ value_json.started_at }}' },
    },
    {
      component: 'sensor',
      key: 'open_issues',
      name: 'Open issues',
      fields: {
        state_topic: state,
        value_template: '{{ value_json.open_issues }}',
        state_class: 'measurement',
        icon: 'mdi:clipboard-alert-outline',
      },
    },
    {
      component: 'sensor',
      key: 'highest_impact',
      name: 'Highest impact',
      fields: {
        state_topic: state,
        value_template: '{{ value_json.highest_impact }}',
        state_class: 'measurement',
        icon: 'mdi:gauge',
      },
    },
    {
      component: 'sensor',
      key: 'active_alerts',
      name: 'Active alerts',
      fields: {
        state_topic: state,
        value_template: '{{ value_json.active_alerts }}',
        state_class: 'measurement',
        icon: 'mdi:bell-alert-outline',
      },
    },
    {
      component: 'binary_sensor',
      key: 'connection',
      name: 'Broker connection',
      category: 'diagnostic',
      noAvailability: true,
      fields: { state_topic: t.status, device_class: 'connectivity', payload_on: 'online', payload_off: 'offline' },
    },
    {
      component: 'switch',
      key: 'maintenance',
      name: 'Maintenance mode',
      fields: {
        command_topic: t.globalMuteSet,
        state_topic: state,
        value_template: onOff('maintenance'),
        payload_on: 'ON',
        payload_off: 'OFF',
        icon: 'mdi:wrench-clock',
      },
    },
    {
      component: 'button',
      key: 'acknowledge_all',
      name: 'Acknowledge all issues',
      fields: { command_topic: t.acknowledgeAllSet, payload_press: 'PRESS', icon: 'mdi:check-all' },
    },
    {
      component: 'button',
      key: 'resolve_all',
      name: 'Resolve all issues',
      fields: { command_topic: t.resolveAllSet, payload_press: 'PRESS', icon: 'mdi:check-circle-outline' },
    },
  ];
  if (i.testNotification) {
    list.push({
      component: 'button',
      key: 'test_notification',
      name: 'Send test notification',
      category: 'diagnostic',
      fields: { command_topic: t.testNotificationSet, payload_press: 'PRESS', icon: 'mdi:bell-check-outline' },
    });
  }
  for (const n of i.notifiers) {
    const get = `value_json.get('${n.slug}')`;
    list.push({
      component: 'binary_sensor',
      key: `notifier_${n.slug}`,
      name: `Notifier ${n.name}`,
      category: 'diagnostic',
      fields: {
        state_topic: t.notifiers,
        device_class: 'problem',
        value_template: `{{ 'OFF' if (${get} or {}).get('ok', true) else 'ON' }}`,
        json_attributes_topic: t.notifiers,
        json_attributes_template: `{{ (${get} or {}) | tojson }}`,
      },
    });
  }
  return list;
}

/** Every discovery config this configuration publishes, bridge first. */
export function buildDiscovery(i: DiscoveryInput): DiscoveryMessage[] {
  const node = nodeId(i.instanceId);
  const origin: Payload = {
    name: 'Arrgus',
    sw_version: i.version,
    ...(i.supportUrl ? { support_url: i.supportUrl } : {}),
  };
  const cu = i.panelUrl ? { configuration_url: i.panelUrl } : {};
  const bridgeDevice: Payload = {
    identifiers: [node],
    name: 'Arrgus',
    manufacturer: 'Arrgus',
    model: 'Media stack health monitor',
    sw_version: i.version,
    ...cu,
  };
  const out: DiscoveryMessage[] = [];
  const emit = (spec: EntitySpec, slug: string, device: Payload, availability: string[]): void => {
    const objectId = `arrgus_${slug}_${spec.key}`;
    const payload: Payload = {
      name: spec.name,
      unique_id: `${node}_${slug}_${spec.key}`,
      default_entity_id: `${spec.component}.${objectId}`,
      // object_id is deprecated since 2025.10 but older installs still need it to name the entity (zigbee2mqtt too).
      object_id: objectId,
      ...spec.fields,
      ...(spec.category ? { entity_category: spec.category } : {}),
      ...(spec.disabled ? { enabled_by_default: false } : {}),
      ...(spec.noAvailability
        ? {}
        : {
            availability: [...availability.map((topic) => ({ topic })), ...(spec.availability ?? [])],
            availability_mode: 'all',
          }),
      qos: 1,
      device,
      origin,
    };
    out.push({ topic: `${i.prefix}/${spec.component}/${node}/${slug}_${spec.key}/config`, payload });
  };
  for (const spec of bridgeEntities(i)) emit(spec, 'bridge', bridgeDevice, [i.topics.status]);
  for (const s of i.sources) {
    // `auto` sources read whatever log they are given: named like `generic` ones.
    const label = appLabel(s.app);
    const device: Payload = {
      identifiers: [`${node}_${s.slug}`],
      name: s.name.toLowerCase() === s.app ? label : s.name,
      manufacturer: 'Arrgus',
      model: `${label} logs`,
      via_device: node,
      ...cu,
    };
    const availability = [i.topics.status, i.topics.sourceAvailability(s.slug)];
    const specs = sourceEntities(i.topics, s.slug, s.app);
    if (i.sessions && isMediaServer(s.app)) specs.push(...sessionEntities(i.topics, s.slug));
    if (i.analyze) {
      specs.push({
        component: 'button',
        key: 'analyze',
        name: 'Analyse top issue',
        fields: { command_topic: i.topics.sourceAnalyzeSet(s.slug), payload_press: 'PRESS', icon: 'mdi:robot-outline' },
      });
    }
    for (const spec of specs) emit(spec, s.slug, device, availability);
  }
  return out;
}

/** The subscription that finds this instance's retained configs (and only those) under the discovery prefix. */
export function ownConfigFilter(prefix: string, instanceId: string): string {
  return `${prefix}/+/${nodeId(instanceId)}/+/config`;
}

/**
 * Whether a retained config belongs to this instance: its node id segment is ours, or its device is our bridge or
 * hangs off it. Exact comparisons, so instance `home` never claims `home_2`'s entities.
 */
export function isOwnConfig(topic: string, payload: string, prefix: string, instanceId: string): boolean {
  const node = nodeId(instanceId);
  const parts = topic.split('/');
  if (!topic.startsWith(`${prefix}/`) || parts.at(-1) !== 'config') return false;
  if (parts.length === prefix.split('/').length + 4 && parts.at(-3) === node) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    // Someone else's non-JSON payload: not ours.
    return false;
  }
  const device = (parsed as { device?: { identifiers?: unknown; via_device?: unknown } } | null)?.device;
  if (!device) return false;
  const ids = Array.isArray(device.identifiers) ? device.identifiers : [device.identifiers];
  return ids.includes(node) || device.via_device === node;
}
