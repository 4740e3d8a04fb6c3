/**
 * One issue: what it is and why (category with its evidence), how much it matters (impact and its parts), when
 * (histogram, timeline), who and what it touched (entities), the lines behind it (samples with surrounding lines when
 * the log store has them), the other issues of its incident, and the actions.
 */

import { redactDeep } from '../../../core/redact.ts';
import type { Incident, Issue } from '../../../core/types.ts';
import { IMPACT_WEIGHTS, impactParts } from '../../../detect/impact.ts';
import { barChart, empty, meter, severityBadge, statusBadge } from '../components.ts';
import type { PanelDeps } from '../deps.ts';
import { ago, clip, type Html, href, html, isoTime, logText } from '../html.ts';
import { actionButton, layout, type PageInfo } from '../layout.ts';

const HOUR = 3_600_000;
const CONTEXT_LINES = 5;
const WEEK_HOURS = 168;

export function issuePage(p: PageInfo, d: PanelDeps, issue: Issue): Html {
  const parts = impactParts(issue, p.now);
  const incident = d.issues.incidents().find((i) => i.issueIds.includes(issue.id));
  const path = `/issues/${encodeURIComponent(issue.id)}`;

  const samples: Html[] = [];
  for (const s of issue.samples) {
    // Lines around the sample from the log store (same source), when the store has them.
    const around = d.issueApi?.context?.(issue.id, s, CONTEXT_LINES, CONTEXT_LINES);
    const lines = around
      ? [
          ...around.before.map((r) => html`<span>${logText(r.raw || r.message)}\n</span>`),
          html`<span class="hit">${logText(s.raw || s.message)}\n</span>`,
          ...around.after.map((r) => html`<span>${logText(r.raw || r.message)}\n</span>`),
        ]
      : [html`${logText(s.raw || s.message)}`];
    samples.push(
      html`<li><div class="muted">${isoTime(s.time)} · ${s.source} · ${s.level}${s.file ? html` · ${s.file}` : ''}</div><pre class="log">${lines}</pre></li>`,
    );
  }
  const timeline = d.issueApi?.timeline?.(issue.id) ?? [];
  const analysis = d.issueApi?.analysis?.(issue.id);

  const entities = Object.entries(issue.entities ?? {}).filter(([, v]) => v?.length);
  const people: Array<[string, string[]]> = [
    ['users', issue.users],
    ['sessions', issue.sessions],
    ['clients', issue.clients],
  ];

  const actions: Html[] = [];
  if (issue.status === 'open') actions.push(actionButton(p, `${path}/acknowledge`, 'Acknowledge'));
  if (issue.status !== 'resolved') actions.push(actionButton(p, `${path}/resolve`, 'Resolve'));
  if (issue.status === 'muted') actions.push(actionButton(p, `${path}/unmute`, 'Unmute'));
  else if (issue.status !== 'open') actions.push(actionButton(p, `${path}/reopen`, 'Reopen'));
  if (issue.status !== 'muted') actions.push(actionButton(p, `${path}/mute`, 'Mute issue'));
  for (const s of issue.sources) {
    const muted = d.mutes.isMuted(s);
    actions.push(
      actionButton(
        p,
        `/sources/${encodeURIComponent(s)}/${muted ? 'unmute' : 'mute'}`,
        `${muted ? 'Unmute' : 'Mute'} source ${s}`,
        { back: path },
      ),
    );
  }

  // The last 7 days ending this hour, whatever span the issue's own histogram covers.
  const nowHour = Math.floor(p.now / HOUR);
  const hours = Array.from({ length: WEEK_HOURS }, (_, k) => nowHour - WEEK_HOURS + 1 + k);
  const values = hours.map((h) => issue.histogram[h - issue.histogramStart] ?? 0);
  const labels = hours.map((h) => `${new Date(h * HOUR).toISOString().slice(0, 13)}:00 UTC`);

  return layout(
    p,
    '/issues',
    clip(logText(issue.title), 200),
    html`<p>${severityBadge(issue.severity)} ${statusBadge(issue.status)}${issue.regressed ? html` <span class="badge st-regressed">regressed</span>` : ''} <span class="muted">${issue.app} · ${issue.sources.join(', ')} · ${issue.count} records · level ${issue.level}</span></p>
<div class="actions">${actions}</div>
<section class="two"><div><h2>Category</h2><p><b>${issue.category}</b>${issue.ruleId ? html` <span class="muted">rule ${issue.ruleId}</span>` : ''}</p>
${issue.evidence ? html`<p>Decided by the <b>${issue.evidence.layer}</b> layer: <code>${logText(issue.evidence.detail)}</code></p>` : html`<p class="muted">No evidence recorded for this issue.</p>`}
${issue.template ? html`<p>Template: <code>${logText(issue.template)}</code></p>` : ''}</div>
<div><h2>Impact ${issue.impact}</h2><table class="parts">${(
      Object.keys(IMPACT_WEIGHTS) as Array<keyof typeof IMPACT_WEIGHTS>
    ).map(
      (k) =>
        html`<tr><th>${k}</th><td>${meter(parts[k], k)}</td><td class="num">${Math.round(parts[k] * 100)}% × ${IMPACT_WEIGHTS[k]}</td></tr>`,
    )}</table></div></section>
<section><h2>Last 7 days</h2>${barChart([{ label: 'records', cls: issue.level === 'warn' ? 'warn' : 'err', values }], labels, 'Records per hour')}</section>
<section class="two"><div><h2>Timeline</h2><ul class="timeline">
<li>First seen ${isoTime(issue.firstSeen)}</li>
<li>Status ${issue.status} since ${isoTime(issue.statusChangedAt)}</li>
${issue.resolvedAt ? html`<li>Resolved ${isoTime(issue.resolvedAt)}</li>` : ''}
${timeline.slice(-50).map((e) => html`<li>${e.kind}${e.by ? html` <span class="muted">by ${e.by}</span>` : ''} ${isoTime(e.at)}</li>`)}
<li>Last seen ${isoTime(issue.lastSeen)} (${ago(issue.lastSeen, p.now)})</li>
</ul></div>
<div><h2>Affected</h2>${
      entities.length || people.some(([, v]) => v.length)
        ? html`<dl>${entities.map(
            ([kind, values]) =>
              html`<dt>${kind}</dt><dd>${(values ?? []).map((e) => html`<span class="chip">${logText(e.value)} <span class="muted">${e.count}×</span></span>`)}</dd>`,
          )}${people
            .filter(([, v]) => v.length)
            .map(
              ([kind, v]) =>
                html`<dt>${kind}</dt><dd>${v.slice(0, 20).map((x) => html`<span class="chip">${logText(x)}</span>`)}</dd>`,
            )}</dl>`
        : empty('No files, users or devices named.')
    }</div></section>
<section><h2>Samples</h2>${samples.length ? html`<ol class="samples">${samples}</ol>` : empty('No samples kept.')}
<p><a href="${href(p.base, '/logs', { issue: issue.id, source: issue.sources[0] })}">Search the logs of ${issue.sources[0] ?? 'this source'}</a></p></section>
${incident ? incidentSection(p, d, incident, issue.id) : ''}
${analysis === undefined || analysis === null ? '' : analysisSection(analysis)}`,
  );
}

