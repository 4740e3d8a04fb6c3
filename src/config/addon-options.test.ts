/**
 * The Home Assistant add-on manifest (`config.json`) and the zod schema must agree: every add-on option is a config
 * key of a compatible type, its default is the schema's default, and translations name every option. The add-on
 * options reach Arrgus through `loadConfig` exactly as `/data/options.json` does in the container.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from './load.ts';
import { configSchema } from './schema.ts';

type AddonSchema = string | AddonSchema[] | { [k: string]: AddonSchema };
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('config.json', root), 'utf8')) as {
  options: { [k: string]: Json };
  schema: { [k: string]: AddonSchema };
  version: string;
};

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
  format?: string;
}
interface Schema {
  _zod: { def: Def };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  minLength?: number | null;
}
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch']);

/** Strips defaults, optionals and transforms down to the input shape. Records whether the field may be left out. */
function unwrap(s: Schema): { leaf: Schema; omittable: boolean } {
  let cur = s;
  let omittable = false;
  for (;;) {
    const def = cur._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) {
      if (def.type !== 'nullable' && def.type !== 'readonly') omittable = true;
      cur = def.innerType;
    } else if (def.type === 'pipe' && def.in && def.out) {
      cur = def.in._zod.def.type === 'transform' ? def.out : def.in;
    } else return { leaf: cur, omittable };
  }
}

/** The object fields a schema accepts; unions (notification targets) contribute the fields of every branch. */
function fields(s: Schema): Map<string, Schema> {
  const { leaf } = unwrap(s);
  const def = leaf._zod.def;
  if (def.type === 'object' && def.shape) return new Map(Object.entries(def.shape));
  if (def.type === 'union' && def.options) {
    const out = new Map<string, Schema>();
    for (const o of def.options) for (const [k, v] of fields(o)) if (!out.has(k)) out.set(k, v);
    return out;
  }
  throw new Error(`expected an object schema, got ${def.type}`);
}

function acceptsString(s: Schema): boolean {
  const d = unwrap(s).leaf._zod.def;
  if (d.type === 'string' || d.type === 'literal') return true;
  return d.type === 'union' && (d.options ?? []).some(acceptsString);
}

const problems: string[] = [];
function check(path: string, addon: AddonSchema, zod: Schema): void {
  if (Array.isArray(addon)) {
    const { leaf } = unwrap(zod);
    if (leaf._zod.def.type !== 'array' || !leaf._zod.def.element) {
      problems.push(`${path}: a list in the add-on, ${leaf._zod.def.type} in the config`);
      return;
    }
    const element = leaf._zod.def.element;
    // Notification targets: `{name, url}` is expanded before validation (Apprise URL form).
    if (path === 'notify') {
      const known = fields(element);
      for (const [k, v] of Object.entries(addon[0] as Record<string, AddonSchema>)) {
        if (k === 'url') continue;
        const f = known.get(k);
        if (!f) problems.push(`notify[].${k}: no such config key`);
        else check(`notify[].${k}`, v, f);
      }
      return;
    }
    check(`${path}[]`, addon[0] as AddonSchema, element);
    return;
  }
  if (typeof addon === 'object') {
    const known = fields(zod);
    for (const [k, v] of Object.entries(addon)) {
      const f = known.get(k);
      if (!f) problems.push(`${path ? `${path}.` : ''}${k}: no such config key`);
      else check(`${path ? `${path}.` : ''}${k}`, v, f);
    }
    return;
  }
  const { leaf, omittable } = unwrap(zod);
  const def = leaf._zod.def;
  const optional = addon.endsWith('?');
  if (optional && !omittable) problems.push(`${path}: optional in the add-on but required by the config`);
  const type = addon.replace(/\?$/, '');
  const list = /^list\((.+)\)$/.exec(type);
  const int = /^int\((-?\d*),(-?\d*)\)$/.exec(type);
  if (list) {
    const values = (list[1] as string).split('|');
    const allowed = def.type === 'enum' ? Object.values(def.entries ?? {}) : [];
    const extra = values.filter((v) => !allowed.includes(v));
    if (extra.length) problems.push(`${path}: add-on choices ${extra.join(', ')} are not accepted by the config`);
    const missing = allowed.filter((v) => !values.includes(v));
    if (missing.length) problems.push(`${path}: config choices ${missing.join(', ')} are missing in the add-on`);
  } else if (type === 'bool') {
    if (def.type !== 'boolean') problems.push(`${path}: bool in the add-on, ${def.type} in the config`);
  } else if (type === 'int' || int) {
    if (def.type !== 'number' || !leaf.isInt) problems.push(`${path}: int in the add-on, ${def.type} in the config`);
    const min = int?.[1] ? Number(int[1]) : Number.NEGATIVE_INFINITY;
    const max = int?.[2] ? Number(int[2]) : Number.POSITIVE_INFINITY;
    const zodMax =
      (leaf.maxValue ?? Number.MAX_SAFE_INTEGER) >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : leaf.maxValue;
    if (min < (leaf.minValue ?? Number.NEGATIVE_INFINITY) || max > (zodMax ?? Number.POSITIVE_INFINITY))
      problems.push(`${path}: add-on range ${type} is wider than the config's ${leaf.minValue}..${leaf.maxValue}`);
  } else if (/^(str|password|url|match)\b/.test(type)) {
    if (!acceptsString(leaf)) problems.push(`${path}: ${type} in the add-on, ${def.type} in the config`);
  } else problems.push(`${path}: add-on type ${addon} is not mapped`);
}

