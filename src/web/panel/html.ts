/**
 * Rendering for the panel. Node's type stripping runs .ts files as they are and does not transform JSX (.tsx), so the
 * panel uses `hono/html` tagged templates instead of Hono JSX: every interpolated value is HTML-escaped unless it is
 * itself a template result or wrapped in `raw()`, which keeps "escaped by default" without a build step. `raw()` is
 * only used for markup this file builds from numbers and constants, never for text that came from a log or a user.
 */
import { html, raw } from 'hono/html';

export { html, raw };

/** A rendered fragment (hono/html result); interpolating one into another keeps it unescaped. */
export type Html = ReturnType<typeof html>;

/**
 * Log text made inert for display: ANSI escape sequences (colour codes apps write into logs) and other C0 control
 * characters are removed; HTML escaping happens when the string is interpolated.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function logText(s: string): string {
  return s.replace(ANSI, '').replace(CONTROL, '');
}

/** Cuts a string to `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `2026-01-01 12:00:00` in UTC: server-rendered pages do not know the viewer's zone; the page script localises. */
export function isoTime(t: number | null | undefined): Html {
  if (t === null || t === undefined || !Number.isFinite(t)) return html`<span class="muted">never</span>`;
  const iso = new Date(t).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}</time>`;
}

/** `3 min ago` relative to the injected `now`. */
export function ago(t: number | null | undefined, now: number): string {
  if (t === null || t === undefined) return 'never';
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** Builds an href under the request's base path (Home Assistant ingress prefix or nothing) with encoded query. */
export function href(base: string, path: string, query?: Record<string, string | number | undefined>): string {
  let q = '';
  if (query) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') p.set(k, String(v));
    const s = p.toString();
    if (s) q = `?${s}`;
  }
  return `${base}${path}${q}`;
}