/** The AI room's result: shown as text (its shape belongs to that room; the summary fields are read if present). */
function analysisSection(a: unknown): Html {
  const o = (typeof a === 'object' && a !== null ? a : { summary: String(a) }) as Record<string, unknown>;
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const summary = text('summary') ?? text('rootCause') ?? text('text');
  return html`<section><h2>Analysis</h2>${summary ? html`<p>${logText(summary)}</p>` : ''}<details><summary>Full result</summary><pre class="log">${logText(JSON.stringify(redactDeep(o), null, 2).slice(0, 20_000))}</pre></details></section>`;
}

function incidentSection(p: PageInfo, d: PanelDeps, incident: Incident, self: string): Html {
  const others = incident.issueIds.filter((id) => id !== self);
  return html`<section><h2>Incident: <a href="${href(p.base, `/incidents/${encodeURIComponent(incident.id)}`)}">${clip(logText(incident.title), 140)}</a></h2>${
    others.length
      ? html`<ul>${others.map((id) => {
          const i = d.issues.get(id);
          return html`<li><a href="${href(p.base, `/issues/${encodeURIComponent(id)}`)}">${i ? clip(logText(i.title), 140) : id}</a>${i ? html` ${severityBadge(i.severity)} <span class="muted">${i.sources.join(', ')}</span>` : ''}</li>`;
        })}</ul>`
      : empty('No other issue in this incident.')
  }</section>`;
}

export function incidentPage(p: PageInfo, d: PanelDeps, incident: Incident): Html {
  return layout(
    p,
    '/issues',
    clip(logText(incident.title), 200),
    html`<p>${severityBadge(incident.severity)} ${statusBadge(incident.status)} <span class="muted">${incident.sources.join(', ')} · started ${ago(incident.startedAt, p.now)} · last seen ${ago(incident.lastSeen, p.now)}</span></p>
<section><h2>Issues, in the order they started</h2><ol>${incident.issueIds.map((id) => {
      const i = d.issues.get(id);
      return html`<li><a href="${href(p.base, `/issues/${encodeURIComponent(id)}`)}">${i ? clip(logText(i.title), 160) : id}</a>${i ? html` ${severityBadge(i.severity)} ${statusBadge(i.status)} <span class="muted">${i.sources.join(', ')} · first ${ago(i.firstSeen, p.now)}</span>` : ''}</li>`;
    })}</ol></section>`,
  );
}
