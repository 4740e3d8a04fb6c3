/** Small shared pieces: badges, empty states and server-drawn SVG charts (no chart library, no script needed). */
import type { Severity } from '../../core/types.ts';
import { type Html, html } from './html.ts';

export function severityBadge(s: Severity | string): Html {
  return html`<span class="badge sev-${/^[a-z]+$/.test(s) ? s : 'info'}">${s}</span>`;
}

export function statusBadge(s: string): Html {
  return html`<span class="badge st-${/^[a-z]+$/.test(s) ? s : 'open'}">${s}</span>`;
}

export function empty(text: string): Html {
  return html`<p class="empty">${text}</p>`;
}

export interface Series {
  label: string;
  /** CSS class of the bars (`err`, `warn`). */
  cls: string;
  values: readonly number[];
}

/**
 * A stacked bar chart as inline SVG: sizes are SVG attributes (no inline style, so the CSP needs no
 * 'unsafe-inline'), colours come from the stylesheet so it follows light and dark mode.
 */
export function barChart(series: readonly Series[], labels: readonly string[], title: string): Html {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const totals = Array.from({ length: n }, (_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const W = 600;
  const H = 120;
  const bw = n ? W / n : W;
  const bars: Html[] = [];
  for (let i = 0; i < n; i++) {
    let y = H;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (!v) continue;
      const h = Math.max(1, (v / max) * (H - 4));
      y -= h;
      bars.push(
        html`<rect class="${s.cls}" x="${(i * bw + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${labels[i] ?? ''}: ${v} ${s.label}</title></rect>`,
      );
    }
  }
  const legend = series.map((s) => html`<span class="key ${s.cls}">${s.label}</span>`);
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${title}">${bars}<line class="axis" x1="0" y1="${H}" x2="${W}" y2="${H}"></line></svg><figcaption>${title} · max ${max} ${legend}</figcaption></figure>`;
}

/** A meter 0–1 drawn as SVG (impact parts, progress). */
export function meter(value: number, label: string): Html {
  const v = Math.max(0, Math.min(1, Number.isFinite(value) ? value : 0));
  return html`<svg class="meter" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="${label}"><rect class="track" x="0" y="0" width="100" height="8"></rect><rect class="fill" x="0" y="0" width="${(v * 100).toFixed(1)}" height="8"></rect></svg>`;
}
