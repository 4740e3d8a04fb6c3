/**
 * The overview: health per source, errors and warnings of the last 24 h, open issues by impact, active alerts and
 * incidents, sessions in trouble. Reads in-memory state only (stats, tracked issues), so it renders in constant time
 * whatever the size of the log store.
 */

import type { SessionTrouble } from '../../../core/session-types.ts';
import { appLabel, type Issue } from '../../../core/types.ts';
import { barChart, empty, severityBadge, statusBadge } from '../components.ts';
import type { PanelDeps } from '../deps.ts';
import { ago, clip, type Html, href, html, logText } from '../html.ts';
import { layout, type PageInfo } from '../layout.ts';

const HOUR = 3_600_000;
/** A source that wrote nothing for this long is shown as quiet. */
const STALE_MS = 60 * 60_000;

/** Hourly error and warning counts of the last 24 h, summed from the issues' hourly histograms. */
export function last24h(
  issues: readonly Issue[],
  now: number,
): { errors: number[]; warnings: number[]; hours: number[] } {
  const nowHour = Math.floor(now / HOUR);
  const first = nowHour - 23;
  const errors = new Array<number>(24).fill(0);
  const warnings = new Array<number>(24).fill(0);
  for (const i of issues) {
    const target = i.level === 'error' || i.level === 'fatal' ? errors : i.level === 'warn' ? warnings : null;
    if (!target) continue;
    const from = Math.max(first, i.histogramStart);
    const to = Math.min(nowHour, i.histogramStart + i.histogram.length - 1);
    for (let h = from; h <= to; h++)
      target[h - first] = (target[h - first] ?? 0) + (i.histogram[h - i.histogramStart] ?? 0);
  }
  return { errors, warnings, hours: Array.from({ length: 24 }, (_, k) => first + k) };
}

/** The same 24 hourly buckets from the log store's hourly counts (every stored error and warning, not only issues). */
export function storedLast24h(
  hourly: NonNullable<PanelDeps['hourly']>,
  now: number,
): { errors: number[]; warnings: number[]; hours: number[] } {
  const nowHour = Math.floor(now / HOUR);
  const first = nowHour - 23;
  const errors = new Array<number>(24).fill(0);
  const warnings = new Array<number>(24).fill(0);
  for (const r of hourly({ from: first * HOUR, to: (nowHour + 1) * HOUR })) {
    const k = Math.floor(r.hour / HOUR) - first;
    if (k < 0 || k > 23) continue;
    if (r.level === 'error' || r.level === 'fatal') errors[k] = (errors[k] ?? 0) + r.count;
    else if (r.level === 'warn') warnings[k] = (warnings[k] ?? 0) + r.count;
  }
  return { errors, warnings, hours: Array.from({ length: 24 }, (_, k) => first + k) };
}

