/**
 * Logs: full-text search over the stored records (when the log store is there) and the live tail. The tail is a
 * server-sent event stream read by the page script, with pause, a filter and highlighting done in the browser.
 */
import { HTTPException } from 'hono/http-exception';
import { LEVELS } from '../../../core/types.ts';
import { empty } from '../components.ts';
import type { LogSearchQuery, PanelDeps, PanelLogRecord } from '../deps.ts';
import { clip, type Html, href, html, isoTime, logText } from '../html.ts';
import { layout, type PageInfo } from '../layout.ts';

const PAGE = 100;

export function parseLogQuery(q: Record<string, string>): LogSearchQuery & { issue?: string } {
  for (const k of ['q', 'source', 'issue'] as const) {
    if ((q[k]?.length ?? 0) > 500)
      throw new HTTPException(400, { message: `${k}: expected at most 500 characters, got ${q[k]?.length}` });
  }
  if (q.level && !(LEVELS as readonly string[]).includes(q.level))
    throw new HTTPException(400, {
      message: `level: got "${clip(q.level, 20)}", expected one of ${LEVELS.join(', ')}`,
    });
  let before: number | undefined;
  if (q.before) {
    before = Number(q.before);
    if (!Number.isFinite(before) || before < 0)
      throw new HTTPException(400, { message: `before: got "${clip(q.before, 30)}", expected a time in epoch ms` });
  }
  return {
    limit: PAGE,
    ...(q.q ? { q: q.q } : {}),
    ...(q.source ? { source: q.source } : {}),
    ...(q.level ? { level: q.level } : {}),
    ...(before !== undefined ? { before } : {}),
    ...(q.issue ? { issue: q.issue } : {}),
  };
}

function row(p: PageInfo, r: PanelLogRecord): Html {
  return html`<tr class="lv-${/^[a-z]+$/.test(r.level) ? r.level : 'info'}"><td>${isoTime(r.time)}</td><td>${r.source}</td><td>${r.level}</td><td><pre class="log">${logText(clip(r.raw ?? r.message, 4000))}</pre>${
    r.issueId ? html`<a href="${href(p.base, `/issues/${encodeURIComponent(r.issueId)}`)}">issue</a>` : ''
  }</td></tr>`;
}

export async function logsPage(p: PageInfo, d: PanelDeps, q: LogSearchQuery & { issue?: string }): Promise<Html> {
  const sources = d.stats.all().map((s) => s.source);
  const searched = q.q !== undefined || q.level !== undefined || q.before !== undefined;
  let results: PanelLogRecord[] = [];
  if (d.logs && (searched || q.source)) results = await d.logs.search(q);
  const last = results[results.length - 1];
  const sel = (v: string, cur: string | undefined) =>
    html`<option value="${v}"${v === cur ? html` selected` : ''}>${v}</option>`;
  return layout(
    p,
    '/logs',
    'Logs',
    html`<section><h2>Search</h2>${
      d.logs
        ? html`<form class="filters" method="get" action="${href(p.base, '/logs')}" role="search">
<label>Text <input type="search" name="q" value="${q.q ?? ''}" maxlength="500" placeholder="words, &quot;a phrase&quot;"></label>
<label>Source <select name="source"><option value="">any</option>${sources.map((s) => sel(s, q.source))}</select></label>
<label>Level at least <select name="level"><option value="">any</option>${LEVELS.map((l) => sel(l, q.level))}</select></label>
<button type="submit">Search</button>
</form>
${
  searched || q.source
    ? results.length
      ? html`<div class="scroll"><table class="logs" id="results"><thead><tr><th>Time</th><th>Source</th><th>Level</th><th>Line</th></tr></thead><tbody>${results.map((r) => row(p, r))}</tbody></table></div>${
          results.length >= q.limit && last
            ? html`<p><a href="${href(p.base, '/logs', { q: q.q, source: q.source, level: q.level, before: last.time })}">Older</a></p>`
            : ''
        }`
      : empty('No stored line matches.')
    : ''
}`
        : empty('Search needs the log store, which this build does not have.')
    }</section>
<section><h2>Live tail</h2>
<div id="tail" data-stream="${href(p.base, '/logs/stream', { source: q.source, level: q.level })}" data-base="${p.base}">
<div class="filters">
<button type="button" id="tail-pause" aria-pressed="false">Pause</button>
<label>Filter <input type="search" id="tail-filter" maxlength="200" placeholder="only lines containing"></label>
<label>Highlight <input type="search" id="tail-highlight" maxlength="200" placeholder="mark lines containing"></label>
<span id="tail-state" class="muted" role="status">connecting…</span>
</div>
<ol id="tail-lines" class="tail" aria-live="off"></ol>
</div>
<noscript><p class="muted">The live tail needs JavaScript; search works without it.</p></noscript>
</section>`,
  );
}
