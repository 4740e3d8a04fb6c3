/**
 * Test support: checks a discovery message against the shared Home Assistant discovery schema
 * (a copy of `../shared/ha/ha-discovery-schema.json` in test/fixtures/ha, or `ARRGUS_HA_SCHEMA`): topic shape, accepted and required keys per
 * platform, abbreviations, device, origin and availability keys, device classes, state classes, entity categories and
 * units. The schema has no unit table, so the units of the device classes Arrgus uses come from Home Assistant's
 * sensor documentation (DEVICE_CLASS_UNITS / DEVICE_CLASS_STATE_CLASSES in homeassistant/components/sensor/const.py).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Platform {
  accepted_keys: string[];
  required: string[];
}

export interface HaSchema {
  discovery_topic: { components: string[]; id_charset_regex: string };
  abbreviations: Record<string, string>;
  deprecated_abbreviations: Record<string, string>;
  device_abbreviations: Record<string, string>;
  origin_abbreviations: Record<string, string>;
  availability_item_keys: { accepted: string[]; required: string[]; abbreviations: Record<string, string> };
  device_schema: { accepted: string[] };
  origin_schema: { accepted: string[]; required: string[] };
  mutually_exclusive: string[][];
  platforms: Record<string, Platform>;
  enums: Record<string, unknown>;
}

/** Units Home Assistant accepts per sensor device class (only the classes Arrgus uses or might); `[]` = no unit. */
const DEVICE_CLASS_UNITS: Readonly<Record<string, readonly string[]>> = {
  timestamp: [],
  date: [],
  enum: [],
  duration: ['d', 'h', 'min', 's', 'ms', 'µs'],
  data_size: ['bit', 'kbit', 'Mbit', 'Gbit', 'B', 'kB', 'MB', 'GB', 'TB', 'KiB', 'MiB', 'GiB', 'TiB'],
  data_rate: ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'B/s', 'kB/s', 'MB/s', 'GB/s', 'KiB/s', 'MiB/s', 'GiB/s'],
};
/** Device classes whose state is not a number: Home Assistant rejects a state class on them. */
const NO_STATE_CLASS = new Set(['timestamp', 'date', 'enum']);

export const DEFAULT_SCHEMA_PATH = fileURLToPath(
  new URL('../../test/fixtures/ha/ha-discovery-schema.json', import.meta.url),
);

/** Loads the schema; null when the file is not there (tests then skip, saying so). */
export function loadHaSchema(path = process.env.ARRGUS_HA_SCHEMA ?? DEFAULT_SCHEMA_PATH): HaSchema | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as HaSchema;
}

/** Every problem with one discovery message; empty when Home Assistant would accept it. */
export function validateDiscovery(schema: HaSchema, topic: string, payload: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const err = (m: string): void => {
    errors.push(`${topic}: ${m}`);
  };
  const idRe = new RegExp(schema.discovery_topic.id_charset_regex);
  const parts = topic.split('/');
  if (parts.at(-1) !== 'config' || parts.length < 4 || parts.length > 5)
    err('topic is not <prefix>/<component>/[<node_id>/]<object_id>/config');
  const component = parts[1] ?? '';
  if (!schema.discovery_topic.components.includes(component)) err(`unknown component "${component}"`);
  for (const id of parts.slice(2, -1)) if (!idRe.test(id)) err(`id "${id}" has characters outside ${idRe}`);
  const platform = schema.platforms[component];
  if (!platform) {
    err(`no platform "${component}" in the schema`);
    return errors;
  }
  const p = expand(payload, { ...schema.abbreviations, ...schema.deprecated_abbreviations });
  for (const key of Object.keys(p))
    if (!platform.accepted_keys.includes(key)) err(`key "${key}" is not accepted by ${component}`);
  for (const key of platform.required) if (p[key] === undefined) err(`required key "${key}" is missing`);
  for (const group of schema.mutually_exclusive) {
    if (group.filter((k) => p[k] !== undefined).length > 1) err(`keys ${group.join(' and ')} exclude each other`);
  }
  if (typeof p.unique_id !== 'string' || !p.unique_id)
    err('unique_id is missing (entities without one cannot be edited)');
  if (typeof p.name !== 'string' && p.name !== null) err('name is missing');
  if (p.default_entity_id !== undefined) {
    const [domain, object] = String(p.default_entity_id).split('.');
    if (domain !== component || !object || !/^[a-z0-9_]+$/.test(object))
      err(`default_entity_id "${String(p.default_entity_id)}" is not ${component}.<lowercase id>`);
  }
  checkDevice(schema, p.device, err);
  checkOrigin(schema, p.origin, err);
  checkAvailability(schema, p, err);
  checkEnums(schema, component, p, err);
  return errors;
}

