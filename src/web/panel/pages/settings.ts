/**
 * The effective configuration, read-only: every leaf value with where it came from (default, file, add-on option,
 * environment) and the schema's description. Secrets are masked: keys the schema describes as secret or whose name
 * says so, and notification URLs (Apprise URLs carry tokens and passwords).
 */
import type { z } from 'zod';
import { configSchema } from '../../../config/schema.ts';
import { redact } from '../../../core/redact.ts';
import type { PanelDeps } from '../deps.ts';
import { clip, type Html, html } from '../html.ts';
import { layout, type PageInfo } from '../layout.ts';

const SECRET_NAME = /pass|token|secret|apikey|api_key|authorization|webhookurl/i;
const MASK = '••••••••';

export interface SettingRow {
  path: string;
  value: string;
  origin: string;
  description: string;
  secret: boolean;
}

type AnySchema = z.core.$ZodType;

/** The schema node at a config path (objects, arrays, wrappers); `undefined` where a union hides it. */
function schemaAt(root: AnySchema, path: ReadonlyArray<string | number>): AnySchema | undefined {
  let cur: AnySchema | undefined = root;
  for (const seg of path) {
    cur = unwrap(cur);
    if (!cur) return undefined;
    const def = cur._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema };
    if (def.type === 'object' && typeof seg === 'string') cur = def.shape?.[seg];
    else if (def.type === 'array' && typeof seg === 'number') cur = def.element;
    else if (def.type === 'record') cur = (def as unknown as { valueType: AnySchema }).valueType;
    else return undefined;
  }
  return cur;
}

function unwrap(s: AnySchema | undefined): AnySchema | undefined {
  let cur = s;
  for (let i = 0; cur && i < 10; i++) {
    const def = cur._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType && ['default', 'optional', 'nullable', 'prefault', 'catch', 'readonly'].includes(def.type))
      cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else break;
  }
  return cur;
}

function describe(path: ReadonlyArray<string | number>): string {
  for (let n = path.length; n > 0; n--) {
    const s = schemaAt(configSchema as unknown as AnySchema, path.slice(0, n));
    const d = s && (s as unknown as { description?: string }).description;
    const inner = s && (unwrap(s) as unknown as { description?: string } | undefined)?.description;
    if (d || inner) return (n === path.length ? d || inner : '') ?? '';
  }
  return '';
}

function formatPath(path: ReadonlyArray<string | number>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** Looks up the origin of a path: the layer that set it or the nearest enclosing list or object. */
function originOf(path: string, origins: Readonly<Record<string, string>>): string {
  let p = path;
  for (;;) {
    const o = origins[p];
    if (o) return o;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return 'default';
    p = p.slice(0, cut);
  }
}

export function settingRows(config: unknown, origins: Readonly<Record<string, string>> = {}): SettingRow[] {
  const rows: SettingRow[] = [];
  const walk = (v: unknown, path: Array<string | number>, inNotify: boolean): void => {
    if (v !== null && typeof v === 'object' && !(Array.isArray(v) && v.every((x) => typeof x !== 'object'))) {
      for (const [k, x] of Object.entries(v))
        walk(x, [...path, Array.isArray(v) ? Number(k) : k], inNotify || k === 'notify');
      return;
    }
    const key = String(path[path.length - 1] ?? '');
    const description = describe(path);
    const secret =
      SECRET_NAME.test(key) || /\bSecret\b/.test(description) || (inNotify && /url$/i.test(key)) || key === 'headers';
    const p = formatPath(path);
    rows.push({
      path: p,
      value: secret && v !== undefined && v !== '' ? MASK : clip(redact(JSON.stringify(v) ?? 'unset'), 300),
      origin: originOf(p, origins),
      description,
      secret,
    });
  };
  walk(config, [], false);
  return rows;
}

export function settingsPage(p: PageInfo, d: PanelDeps): Html {
  const rows = settingRows(d.config, d.origins);
  return layout(
    p,
    '/settings',
    'Settings',
    html`<p class="muted">The configuration Arrgus runs with, read-only. Change it in the file, the add-on options or the environment, then restart. Secrets are masked.</p>
<div class="scroll"><table class="settings"><thead><tr><th>Key</th><th>Value</th><th>From</th><th>Meaning</th></tr></thead><tbody>${rows.map(
      (r) =>
        html`<tr><td><code>${r.path}</code></td><td><code>${r.value}</code></td><td><span class="badge origin">${r.origin}</span></td><td class="muted">${r.description}</td></tr>`,
    )}</tbody></table></div>`,
  );
}