export function overviewPage(p: PageInfo, d: PanelDeps): Html {
  const now = p.now;
  const all = d.issues.list({});
  const open = all.filter((i) => i.status === 'open' || i.status === 'acknowledged');
  const openBySource = new Map<string, number>();
  for (const i of open) for (const s of i.sources) openBySource.set(s, (openBySource.get(s) ?? 0) + 1);
  const muted = new Set(d.mutes.muted());

  const sources = d.stats.all().map((s) => {
    const openN = openBySource.get(s.source) ?? 0;
    const stale = s.lastRecordAt === null || now - s.lastRecordAt > STALE_MS;
    // A source that cannot read (its folder, some files) says so first: its other numbers may be stale for that reason.
    const failing = s.problems?.[0];
    const state = failing ? 'failing' : muted.has(s.source) ? 'muted' : openN ? 'problem' : stale ? 'quiet' : 'ok';
    const why = failing
      ? html` <span class="muted">cannot read ${failing.path}: ${failing.error}${(s.problems?.length ?? 0) > 1 ? ` (and ${(s.problems?.length ?? 0) - 1} more)` : ''}</span>`
      : '';
    return html`<tr><td><a href="${href(p.base, '/logs', { source: s.source })}">${s.source}</a></td><td>${appLabel(s.app)}</td><td>${ago(s.lastRecordAt, now)}</td><td class="num">${s.recordsPerMinute}</td><td class="num">${s.errors1h}</td><td class="num">${s.warnings1h}</td><td><a href="${href(p.base, '/issues', { source: s.source })}">${statusBadge(state)}</a> ${openN ? html`<span class="muted">${openN} open</span>` : ''}${why}</td></tr>`;
  });

  const chart = d.hourly ? storedLast24h(d.hourly, now) : last24h(all, now);
  const labels = chart.hours.map((h) => `${new Date(h * HOUR).toISOString().slice(11, 16)} UTC`);

  const top = [...open].sort((a, b) => b.impact - a.impact).slice(0, 10);
  const alerts = d.issues.activeAlerts().slice(0, 20);
  const incidents = d.issues
    .incidents()
    .filter((i) => i.status === 'open')
    .slice(0, 10);
  const summary = d.sessions.summary();

  return layout(
    p,
    '/',
    'Overview',
    html`<section class="cards">
<div class="card"><b>${open.length}</b><span>open issues</span></div>
<div class="card"><b>${alerts.length}</b><span>active alerts</span></div>
<div class="card"><b>${summary.active}</b><span>playing now</span></div>
<div class="card${summary.inTrouble ? ' bad' : ''}"><b>${summary.inTrouble}</b><span>sessions in trouble</span></div>
</section>
<section><h2>Sources</h2>${
      sources.length
        ? html`<div class="scroll"><table><thead><tr><th>Source</th><th>App</th><th>Last record</th><th class="num">Records/min</th><th class="num">Errors 1 h</th><th class="num">Warnings 1 h</th><th>State</th></tr></thead><tbody>${sources}</tbody></table></div>`
        : empty('No sources yet: add one under sources in the configuration.')
    }</section>
<section><h2>Errors and warnings, last 24 h</h2>${barChart(
      [
        { label: 'errors', cls: 'err', values: chart.errors },
        { label: 'warnings', cls: 'warn', values: chart.warnings },
      ],
      labels,
      d.hourly ? 'Stored records per hour' : 'Issue records per hour',
    )}</section>
<section><h2>Open issues by impact</h2>${
      top.length
        ? html`<ol class="issues">${top.map(
            (i) =>
              html`<li><a href="${href(p.base, `/issues/${encodeURIComponent(i.id)}`)}">${clip(logText(i.title), 140)}</a> ${severityBadge(i.severity)} <span class="muted">impact ${i.impact} · ${i.count}× · ${ago(i.lastSeen, now)}</span></li>`,
          )}</ol><p><a href="${href(p.base, '/issues')}">All issues</a></p>`
        : empty('No open issues.')
    }</section>
<section class="two"><div><h2>Active alerts</h2>${
      alerts.length
        ? html`<ul>${alerts.map(
            (a) =>
              html`<li>${
                a.fingerprint
                  ? html`<a href="${href(p.base, `/issues/${encodeURIComponent(a.fingerprint)}`)}">${clip(logText(a.title), 120)}</a>`
                  : clip(logText(a.title), 120)
              } ${severityBadge(a.severity)} <span class="muted">${a.source} · since ${ago(a.firedAt, now)}</span></li>`,
          )}</ul>`
        : empty('No active alerts.')
    }</div>
<div><h2>Incidents</h2>${
      incidents.length
        ? html`<ul>${incidents.map(
            (i) =>
              html`<li><a href="${href(p.base, `/incidents/${encodeURIComponent(i.id)}`)}">${clip(logText(i.title), 120)}</a> <span class="muted">${i.issueIds.length} issues · ${i.sources.join(', ')}</span></li>`,
          )}</ul>`
        : empty('No open incidents.')
    }</div></section>
<section><h2>Sessions in trouble</h2>${
      summary.trouble.length
        ? html`<ul>${summary.trouble.slice(0, 20).map((t) => html`<li>${troubleText(t)}</li>`)}</ul>`
        : empty('No playback in trouble.')
    }</section>`,
  );
}

function troubleText(t: SessionTrouble): Html {
  return html`<b>${logText(t.title)}</b>${t.user ? ` (${t.user})` : ''} on ${t.server}: ${t.reason.replace('_', ' ')}${t.detail ? `, ${t.detail}` : ''}`;
}