function expand(o: Record<string, unknown>, table: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[table[k] ?? k] = v;
  return out;
}

function checkDevice(schema: HaSchema, raw: unknown, err: (m: string) => void): void {
  if (!raw || typeof raw !== 'object') {
    err('device is missing');
    return;
  }
  const d = expand(raw as Record<string, unknown>, schema.device_abbreviations);
  for (const k of Object.keys(d))
    if (!schema.device_schema.accepted.includes(k)) err(`device key "${k}" is not accepted`);
  const ids = d.identifiers;
  const idList = Array.isArray(ids) ? ids : ids === undefined ? [] : [ids];
  if (idList.length === 0 && !(Array.isArray(d.connections) && d.connections.length)) err('device has no identifiers');
  if (idList.some((i) => typeof i !== 'string')) err('device identifiers must be strings');
  if (
    d.configuration_url !== undefined &&
    !/^(?:https?:\/\/[^\s]+|homeassistant:\/\/[^\s]+)$/.test(String(d.configuration_url))
  ) {
    err(`configuration_url "${String(d.configuration_url)}" is not an http(s) or homeassistant:// URL`);
  }
  if (typeof d.name !== 'string' || !d.name) err('device has no name');
}

function checkOrigin(schema: HaSchema, raw: unknown, err: (m: string) => void): void {
  if (!raw || typeof raw !== 'object') {
    err('origin is missing');
    return;
  }
  const o = expand(raw as Record<string, unknown>, schema.origin_abbreviations);
  for (const k of Object.keys(o))
    if (!schema.origin_schema.accepted.includes(k)) err(`origin key "${k}" is not accepted`);
  for (const k of schema.origin_schema.required) if (o[k] === undefined) err(`origin key "${k}" is missing`);
}

function checkAvailability(schema: HaSchema, p: Record<string, unknown>, err: (m: string) => void): void {
  const a = schema.availability_item_keys;
  if (p.availability !== undefined) {
    if (!Array.isArray(p.availability) || p.availability.length === 0) {
      err('availability must be a non-empty list');
      return;
    }
    for (const item of p.availability) {
      const i = expand(item as Record<string, unknown>, a.abbreviations);
      for (const k of Object.keys(i)) if (!a.accepted.includes(k)) err(`availability key "${k}" is not accepted`);
      for (const k of a.required) if (i[k] === undefined) err(`availability item lacks "${k}"`);
    }
  }
  if (
    p.availability_mode !== undefined &&
    !(schema.enums.availability_mode as string[]).includes(String(p.availability_mode))
  ) {
    err(`availability_mode "${String(p.availability_mode)}" is invalid`);
  }
}

function checkEnums(schema: HaSchema, component: string, p: Record<string, unknown>, err: (m: string) => void): void {
  const e = schema.enums;
  const dc = p.device_class;
  if (dc !== undefined) {
    const valid = e[`${component}_device_class`] as string[] | undefined;
    if (!valid?.includes(String(dc))) err(`device_class "${String(dc)}" is not valid for ${component}`);
  }
  if (p.state_class !== undefined) {
    if (component !== 'sensor') err('state_class exists only on sensors');
    else if (!(e.sensor_state_class as string[]).includes(String(p.state_class)))
      err(`state_class "${String(p.state_class)}" is invalid`);
    else if (typeof dc === 'string' && NO_STATE_CLASS.has(dc)) err(`device_class ${dc} takes no state_class`);
  }
  if (p.entity_category !== undefined) {
    if (!(e.entity_category as string[]).includes(String(p.entity_category)))
      err(`entity_category "${String(p.entity_category)}" is invalid`);
    if ((component === 'sensor' || component === 'binary_sensor') && p.entity_category === 'config') {
      err(`entity_category config is rejected on ${component}`);
    }
  }
  if (component === 'sensor' && typeof dc === 'string' && dc in DEVICE_CLASS_UNITS) {
    const units = DEVICE_CLASS_UNITS[dc] as readonly string[];
    const u = p.unit_of_measurement;
    if (units.length === 0 && u !== undefined) err(`device_class ${dc} takes no unit`);
    if (units.length > 0 && (u === undefined || !units.includes(String(u))))
      err(`unit "${String(u)}" is not valid for ${dc} (${units.join(', ')})`);
  }
  if (p.qos !== undefined && !(e.qos as number[]).includes(Number(p.qos))) err(`qos ${String(p.qos)} is invalid`);
  if (component === 'event') {
    const types = p.event_types;
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string'))
      err('event_types must be a non-empty list of strings');
  }
  if (p.enabled_by_default !== undefined && typeof p.enabled_by_default !== 'boolean')
    err('enabled_by_default must be a boolean');
}
