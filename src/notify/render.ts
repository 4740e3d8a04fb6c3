/**
 * Turning a `Content` into text for people: per-target templates, and the plain text, Markdown and HTML bodies the
 * channels share. Pure functions.
 */
import type { Content } from './types.ts';

export interface Template {
  title?: string | undefined;
  body?: string | undefined;
}

/** The placeholders a template may use, as strings. */
export function templateVars(c: Content): Record<string, string> {
  const d = c.details;
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    title: c.title,
    message: c.message,
    severity: c.severity,
    kind: c.kind,
    source: c.source ?? '',
    app: c.app ?? '',
    category: c.category ?? '',
    count: str(d.count),
    impact: str(d.impact),
    link: c.link ?? '',
    sample: c.sample ?? '',
    duration: typeof d.durationMs === 'number' ? str(Math.round(d.durationMs / 1000)) : '',
    facts: c.facts.map((f) => `${f.label}: ${f.value}`).join('\n'),
    timestamp: new Date(c.at).toISOString(),
  };
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z]+)\s*\}\}/g;

export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => vars[key] ?? whole);
}

/** Applies a target's title/body templates; a body template replaces the message and the facts list. */
export function applyTemplate(c: Content, t: Template | undefined): Content {
  if (!t || (!t.title && !t.body)) return c;
  const vars = templateVars(c);
  return {
    ...c,
    ...(t.title ? { title: fill(t.title, vars) } : {}),
    ...(t.body ? { message: fill(t.body, vars), facts: [], details: { ...c.details, templated: true } } : {}),
  };
}

export function renderText(c: Content): string {
  const out = [c.message];
  if (c.facts.length) out.push('', ...c.facts.map((f) => `${f.label}: ${f.value}`));
  if (c.sample) out.push('', 'Last sample:', c.sample);
  if (c.link) out.push('', c.link);
  return out.join('\n');
}

export function renderMarkdown(c: Content, opts: { link?: boolean } = {}): string {
  const out = [escapeMarkdown(c.message)];
  if (c.facts.length) out.push('', ...c.facts.map((f) => `**${f.label}:** ${escapeMarkdown(f.value)}`));
  if (c.sample) out.push('', codeBlock(c.sample));
  if (c.link && opts.link !== false) out.push('', `[Open in Arrgus](${c.link})`);
  return out.join('\n');
}

export function renderHtml(c: Content, accent: string): string {
  const rows = c.facts
    .map(
      (f) =>
        `<tr><td style="padding:2px 12px 2px 0;color:#666;vertical-align:top">${esc(f.label)}</td><td>${esc(f.value)}</td></tr>`,
    )
    .join('');
  return [
    `<div style="font-family:system-ui,sans-serif;border-left:4px solid ${accent};padding-left:12px">`,
    `<h2 style="margin:0 0 8px">${esc(c.title)}</h2>`,
    `<p>${esc(c.message)}</p>`,
    rows ? `<table style="border-collapse:collapse">${rows}</table>` : '',
    c.sample ? `<pre style="background:#f4f4f4;padding:8px;white-space:pre-wrap">${esc(c.sample)}</pre>` : '',
    c.link ? `<p><a href="${esc(c.link)}">Open in Arrgus</a></p>` : '',
    '</div>',
  ].join('');
}

/** A fenced block whose fence is longer than any backtick run inside the sample. */
export function codeBlock(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

function escapeMarkdown(s: string): string {
  return s.replace(/([\\*_`[\]])/g, '\\$1');
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Fills a custom JSON template: strings get placeholders, a string that is exactly `{{details}}` the object. */
export function fillJson(template: unknown, c: Content, vars = templateVars(c)): unknown {
  if (typeof template === 'string') return template.trim() === '{{details}}' ? c.details : fill(template, vars);
  if (Array.isArray(template)) return template.map((x) => fillJson(x, c, vars));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillJson(v, c, vars)]));
  }
  return template;
}
