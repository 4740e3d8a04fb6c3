/** The page shell: head, navigation, and the per-request facts every page needs (base path, CSRF token, now). */
import { type Html, href, html } from './html.ts';

export interface PageInfo {
  /** Prefix of every URL: the Home Assistant ingress path, or ''. */
  base: string;
  /** True behind Home Assistant ingress (no login, no logout button). */
  ingress: boolean;
  /** Logged in with a session cookie (shows the logout button). */
  session: boolean;
  csrf: string;
  now: number;
  version: string;
}

const NAV: ReadonlyArray<[path: string, label: string]> = [
  ['/', 'Overview'],
  ['/issues', 'Issues'],
  ['/logs', 'Logs'],
  ['/sessions', 'Sessions'],
  ['/notifications', 'Notifications'],
  ['/settings', 'Settings'],
];

export function layout(p: PageInfo, current: string, title: string, body: Html): Html {
  const asset = (name: string) => href(p.base, `/assets/${name}`, { v: p.version });
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="csrf-token" content="${p.csrf}">
<meta name="base-path" content="${p.base}">
<title>${title} · Arrgus</title>
<link rel="stylesheet" href="${asset('panel.css')}">
<link rel="icon" href="${asset('icon.svg')}" type="image/svg+xml">
<script src="${asset('panel.js')}" defer></script>
</head>
<body>
<header class="top">
<a class="brand" href="${href(p.base, '/')}">Arrgus</a>
<nav aria-label="Main">${NAV.map(
    ([path, label]) =>
      html`<a href="${href(p.base, path)}"${path === current ? html` aria-current="page"` : ''}>${label}</a>`,
  )}</nav>
${
  p.session
    ? html`<form method="post" action="${href(p.base, '/logout')}" class="logout"><input type="hidden" name="_csrf" value="${p.csrf}"><button type="submit">Log out</button></form>`
    : ''
}
</header>
<main>
<h1>${title}</h1>
${body}
</main>
<footer>Arrgus ${p.version}</footer>
</body>
</html>`;
}

/** A POST button carrying the CSRF token: works without JavaScript (the server redirects back). */
export function actionButton(p: PageInfo, path: string, label: string, extra: Record<string, string> = {}): Html {
  return html`<form method="post" action="${href(p.base, path)}" class="action"><input type="hidden" name="_csrf" value="${p.csrf}">${Object.entries(
    extra,
  ).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit">${label}</button></form>`;
}
