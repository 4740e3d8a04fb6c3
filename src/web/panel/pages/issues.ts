/** The issue list: filters (status, source, category, severity, text) and sort, paged. */
import { HTTPException } from 'hono/http-exception';
import { type Issue, type IssueStatus, SEVERITIES, SEVERITY_RANK, type Severity } from '../../../core/types.ts';
import { empty, severityBadge, statusBadge } from '../components.ts';
import type { PanelDeps } from '../deps.ts';
import { ago, clip, type Html, href, html, logText } from '../html.ts';
import { layout, type PageInfo } from '../layout.ts';

const STATUSES = ['active', 'open', 'acknowledged', 'resolved', 'muted', 'all'] as const;
const SORTS = ['impact', 'lastSeen', 'firstSeen', 'count', 'severity'] as const;
const PAGE = 50;

export interface IssueQuery {
  status: (typeof STATUSES)[number];
  source?: string;
  category?: string;
  severity?: Severity;
  q?: string;
  sort: (typeof SORTS)[number];
  page: number;
}

function bad(key: string, got: string, expected: string): never {
  throw new HTTPException(400, { message: `${key}: got "${clip(got, 40)}", expected ${expected}` });
}

/** Reads and checks the list's query; a bad value is a 400 naming the parameter. */
export function parseIssueQuery(q: Record<string, string>): IssueQuery {
  const status = q.status || 'active';
  if (!(STATUSES as readonly string[]).includes(status)) bad('status', status, `one of ${STATUSES.join(', ')}`);
  const sort = q.sort || 'impact';
  if (!(SORTS as readonly string[]).includes(sort)) bad('sort', sort, `one of ${SORTS.join(', ')}`);
  const severity = q.severity || undefined;
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity))
    bad('severity', severity, `one of ${SEVERITIES.join(', ')}`);
  const page = q.page ? Number(q.page) : 1;
  if (!Number.isInteger(page) || page < 1 || page > 10_000) bad('page', q.page ?? '', 'a whole number from 1');
  for (const k of ['source', 'category', 'q'] as const) {
    if ((q[k]?.length ?? 0) > 200) bad(k, q[k] ?? '', 'at most 200 characters');
  }
  return {
    status: status as IssueQuery['status'],
    sort: sort as IssueQuery['sort'],
    page,
    ...(q.source ? { source: q.source } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(severity ? { severity: severity as Severity } : {}),
    ...(q.q ? { q: q.q } : {}),
  };
}

const STATUS_FILTER: Record<IssueQuery['status'], IssueStatus[] | undefined> = {
  active: ['open', 'acknowledged'],
  open: ['open'],
  acknowledged: ['acknowledged'],
  resolved: ['resolved'],
  muted: ['muted'],
  all: undefined,
};

/** The same fields the API's `text` filter reads: title, template, category, first sample. */
function matches(i: Issue, text: string): boolean {
  return (
    i.title.toLowerCase().includes(text) ||
    (i.template?.toLowerCase().includes(text) ?? false) ||
    i.category.toLowerCase().includes(text) ||
    (i.samples[0]?.message.toLowerCase().includes(text) ?? false)
  );
}

export function filterIssues(all: readonly Issue[], q: IssueQuery): Issue[] {
  const statuses = STATUS_FILTER[q.status];
  const text = q.q?.toLowerCase();
  const out = all.filter(
    (i) =>
      (!statuses || statuses.includes(i.status)) &&
      (!q.source || i.sources.includes(q.source)) &&
      (!q.category || i.category === q.category) &&
      (!q.severity || i.severity === q.severity) &&
      (!text || matches(i, text)),
  );
  const by: Record<IssueQuery['sort'], (a: Issue, b: Issue) => number> = {
    impact: (a, b) => b.impact - a.impact || b.lastSeen - a.lastSeen,
    lastSeen: (a, b) => b.lastSeen - a.lastSeen,
    firstSeen: (a, b) => b.firstSeen - a.firstSeen,
    count: (a, b) => b.count - a.count,
    severity: (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.impact - a.impact,
  };
  return out.sort(by[q.sort]);
}

function options(values: readonly string[], selected: string | undefined, anyLabel?: string): Html[] {
  const out: Html[] = [];
  if (anyLabel !== undefined) out.push(html`<option value="">${anyLabel}</option>`);
  for (const v of values) out.push(html`<option value="${v}"${v === selected ? html` selected` : ''}>${v}</option>`);
  return out;
}

export function issuesPage(p: PageInfo, d: PanelDeps, q: IssueQuery): Html {
  const all = d.issues.list({});
  const list = filterIssues(all, q);
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  const shown = list.slice((q.page - 1) * PAGE, q.page * PAGE);
  const sources = [...new Set(all.flatMap((i) => i.sources))].sort();
  const categories = [...new Set(all.map((i) => i.category))].sort();
  const query = {
    status: q.status,
    source: q.source,
    category: q.category,
    severity: q.severity,
    q: q.q,
    sort: q.sort,
  };

  const rows = shown.map(
    (i) =>
      html`<tr><td><a href="${href(p.base, `/issues/${encodeURIComponent(i.id)}`)}">${clip(logText(i.title), 160)}</a>${i.regressed ? html` <span class="badge st-regressed">regressed</span>` : ''}</td><td>${severityBadge(i.severity)}</td><td>${statusBadge(i.status)}</td><td>${i.category}</td><td>${i.sources.join(', ')}</td><td class="num">${i.impact}</td><td class="num">${i.count}</td><td>${ago(i.lastSeen, p.now)}</td></tr>`,
  );

  return layout(
    p,
    '/issues',
    'Issues',
    html`<form class="filters" method="get" action="${href(p.base, '/issues')}">
<label>Status <select name="status">${options(STATUSES, q.status)}</select></label>
<label>Source <select name="source">${options(sources, q.source, 'any')}</select></label>
<label>Category <select name="category">${options(categories, q.category, 'any')}</select></label>
<label>Severity <select name="severity">${options(SEVERITIES, q.severity, 'any')}</select></label>
<label>Text <input type="search" name="q" value="${q.q ?? ''}" maxlength="200"></label>
<label>Sort <select name="sort">${options(SORTS, q.sort)}</select></label>
<button type="submit">Filter</button>
</form>
<p class="muted">${list.length} of ${all.length} issues${pages > 1 ? ` · page ${q.page} of ${pages}` : ''}</p>
${
  rows.length
    ? html`<div class="scroll"><table class="issue-list"><thead><tr><th>Issue</th><th>Severity</th><th>Status</th><th>Category</th><th>Sources</th><th class="num">Impact</th><th class="num">Count</th><th>Last seen</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : empty('No issue matches these filters.')
}
<nav class="pager">${q.page > 1 ? html`<a href="${href(p.base, '/issues', { ...query, page: q.page - 1 })}">Previous</a>` : ''}${
      q.page < pages ? html`<a href="${href(p.base, '/issues', { ...query, page: q.page + 1 })}">Next</a>` : ''
    }</nav>`,
  );
}
