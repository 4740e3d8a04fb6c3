/** The login page (outside ingress, when `web.token` is set): the token is exchanged for a session cookie. */
import { type Html, href, html } from '../html.ts';
import type { PageInfo } from '../layout.ts';

export function loginPage(p: PageInfo, next: string, error?: string): Html {
  const asset = (name: string) => href(p.base, `/assets/${name}`, { v: p.version });
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>Log in · Arrgus</title>
<link rel="stylesheet" href="${asset('panel.css')}">
<link rel="icon" href="${asset('icon.svg')}" type="image/svg+xml">
</head>
<body class="login">
<main>
<h1>Arrgus</h1>
<form method="post" action="${href(p.base, '/login')}">
<input type="hidden" name="_csrf" value="${p.csrf}">
<input type="hidden" name="next" value="${next}">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus maxlength="512">
${error ? html`<p class="flash bad" role="alert">${error}</p>` : ''}
<button type="submit">Log in</button>
<p class="muted">The token is <code>web.token</code> in the configuration (or <code>ARRGUS_WEB__TOKEN</code>).</p>
</form>
</main>
</body>
</html>`;
}