test('every add-on option is a config key of a compatible type', () => {
  problems.length = 0;
  check('', manifest.schema, configSchema as unknown as Schema);
  assert.deepEqual(problems, []);
});

test('the check catches a misspelt option and a wrong type (it can fail)', () => {
  problems.length = 0;
  check(
    '',
    { alerts: { treshold: 'int' }, log: { level: 'list(debug|info|loud)' } },
    configSchema as unknown as Schema,
  );
  assert.equal(problems.length, 3, problems.join('\n'));
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'arrgus-addon-'));
}

test('the default add-on options load to the schema defaults', () => {
  const dir = tmp();
  const options = join(dir, 'options.json');
  writeFileSync(options, JSON.stringify(manifest.options));
  const fromAddon = loadConfig({ cwd: dir, env: {}, addonOptionsPath: options, addonConfigDir: join(dir, 'none') });
  // In the add-on the state lives in /data, and the web port listens beyond loopback but answers the Supervisor only
  // (ingress): all on purpose.
  const defaults = configSchema.parse({ dataDir: '/data', web: { host: '0.0.0.0', ingressOnly: true } });
  assert.deepEqual(fromAddon.config, defaults);
});

test('every option the add-on form sets has a default equal to the schema default', () => {
  const defaults = configSchema.parse({}) as unknown as Record<string, Json>;
  const walk = (path: string[], opt: Json, def: Json | undefined): void => {
    if (opt && typeof opt === 'object' && !Array.isArray(opt)) {
      for (const [k, v] of Object.entries(opt)) walk([...path, k], v, (def as Record<string, Json> | undefined)?.[k]);
      return;
    }
    // Durations are written as text in the form and held as milliseconds in the config.
    const parsed = typeof opt === 'string' && typeof def === 'number' ? def : opt;
    assert.deepEqual(parsed, def, `${path.join('.')}: add-on default ${JSON.stringify(opt)}`);
  };
  walk([], manifest.options, defaults);
});

