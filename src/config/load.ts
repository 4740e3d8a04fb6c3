/**
 * Loading the configuration. Sources, merged in this order: schema defaults, a YAML or JSON file (`--config FILE`, or
 * `./arrgus.yaml` when present), Home Assistant add-on options (`/data/options.json`), environment variables
 * (`ARRGUS_...`, plus the Sentarr names). Objects merge key by key; lists are replaced.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { isSecretKey, redact, registerCredentials, registerSecret, registerUrlSecrets } from '../core/redact.ts';
import { type Config, configSchema } from './schema.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[], origin?: string) {
    const where = origin ? ` (${origin})` : '';
    super(`Invalid configuration${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface LoadOptions {
  /** `--config FILE`; when unset, `./arrgus.yaml` (or `.yml`, `.json`) in `cwd` if present. */
  file?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Path of the add-on options; default `/data/options.json`. */
  addonOptionsPath?: string;
  /** The add-on's config folder (`app_config`, `/config` in the container), searched for `arrgus.yaml`. */
  addonConfigDir?: string;
}

export interface LoadedConfig {
  config: Config;
  /** Where each layer came from, for the startup log. */
  layers: string[];
  /** Which layer set each value: dotted key path (`web.port`, `sources[0]`) → `file`, `add-on option`, `environment`. */
  origins?: Record<string, string>;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const layers: string[] = ['defaults'];
  let merged: JsonObject = {};

  const file = opts.file ?? findDefaultFile(cwd);
  const origins: Record<string, string> = {};
  if (file) {
    const fromFile = readConfigFile(file);
    merged = deepMerge(merged, fromFile);
    layers.push(resolve(file));
    markOrigins(fromFile, 'file', origins);
  }

  const addonPath = opts.addonOptionsPath ?? env.ARRGUS_ADDON_OPTIONS ?? '/data/options.json';
  if (existsSync(addonPath)) {
    const addon = readConfigFile(addonPath);
    // Ingress reaches the add-on from the Supervisor's network: it listens beyond loopback, answering only ingress.
    merged = deepMerge({ dataDir: '/data', web: { host: '0.0.0.0', ingressOnly: true } }, merged);
    merged = deepMerge(merged, addon);
    layers.push(addonPath);
    markOrigins(addon, 'add-on option', origins);
    // Settings the options form cannot express (routing, rules, TLS ...) live in the add-on's config folder; the file
    // wins over the form, key by key, so it can refine what the form sets.
    const dir = opts.addonConfigDir ?? env.ARRGUS_ADDON_CONFIG_DIR ?? '/config';
    const extra = opts.file ? undefined : findDefaultFile(dir);
    if (extra) {
      const fromExtra = readConfigFile(extra);
      merged = deepMerge(merged, fromExtra);
      layers.push(extra);
      markOrigins(fromExtra, 'file', origins);
    }
  }

  const fromEnv = envLayer(env);
  if (Object.keys(fromEnv.values).length) {
    merged = deepMerge(merged, fromEnv.values);
    layers.push(`environment (${fromEnv.names.join(', ')})`);
    markOrigins(fromEnv.values, 'environment', origins);
  }
  if (fromEnv.extraSources.length) {
    origins.sources = 'environment';
    const existing = Array.isArray(merged.sources) ? merged.sources : [];
    merged.sources = [...existing, ...fromEnv.extraSources];
  }

  return { config: validateConfig(merged, layers.slice(1).join(' + ') || undefined), layers, origins };
}

/** Records `layer` as the origin of every leaf of `values` (objects merge key by key; a list is one value). */
function markOrigins(values: JsonObject, layer: string, out: Record<string, string>, prefix = ''): void {
  for (const [k, v] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) markOrigins(v, layer, out, path);
    else {
      for (const key of Object.keys(out)) if (key.startsWith(`${path}.`) || key.startsWith(`${path}[`)) delete out[key];
      out[path] = layer;
    }
  }
}

/** Validates a raw configuration object; throws ConfigError listing every bad key. Registers secrets for redaction. */
export function validateConfig(raw: unknown, origin?: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    // Refinements across entries (unique names) do not run when an entry is invalid; check them on the raw input.
    throw new ConfigError([...describeIssues(result.error.issues, raw), ...duplicateNames(raw)], origin);
  }
  const config = result.data;
  registerConfigSecrets(config);
  return config;
}

export function registerConfigSecrets(config: Config): void {
  registerSecret(config.web.token);
  registerCredentials(config.mqtt.username, config.mqtt.password);
  registerUrlSecrets(config.mqtt.url);
  registerSecret(config.ai.apiKey);
  for (const s of config.sources) {
    registerSecret(s.token);
    registerSecret(s.apiKey);
    registerCredentials(s.username, s.password);
    registerUrlSecrets(s.url);
    registerSecret(s.webhookSecret);
  }
  for (const t of config.notify) walkSecrets(t);
}

function walkSecrets(v: unknown, key = ''): void {
  if (typeof v === 'string' && (/pass|token|secret|key/i.test(key) || isSecretKey(key))) registerSecret(v);
  else if (typeof v === 'string' && /url$/i.test(key)) registerUrlSecrets(v);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walkSecrets(x, k);
}

