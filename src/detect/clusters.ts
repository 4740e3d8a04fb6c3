/**
 * Template clusters: messages of one problem whose masked forms still differ (a media title before its file name, a
 * provider's name, an extra word) are grouped by their longest common token sequence, in the spirit of Drain, within
 * one key (app, rule, category, logger, exception type, level band). A cluster's template keeps the tokens all its
 * messages share and writes `<*>` where they differ; its fingerprint is fixed when it opens, so issues keep their ids
 * as templates generalise. Clusters are saved with the issues (detector-state.ts) so ids survive restarts.
 */
import { createHash } from 'node:crypto';
import { RecentCache } from './recent-cache.ts';

export interface Cluster {
  readonly key: string;
  tokens: string[];
  /** `tokens` joined with spaces (kept in step: read for every record). */
  text: string;
  readonly fp: string;
}

export interface SavedCluster {
  key: string;
  template: string;
  fp: string;
}

/** Clusters kept per key; past it, new templates open their own issues (the tracker bounds those). */
const PER_KEY_MAX = 200;
const KEYS_MAX = 4096;
const EXACT_MAX = 8192;
/** Two templates merge when their common tokens cover this much of the shorter one… */
const COVER_SHORT = 0.8;
/** …and this much of the longer one. */
const COVER_LONG = 0.5;
const MAX_TOKENS = 64;

export class TemplateClusters {
  /** Keys in first-use order (the oldest is dropped past KEYS_MAX: a key is an app/logger/exception combination). */
  private readonly byKey = new Map<string, Cluster[]>();
  private readonly exact = new RecentCache<Cluster>(EXACT_MAX);

  /** The cluster of `template` (space-separated tokens) under `key`, opening or widening one. */
  assign(key: string, template: string): Cluster {
    const id = `${key}\u0001${template}`;
    const hit = this.exact.get(id);
    if (hit) return hit;
    const tokens = template === '' ? [] : template.split(' ').slice(0, MAX_TOKENS);
    let list = this.byKey.get(key);
    if (!list) list = this.newKey(key);
    let found: Cluster | undefined;
    for (const c of list) {
      if (globMatch(c.tokens, tokens)) {
        found = c;
        break;
      }
    }
    if (!found) {
      for (const c of list) {
        const merged = mergeIfSimilar(c.tokens, tokens);
        if (merged) {
          c.tokens = merged;
          c.text = merged.join(' ');
          found = c;
          break;
        }
      }
    }
    if (!found) {
      found = { key, tokens, text: tokens.join(' '), fp: hash(`${key}\u0000${template}`) };
      if (list.length >= PER_KEY_MAX) list.shift();
      list.push(found);
    }
    this.exact.set(id, found);
    return found;
  }

  private newKey(key: string): Cluster[] {
    if (this.byKey.size >= KEYS_MAX) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
    const list: Cluster[] = [];
    this.byKey.set(key, list);
    return list;
  }

  /** Clusters whose fingerprint `keep` accepts (the issues still tracked). */
  snapshot(keep: (fp: string) => boolean): SavedCluster[] {
    const out: SavedCluster[] = [];
    for (const list of this.byKey.values())
      for (const c of list) if (keep(c.fp)) out.push({ key: c.key, template: c.text, fp: c.fp });
    return out;
  }

  restore(saved: readonly SavedCluster[]): void {
    for (const s of saved) {
      let list = this.byKey.get(s.key);
      if (!list) list = this.newKey(s.key);
      const tokens = s.template === '' ? [] : s.template.split(' ');
      if (list.length < PER_KEY_MAX) list.push({ key: s.key, tokens, text: s.template, fp: s.fp });
    }
  }
}

function isPlaceholder(t: string): boolean {
  return t.length > 2 && t.charCodeAt(0) === 60 /* < */ && t.charCodeAt(t.length - 1) === 62 /* > */;
}

function same(a: string, b: string): boolean {
  return a === b || (isPlaceholder(a) && isPlaceholder(b));
}

/** `tokens` fits `pattern`, where `<*>` stands for one or more tokens and placeholders match placeholders. */
export function globMatch(pattern: readonly string[], tokens: readonly string[]): boolean {
  const p = pattern.length;
  const t = tokens.length;
  // Iterative glob with backtracking to the last `<*>`.
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < t) {
    if (i < p && pattern[i] === '<*>') {
      star = i++;
      mark = ++j; // `<*>` takes at least one token
      continue;
    }
    if (i < p && same(pattern[i] as string, tokens[j] as string)) {
      i++;
      j++;
      continue;
    }
    if (star >= 0) {
      i = star + 1;
      j = ++mark;
      continue;
    }
    return false;
  }
  return i === p;
}

/** The merged template when `a` and `b` share enough, in order; else undefined. */
export function mergeIfSimilar(a: readonly string[], b: readonly string[]): string[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return undefined;
  // The first word anchors the wording (Drain's first-token layer): `Unable to …` never merges with `Failed to …`.
  if (!same(a[0] as string, b[0] as string) && a[0] !== '<*>' && b[0] !== '<*>') return undefined;
  const short = Math.min(n, m);
  const long = Math.max(n, m);
  // LCS table over tokens (messages are short: at most MAX_TOKENS each).
  const dp: Uint16Array = new Uint16Array((n + 1) * (m + 1));
  const w = m + 1;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = same(a[i] as string, b[j] as string)
        ? (dp[(i + 1) * w + j + 1] as number) + 1
        : Math.max(dp[(i + 1) * w + j] as number, dp[i * w + j + 1] as number);
    }
  }
  const lcs = dp[0] as number;
  const constants = a.filter((t) => t !== '<*>').length;
  if (lcs < COVER_SHORT * Math.min(short, constants || short) || lcs < COVER_LONG * long) return undefined;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let gap = false;
  const pushGap = () => {
    if (gap && out[out.length - 1] !== '<*>') out.push('<*>');
    gap = false;
  };
  while (i < n && j < m) {
    if (same(a[i] as string, b[j] as string)) {
      pushGap();
      out.push(a[i] === b[j] ? (a[i] as string) : '<*>');
      i++;
      j++;
    } else if ((dp[(i + 1) * w + j] as number) >= (dp[i * w + j + 1] as number)) {
      gap = true;
      i++;
    } else {
      gap = true;
      j++;
    }
  }
  if (i < n || j < m) gap = true;
  pushGap();
  return out;
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}
