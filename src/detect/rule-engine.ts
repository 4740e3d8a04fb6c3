/**
 * Compiles rules (built-in and user) and matches parsed records against them: first match wins. Hot path: rules are
 * indexed per app and the level test comes before any regex, so an INFO/DEBUG line usually costs a map lookup and a
 * couple of integer comparisons.
 */
import type { RuleConfig } from '../config/detect.ts';
import { LEVEL_RANK, type Level, type LogRecord, type Severity } from '../core/types.ts';
import { BUILT_IN_RULES } from './rules/index.ts';
import type { Pattern, RuleDefinition } from './rules/types.ts';

type Field = 'message' | 'logger' | 'exceptionType' | 'exceptionMessage' | 'text';
const FIELDS: readonly Field[] = ['logger', 'exceptionType', 'exceptionMessage', 'message', 'text'];

export interface CompiledRule {
  readonly id: string;
  readonly apps: ReadonlySet<string> | null;
  readonly minRank: number;
  readonly matchers: ReadonlyArray<{ field: Field; re: RegExp }>;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly group: 'message' | 'rule';
  readonly hint?: string;
  readonly user: boolean;
}

export interface RuleMatch {
  rule: CompiledRule;
  /** The title with captured values filled in (rendered on first read: most matches join an existing issue). */
  readonly title: string;
}

export interface RuleOverride {
  enabled?: boolean | undefined;
  severity?: Severity | undefined;
  minLevel?: Level | undefined;
}

/** Display names for titles (`{app}`). */
const APP_NAMES: Record<string, string> = {
  plex: 'Plex',
  jellyfin: 'Jellyfin',
  emby: 'Emby',
  sonarr: 'Sonarr',
  radarr: 'Radarr',
  prowlarr: 'Prowlarr',
  lidarr: 'Lidarr',
  readarr: 'Readarr',
  whisparr: 'Whisparr',
  bazarr: 'Bazarr',
  overseerr: 'Overseerr',
  qbittorrent: 'qBittorrent',
  sabnzbd: 'SABnzbd',
  tautulli: 'Tautulli',
};

export function appDisplayName(app: string): string {
  return APP_NAMES[app] ?? app;
}

function compilePattern(p: Pattern, flags: string): RegExp {
  return typeof p === 'string' ? new RegExp(p, flags) : p;
}

export function compileRule(def: RuleDefinition | RuleConfig, user: boolean, override?: RuleOverride): CompiledRule {
  const flags = def.flags ?? 'i';
  const matchers: Array<{ field: Field; re: RegExp }> = [];
  for (const field of FIELDS) {
    const p = def[field];
    if (p !== undefined) matchers.push({ field, re: compilePattern(p, flags) });
  }
  // Captures are numbered in FIELDS order (logger, exception type, exception message, message, text).
  const rule: CompiledRule = {
    id: def.id,
    apps: def.apps ? new Set(def.apps) : null,
    minRank: LEVEL_RANK[override?.minLevel ?? def.minLevel ?? 'warn'],
    matchers,
    category: def.category,
    severity: override?.severity ?? def.severity,
    title: def.title,
    group: def.group ?? 'message',
    user,
    ...('hint' in def && def.hint ? { hint: def.hint } : {}),
  };
  return rule;
}

export class RuleEngine {
  private readonly rules: readonly CompiledRule[];
  private readonly byApp = new Map<string, CompiledRule[]>();
  /** Lowest level any rule looks at: records below it skip matching entirely. */
  private readonly minRank: number;

  constructor(
    userRules: readonly RuleConfig[] = [],
    overrides: Readonly<Record<string, RuleOverride>> = {},
    builtIn: readonly RuleDefinition[] = BUILT_IN_RULES,
  ) {
    const all: CompiledRule[] = [];
    for (const r of userRules) {
      if (overrides[r.id]?.enabled !== false) all.push(compileRule(r, true, overrides[r.id]));
    }
    for (const r of builtIn) {
      if (overrides[r.id]?.enabled !== false) all.push(compileRule(r, false, overrides[r.id]));
    }
    this.rules = all;
    this.minRank = all.reduce((m, r) => Math.min(m, r.minRank), LEVEL_RANK.fatal + 1);
  }

  list(): readonly CompiledRule[] {
    return this.rules;
  }

  match(rec: LogRecord): RuleMatch | undefined {
    const rank = LEVEL_RANK[rec.level];
    if (rank < this.minRank) return undefined;
    // Rules per app and level, built on first use: a DEBUG line of an app without DEBUG rules costs one lookup.
    const key = `${rank}${rec.app}`;
    let rules = this.byApp.get(key);
    if (!rules) {
      rules = this.rules.filter((r) => (r.apps === null || r.apps.has(rec.app)) && rank >= r.minRank);
      this.byApp.set(key, rules);
    }
    for (const rule of rules) {
      if (!matches(rule, rec)) continue;
      let title: string | undefined;
      return {
        rule,
        get title() {
          title ??= renderTitle(rule.title, captures(rule, rec), rec);
          return title;
        },
      };
    }
    return undefined;
  }
}

/** Allocation-free test (no match objects): captures are only needed for titles, computed later. */
function matches(rule: CompiledRule, rec: LogRecord): boolean {
  for (const { field, re } of rule.matchers) {
    if (field === 'text') {
      if (re.test(rec.message)) continue;
      if (rec.exception && (re.test(rec.exception.message) || re.test(rec.exception.type))) continue;
      return false;
    }
    if (!re.test(fieldOf(rec, field))) return false;
  }
  return true;
}

type Captures = { numbered: string[]; named: Record<string, string> };

function captures(rule: CompiledRule, rec: LogRecord): Captures {
  const caps: Captures = { numbered: [], named: {} };
  for (const { field, re } of rule.matchers) {
    let m: RegExpExecArray | null = null;
    if (field === 'text') {
      m = re.exec(rec.message);
      if (!m && rec.exception) m = re.exec(rec.exception.message) ?? re.exec(rec.exception.type);
    } else m = re.exec(fieldOf(rec, field));
    if (!m) continue;
    for (let i = 1; i < m.length; i++) caps.numbered.push(m[i] ?? '');
    if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) caps.named[k] = v;
  }
  return caps;
}

function fieldOf(rec: LogRecord, field: Exclude<Field, 'text'>): string {
  switch (field) {
    case 'message':
      return rec.message;
    case 'logger':
      return rec.logger ?? '';
    case 'exceptionType':
      return rec.exception?.type ?? '';
    case 'exceptionMessage':
      return rec.exception?.message ?? '';
  }
}

const PLACEHOLDER = /\{([\w]+)\}/g;

function renderTitle(template: string, caps: Captures, rec: LogRecord): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (_, key: string) => {
    if (/^\d+$/.test(key)) return clip(caps.numbered[Number(key) - 1] || '?');
    if (key in caps.named) return clip(caps.named[key] as string);
    if (key === 'app') return appDisplayName(rec.app);
    if (key === 'logger') return rec.logger ?? '?';
    if (key === 'exceptionType') return rec.exception ? (rec.exception.type.split('.').pop() ?? '?') : 'no exception';
    return `{${key}}`;
  });
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