/** One line per problem: the key path, the value found, and what was expected. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(`${formatPath([...issue.path, key])}: unknown key (check the spelling; see the README)`);
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length) {
      // Report the branch that got furthest rather than "invalid input".
      const best = issue.errors.reduce((a, b) => (b.length && deepest(b) > deepest(a) ? b : a));
      if (best.length && deepest(best) > issue.path.length) {
        out.push(...describeIssues(best, raw));
        continue;
      }
    }
    const path = formatPath(issue.path);
    const value = valueAt(raw, issue.path);
    const got = value === undefined ? 'missing' : `got ${preview(value, path)}`;
    out.push(`${path || '(root)'}: ${got}, ${expectation(issue)}`);
  }
  return [...new Set(out)];
}

function duplicateNames(raw: unknown): string[] {
  const sources = (raw as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(sources)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  sources.forEach((s: unknown, i) => {
    const name = (s as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name.toLowerCase()))
      out.push(`sources[${i}].name: got "${name}", expected a name no other source has`);
    seen.add(name.toLowerCase());
  });
  return out;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `expected ${issue.origin === 'string' ? 'at least' : '>='} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `expected ${issue.origin === 'string' ? 'at most' : '<='} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    default:
      return issue.message.startsWith('expected')
        ? issue.message
        : `expected ${issue.message.replace(/^Invalid /i, 'a valid ')}`;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function preview(v: unknown, path: string): string {
  // Whatever type it was read as (YAML reads `apiKey: 12345678` as a number), a secret's value is never echoed.
  const last =
    path
      .split(/[.[\]]/)
      .filter(Boolean)
      .at(-1) ?? '';
  if (/pass|token|secret|apikey/i.test(path) || isSecretKey(last)) return '"[redacted]"';
  // URLs carry tokens and passwords in their path, query or user info, and a malformed one defeats the URL patterns:
  // echo only the scheme and host of a URL that parses.
  if (/url$/i.test(last)) return typeof v === 'string' ? `"${urlOrigin(v)}"` : '[redacted]';
  const s = redact(JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function urlOrigin(v: string): string {
  try {
    const u = new URL(v);
    return u.host ? `${u.protocol}//${u.host}/…` : '[redacted URL]';
  } catch {
    return '[redacted URL]';
  }
}

/**
 * A parser's error without its excerpt: YAML and JSON errors quote the offending line, which may be a secret's. Keeps
 * the first line (what and where), with quoted text and registered secrets removed.
 */
export function parseErrorSummary(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return redact(first.replace(/"[^"]*"?|'[^']*'?|`[^`]*`?/g, '…').replace(/:\s*$/, ''));
}

function findDefaultFile(cwd: string): string | undefined {
  for (const name of ['arrgus.yaml', 'arrgus.yml', 'arrgus.json']) {
    const p = `${cwd}/${name}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function readConfigFile(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${parseErrorSummary(err)}`,
    ]);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([`${file}: expected a mapping of settings at the top level`]);
  }
  return data as JsonObject;
}

/** The YAML parser is loaded only when a YAML file is read: it costs ~13 MB of memory that a replay does not need. */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

export function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isObject(cur) && isObject(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sentarr's environment names, so its users can switch by changing the image. */
const SENTARR: Record<string, (v: string) => JsonObject> = {
  MONITOR_ERRORS: (v) => ({ detect: { monitorErrors: envValue(v) } }),
  MONITOR_WARNINGS: (v) => ({ detect: { monitorWarnings: envValue(v) } }),
  ERROR_THRESHOLD: (v) => ({ alerts: { threshold: envValue(v) } }),
  TIME_WINDOW_MINUTES: (v) => ({ alerts: { window: minutes(v) } }),
  ALERT_COOLDOWN_MINUTES: (v) => ({ alerts: { cooldown: minutes(v) } }),
};

function minutes(v: string): Json {
  return /^\d+(?:\.\d+)?$/.test(v.trim()) ? `${v.trim()}m` : v;
}

/** `ARRGUS_` variables that are not settings: where the add-on files are, the image's unprivileged user and compile cache. */
const NOT_SETTINGS = new Set([
  'ARRGUS_ADDON_OPTIONS',
  'ARRGUS_ADDON_CONFIG_DIR',
  'ARRGUS_DROP_TO',
  'ARRGUS_COMPILE_CACHE',
]);

/** `ARRGUS_WEB__PORT=8100` → `{web: {port: 8100}}`; `__` separates levels, SNAKE_CASE becomes camelCase. */
export function envLayer(env: Record<string, string | undefined>): {
  values: JsonObject;
  names: string[];
  extraSources: Json[];
} {
  let values: JsonObject = {};
  const names: string[] = [];
  const extraSources: Json[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    if (name.startsWith('ARRGUS_') && !NOT_SETTINGS.has(name)) {
      const path = name
        .slice(7)
        .split('__')
        .map((seg) => seg.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
      let layer: Json = envValue(raw);
      for (let i = path.length - 1; i >= 0; i--) layer = { [path[i] as string]: layer };
      values = deepMerge(values, layer as JsonObject);
      names.push(name);
    } else if (name in SENTARR) {
      values = deepMerge(values, (SENTARR[name] as (v: string) => JsonObject)(raw));
      names.push(name);
    } else if (name === 'PLEX_LOG_PATH' && raw.trim()) {
      extraSources.push({ name: 'plex', app: 'plex', path: raw.trim() });
      names.push(name);
    }
  }
  return { values, names, extraSources };
}

/** Environment values are JSON when they parse as JSON (numbers, booleans, lists), else plain strings. */
function envValue(raw: string): Json {
  const t = raw.trim();
  if (/^(?:true|false|null|-?\d+(?:\.\d+)?|\[.*\]|\{.*\})$/s.test(t)) {
    try {
      return JSON.parse(t) as Json;
    } catch {
      return raw;
    }
  }
  if (/^(?:yes|on)$/i.test(t)) return true;
  if (/^(?:no|off)$/i.test(t)) return false;
  return raw;
}