test('a full add-on form with sources, notifications and MQTT loads', () => {
  const dir = tmp();
  const options = join(dir, 'options.json');
  writeFileSync(
    options,
    JSON.stringify({
      ...manifest.options,
      sources: [
        { name: 'plex', app: 'plex', path: '/share/plex/Logs', url: 'http://192.168.1.5:32400', token: 'plex-tok' },
        { name: 'sonarr', app: 'sonarr', path: '/share/sonarr/logs', apiKey: 'k'.repeat(32), verifyTls: false },
      ],
      notify: [{ name: 'phone', url: 'ntfys://ntfy.sh/arrgus-alerts', minSeverity: 'high' }],
      mqtt: { url: 'mqtt://192.168.1.2:1883', username: 'u', password: 'pass-word-1' },
      homeassistant: { discovery: true, discoveryPrefix: 'ha' },
      instanceId: 'house-a',
    }),
  );
  const { config } = loadConfig({ cwd: dir, env: {}, addonOptionsPath: options, addonConfigDir: join(dir, 'none') });
  assert.equal(config.sources.length, 2);
  assert.equal(config.notify[0]?.type, 'ntfy');
  assert.equal(config.notify[0]?.minSeverity, 'high');
  assert.equal(config.mqtt.url, 'mqtt://192.168.1.2:1883');
  assert.equal(config.homeassistant.discoveryPrefix, 'ha');
  assert.equal(config.instanceId, 'house-a');
});

test("arrgus.yaml in the add-on's config folder refines the form (it wins key by key)", () => {
  const dir = tmp();
  const options = join(dir, 'options.json');
  writeFileSync(
    options,
    JSON.stringify({ ...manifest.options, alerts: { threshold: 7, window: '5m', cooldown: '15m' } }),
  );
  const cfgDir = join(dir, 'config');
  mkdirSync(cfgDir);
  writeFileSync(join(cfgDir, 'arrgus.yaml'), 'alerts:\n  cooldown: 1h\nmqtt:\n  keepalive: 30\n');
  const { config, layers } = loadConfig({ cwd: dir, env: {}, addonOptionsPath: options, addonConfigDir: cfgDir });
  assert.equal(config.alerts.threshold, 7);
  assert.equal(config.alerts.cooldown, 3_600_000);
  assert.equal(config.mqtt.keepalive, 30);
  assert.deepEqual(layers.slice(1), [options, join(cfgDir, 'arrgus.yaml')]);
});

test('translations name every option, nested fields included', () => {
  const tr = parse(readFileSync(new URL('translations/en.yaml', root), 'utf8')) as {
    configuration: Record<string, { name: string; fields?: Record<string, { name: string }> }>;
  };
  const missing: string[] = [];
  const walk = (
    path: string,
    schema: AddonSchema,
    t: { name?: string; fields?: Record<string, unknown> } | undefined,
  ) => {
    if (!t?.name) missing.push(path);
    const inner = Array.isArray(schema) ? schema[0] : schema;
    if (inner && typeof inner === 'object' && !Array.isArray(inner))
      for (const [k, v] of Object.entries(inner))
        walk(`${path}.${k}`, v, t?.fields?.[k] as { name?: string; fields?: Record<string, unknown> } | undefined);
  };
  for (const [k, v] of Object.entries(manifest.schema)) walk(k, v, tr.configuration[k]);
  assert.deepEqual(missing, []);
});

test('the add-on, the package and the image carry one version', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  assert.equal(manifest.version, pkg.version);
  const changelog = readFileSync(new URL('CHANGELOG.md', root), 'utf8');
  assert.match(changelog, new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
});

test('the image and add-on variables are not settings (ARRGUS_DROP_TO, ARRGUS_ADDON_*)', () => {
  const env = {
    ARRGUS_DROP_TO: '1000:1000',
    ARRGUS_ADDON_OPTIONS: '/nonexistent/options.json',
    ARRGUS_ADDON_CONFIG_DIR: '/nonexistent',
    ARRGUS_WEB__PORT: '8100',
  };
  const { config } = loadConfig({ cwd: tmp(), env });
  assert.equal(config.web.port, 8100);
});
