/**
 * Logs: full-text search over the stored lines (the log store's search, the same function `/api/logs` calls) and
 * the live tail, which the page script reads from the API's `/api/logs/stream` (server-sent events) with pause, a
 * filter and highlighting done in the browser.
 */
import { HTTPException } from 'hono/http-exception';
import { LEVEL_RANK, LEVELS, type Level } from '../../../core/types.ts';
import type { StoredLogLine } from '../../api/logs.ts';
import { empty } from '../components.ts';
import type { PanelDeps } from '../deps.ts';
import { clip, type Html, href, html, isoTime, logText } from '../html.ts';
import { layout, type PageInfo } from '../layout.ts';

const PAGE = 100;

export interface LogQuery {
  q?: string;
  source?: string;
  /** At least this level. */
  level?: Level;
  issue?: string;
  /** Row id: lines older than it (the "Older" link). */
  before?: number;
}

export function parseLogQuery(q: Record<string, string>): LogQuery {
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
    if (!Number.isInteger(before) || before < 1)
      throw new HTTPException(400, { message: `before: got "${clip(q.before, 30)}", expected a line id` });
  }
  return {
    ...(q.q ? { q: q.q } : {}),
    ...(q.source ? { source: q.source } : {}),
    ...(q.level ? { level: q.level as Level } : {}),
    ...(q.issue ? { issue: q.issue } : {}),
    ...(before !== undefined ? { before } : {}),
  };
}

/** Levels at least `min`, as the API's level list. */
function levelsFrom(min: Level | undefined): Level[] | undefined {
  return min ? LEVELS.filter((l) => LEVEL_RANK[l] >= LEVEL_RANK[min]) : undefined;
}

function row(p: PageInfo, r: StoredLogLine): Html {
  return html`<tr class="lv-${r.level}"><td>${isoTime(r.time)}</td><td>${r.source}</td><td>${r.level}</td><td><pre class="log">${logText(clip(r.raw || r.message, 4000))}</pre>${
    r.issue ? html`<a href="${href(p.base, `/issues/${encodeURIComponent(r.issue)}`)}">issue</a>` : ''
  }</td></tr>`;
}

export function logsPage(p: PageInfo, d: PanelDeps, q: LogQuery): Html {
  const sources = d.stats.all().map((s) => s.source);
  const searched = q.q !== undefined || q.level !== undefined || q.source !== undefined || q.issue !== undefined;
  const levels = levelsFrom(q.level);
  let results: StoredLogLine[] = [];
  /** The search ran out of time before the oldest line: the older lines below this id are still to be searched. */
  let continueBelow: number | undefined;
  if (d.logs && searched) {
    try {
      ({ lines: results, continueBelow } = d.logs.search({
        ...(q.q ? { text: q.q } : {}),
        ...(q.source ? { sources: [q.source] } : {}),
        ...(levels ? { levels } : {}),
        ...(q.issue ? { issue: q.issue } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
        limit: PAGE,
      }));
    } catch (err) {
      if (d.logs.isQueryError(err)) throw new HTTPException(400, { message: `q: ${(err as Error).message}` });
      throw err;
    }
  }
  const last = results[results.length - 1];
  const older = results.length >= PAGE && last ? last.id : continueBelow;
  const sel = (v: string, cur: string | undefined) =>
    html`<option value="${v}"${v === cur ? html` selected` : ''}>${v}</option>`;
  const stream = href(p.base, '/api/logs/stream', { source: q.source, level: levels?.join(',') });
  return layout(
    p,
    '/logs',
    'Logs',
    html`<section><h2>Search</h2>${
      d.logs
        ? html`<form class="filters" method="get" action="${href(p.base, '/logs')}" role="search">
<label>Text <input type="search" name="q" value="${q.q ?? ''}" maxlength="500" placeholder="words, &quot;a phrase&quot;, prefix*"></label>
<label>Source <select name="source"><option value="">any</option>${sources.map((s) => sel(s, q.source))}</select></label>
<label>Level at least <select name="level"><option value="">any</option>${LEVELS.map((l) => sel(l, q.level))}</select></label>
${q.issue ? html`<input type="hidden" name="issue" value="${q.issue}">` : ''}
<button type="submit">Search</button>
</form>
${
  searched
    ? html`${
        results.length
          ? html`<div class="scroll"><table class="logs" id="results"><thead><tr><th>Time</th><th>Source</th><th>Level</th><th>Line</th></tr></thead><tbody>${results.map((r) => row(p, r))}</tbody></table></div>`
          : continueBelow === undefined
            ? empty('No stored line matches.')
            : ''
      }${
        continueBelow !== undefined && results.length < PAGE
          ? html`<p>Searched the newest lines${results.length ? '' : ' without a match'}; older ones are still to search.</p>`
          : ''
      }${
        older !== undefined
          ? html`<p><a href="${href(p.base, '/logs', { q: q.q, source: q.source, level: q.level, issue: q.issue, before: older })}">${results.length >= PAGE ? 'Older' : 'Search older lines'}</a></p>`
          : ''
      }`
    : ''
}`
        : empty('Search needs the log store, which this build does not have.')
    }</section>
<section><h2>Live tail</h2>
<div id="tail" data-stream="${stream}" data-base="${p.base}">
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
