import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildContent, fromIncidentEvent, fromIssueEvent } from '../../notify/content.ts';
import { localPath } from './routes.ts';
import { panelFixture, syntheticMessage, XSS_LINE } from './testing.ts';

const SUPERVISOR = { incoming: { socket: { remoteAddress: '172.30.32.2' } } };
const STRANGER = { incoming: { socket: { remoteAddress: '192.168.1.50' } } };
const PAGES = ['/', '/issues', '/logs', '/sessions', '/notifications', '/settings'];

/** A tiny cookie jar: keeps what Set-Cookie sets, sends it back. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = (pair ?? '').split('=');
      if (k) {
        if (v) this.cookies.set(k, v);
        else this.cookies.delete(k);
      }
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

function csrfOf(page: string): string {
  const m = /name="csrf-token" content="([^"]+)"/.exec(page) ?? /name="_csrf" value="([^"]+)"/.exec(page);
  assert.ok(m, 'page carries a CSRF token');
  return m[1] as string;
}

async function post(
  app: ReturnType<typeof panelFixture>['app'],
  jar: Jar,
  path: string,
  fields: Record<string, string>,
  env?: object,
) {
  const res = await app.request(
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams(fields).toString(),
    },
    env,
  );
  jar.take(res);
  return res;
}

async function get(app: ReturnType<typeof panelFixture>['app'], jar: Jar, path: string, env?: object) {
  const res = await app.request(path, { headers: { cookie: jar.header() } }, env);
  jar.take(res);
  return res;
}

describe('panel pages', () => {
  test('every page answers 200 with HTML, a CSP without inline script and under 100 KB', async () => {
    const { app, detector } = panelFixture();
    const issue = detector.list({})[0];
    assert.ok(issue);
    const incident = detector.incidents()[0];
    const paths = [...PAGES, `/issues/${issue.id}`, ...(incident ? [`/incidents/${incident.id}`] : [])];
    for (const path of paths) {
      const res = await app.request(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const body = await res.text();
      assert.ok(body.length < 100_000, `${path} is ${body.length} bytes`);
      assert.doesNotMatch(body, /<script>|<script [^>]*>[^<]|<[a-z][^>]*\son[a-z]+\s*=/i, `${path} has inline script`);
    }
  });

  test('assets are served by Arrgus itself', async () => {
    const { app } = panelFixture();
    for (const [name, type] of [
      ['panel.css', 'text/css'],
      ['panel.js', 'text/javascript'],
      ['icon.svg', 'image/svg+xml'],
    ] as const) {
      const res = await app.request(`/assets/${name}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', new RegExp(type.replace('+', '\\+')));
    }
    assert.equal((await app.request('/assets/../../package.json')).status, 404);
    assert.equal((await app.request('/assets/nope.js')).status, 404);
  });

  test('a log line with script, event handlers, javascript: URLs and ANSI escapes renders as inert text', async () => {
    const { app, detector } = panelFixture();
    const issue = detector.list({}).find((i) => i.samples.some((x) => x.raw.includes('__xss')));
    assert.ok(issue);
    for (const path of ['/', '/issues', `/issues/${issue.id}`]) {
      const body = await (await app.request(path)).text();
      assert.ok(!body.includes('<script>window'), path);
      assert.ok(!body.includes('<img src=x'), path);
      assert.ok(!body.includes('href="javascript:'), path);
      assert.ok(!body.includes('\u001b'), `${path} keeps an ANSI escape`);
      assert.ok(body.includes('&lt;img src=x onerror='), path);
    }
    assert.ok(XSS_LINE.includes('<script>'));
  });

  test('issue list filters, sorts and rejects bad parameters naming them', async () => {
    const { app } = panelFixture({}, { issues: 120 });
    const all = await (await app.request('/issues?status=all&sort=count')).text();
    assert.match(all, /page 1 of 3/);
    const plex = await (await app.request('/issues?source=plex')).text();
    assert.match(plex, /Transcoder crashed/);
    assert.doesNotMatch(plex, / ran</);
    const wanted = syntheticMessage(42);
    const text = await (await app.request(`/issues?q=${encodeURIComponent(wanted.split(' ')[0] as string)}`)).text();
    assert.ok(text.includes(wanted), wanted);
    assert.match(text, /1 of 12\d issues/);
    const bad = await app.request('/issues?sort=nope');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /sort: got &quot;nope&quot;/);
    assert.equal((await app.request('/issues?page=0')).status, 400);
    assert.equal((await app.request('/logs?level=loud')).status, 400);
  });

  test('an issue shows its samples with the stored lines around them, its timeline and impact parts', async () => {
    const { app, detector } = panelFixture();
    const id = detector.list({}).find((i) => i.title.includes('Transcoder'))?.id ?? '';
    const body = await (await app.request(`/issues/${id}`)).text();
    assert.match(
      body,
      /<span>line before &lt;i&gt;\n<\/span><span class="hit">Jan 02, 2026 11:00:00.000 \[0x1\] ERROR - Transcoder crashed/,
    );
    assert.match(body, /line after/);
    assert.match(body, /<li>opened <span class="muted">by detect<\/span>/);
    assert.match(body, /<th>severity<\/th>/);
  });

  test('the overview chart reads the stored hourly counts', async () => {
    const { app } = panelFixture();
    const body = await (await app.request('/')).text();
    assert.match(body, /Stored records per hour · max 7/);
    assert.match(body, /<title>12:00 UTC: 7 errors<\/title>/);
    assert.match(body, /<title>11:00 UTC: 4 warnings<\/title>/);
  });

  test('a source that cannot read is shown failing on the overview, with what and why', async () => {
    const { app, stats } = panelFixture();
    stats.setProblems('sonarr', [
      { path: '/logs/sonarr/sonarr.txt', error: 'permission denied' },
      { path: '/logs/sonarr/sonarr.debug.txt', error: 'symbolic link loop' },
    ]);
    const body = await (await app.request('/')).text();
    const row = /<tr><td><a[^>]*>sonarr<\/a>.*?<\/tr>/s.exec(body)?.[0] ?? '';
    assert.match(row, /st-failing/);
    assert.match(row, /cannot read \/logs\/sonarr\/sonarr\.txt: permission denied \(and 1 more\)/);
    const plex = /<tr><td><a[^>]*>plex<\/a>.*?<\/tr>/s.exec(body)?.[0] ?? '';
    assert.doesNotMatch(plex, /st-failing/);
    stats.setProblems('sonarr', []);
    assert.doesNotMatch(await (await app.request('/')).text(), /st-failing/);
  });

  test('links in notifications open the issue or incident page', async () => {
    const { app, detector, clock } = panelFixture();
    const issue = detector.list({})[0];
    assert.ok(issue);
    const ev = fromIssueEvent({ kind: 'opened', issue, at: clock.now() });
    assert.ok(ev);
    const link = new URL(buildContent(ev, 'http://arrgus.lan:8099').link ?? '');
    assert.equal(link.pathname, `/issues/${issue.id}`);
    assert.equal((await app.request(link.pathname)).status, 200);
    const incident = {
      id: 'inc-1',
      title: 'x',
      severity: 'high' as const,
      status: 'open' as const,
      issueIds: [issue.id],
      sources: issue.sources,
      startedAt: 0,
      lastSeen: 0,
    };
    const inc = fromIncidentEvent({ kind: 'opened', incident, at: clock.now() });
    assert.ok(inc);
    assert.match(new URL(buildContent(inc, 'http://arrgus.lan:8099').link ?? '').pathname, /^\/incidents\/inc-1$/);
    const real = detector.incidents()[0];
    assert.ok(real, 'the fixture has an incident');
    const page = await (await app.request(`/incidents/${real.id}`)).text();
    for (const id of real.issueIds) assert.ok(page.includes(`/issues/${id}"`), id);
    assert.ok(real.issueIds.length >= 2);
  });

  test('unknown issue and incident ids are HTML 404s', async () => {
    const { app } = panelFixture();
    assert.equal((await app.request('/issues/nope')).status, 404);
    assert.equal((await app.request('/incidents/nope')).status, 404);
  });

  test('settings show where values came from and mask secrets', async () => {
    const { app } = panelFixture({
      web: { token: 'panel-secret-token' },
      mqtt: { password: 'mqtt-hunter2' },
      notify: [{ name: 'n1', url: 'ntfys://user:pa55word@ntfy.example.com/topic' }],
    });
    const jar = new Jar();
    const login = await get(app, jar, '/login');
    await post(app, jar, '/login', { _csrf: csrfOf(await login.text()), token: 'panel-secret-token', next: '/' });
    const body = await (await get(app, jar, '/settings')).text();
    assert.match(body, /web\.port/);
    assert.match(
      body,
      /<td><code>web\.port<\/code><\/td><td><code>8099<\/code><\/td><td><span class="badge origin">file/,
    );
    assert.match(body, /log\.level.*environment/);
    assert.match(
      body,
      /alerts\.threshold<\/code><\/td><td><code>\d+<\/code><\/td><td><span class="badge origin">default/,
    );
    for (const secret of ['panel-secret-token', 'mqtt-hunter2', 'pa55word']) assert.ok(!body.includes(secret), secret);
    assert.match(body, /web\.token<\/code><\/td><td><code>••••••••/);
  });

  test('sessions show the transcode picture and why a playback is in trouble', async () => {
    const { app } = panelFixture();
    const body = await (await app.request('/sessions')).text();
    assert.match(body, /video codec not supported/);
    assert.match(body, /software \(hardware requested\)/);
    assert.match(body, /buffering; transcode slower than real time/);
    assert.match(body, /&lt;b&gt;Pilot&lt;\/b&gt;/);
  });

  test('log search uses the store and links records to their issue', async () => {
    const { app } = panelFixture(
      {},
      {
        logs: [
          { id: 1, time: 1, level: 'error', message: 'disk full <x>', issue: 'abc' },
          { id: 2, time: 2, message: 'all good' },
        ],
      },
    );
    const body = await (await app.request('/logs?q=disk')).text();
    assert.match(body, /disk full &lt;x&gt;/);
    assert.match(body, /href="\/issues\/abc"/);
    assert.doesNotMatch(body, /all good/);
    assert.match(await (await app.request('/logs?level=error')).text(), /disk full/);
    const bad = await app.request('/logs?q=%22open');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /q: unterminated string/);
  });
});

describe('panel: Home Assistant ingress', () => {
  test('links, forms and assets carry X-Ingress-Path from the Supervisor; framing by the same origin only', async () => {
    const { app, detector } = panelFixture();
    const id = detector.list({})[0]?.id ?? '';
    const base = '/api/hassio_ingress/abc123';
    for (const path of [...PAGES, `/issues/${id}`]) {
      const res = await app.request(path, { headers: { 'x-ingress-path': base } }, SUPERVISOR);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
      const body = await res.text();
      const urls = [...body.matchAll(/(?:href|action|src|data-stream)="([^"]*)"/g)].map((m) => m[1] as string);
      assert.ok(urls.length > 5);
      for (const u of urls) assert.ok(u.startsWith(`${base}/`), `${path}: ${u} is not under the ingress path`);
    }
  });

  test('the header is ignored from any other address', async () => {
    const { app } = panelFixture();
    const body = await (
      await app.request('/', { headers: { 'x-ingress-path': '/api/hassio_ingress/evil' } }, STRANGER)
    ).text();
    assert.doesNotMatch(body, /hassio_ingress/);
  });

  test('ingressOnly answers only the Supervisor, the health check and webhooks', async () => {
    const { app } = panelFixture({ web: { ingressOnly: true } });
    assert.equal((await app.request('/', {}, STRANGER)).status, 403);
    assert.equal((await app.request('/issues', {}, STRANGER)).status, 403);
    assert.equal((await app.request('/', {}, SUPERVISOR)).status, 200);
    assert.equal((await app.request('/api/health', {}, STRANGER)).status, 200);
  });

  test('behind ingress no login is asked even with a token, and actions still need the CSRF token', async () => {
    const { app, detector } = panelFixture({ web: { token: 'panel-secret-token' } });
    const jar = new Jar();
    const page = await get(app, jar, '/', SUPERVISOR);
    assert.equal(page.status, 200);
    const id = detector.list({ status: 'open' })[0]?.id ?? '';
    assert.equal((await post(app, jar, `/issues/${id}/acknowledge`, {}, SUPERVISOR)).status, 403);
    const ok = await post(app, jar, `/issues/${id}/acknowledge`, { _csrf: csrfOf(await page.text()) }, SUPERVISOR);
    assert.equal(ok.status, 303);
    assert.equal(detector.get(id)?.status, 'acknowledged');
  });
});

describe('panel: login, session cookie and CSRF outside ingress', () => {
  test('pages redirect to the login page, which sets an HttpOnly SameSite=Strict session cookie', async () => {
    const { app } = panelFixture({ web: { token: 'panel-secret-token' } });
    const jar = new Jar();
    const first = await get(app, jar, '/issues?status=all');
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/login?next=%2Fissues%3Fstatus%3Dall');
    const login = await get(app, jar, '/login?next=/issues');
    assert.equal(login.status, 200);
    const csrf = csrfOf(await login.text());

    const wrong = await post(app, jar, '/login', { _csrf: csrf, token: 'guess-guess', next: '/issues' });
    assert.equal(wrong.status, 401);
    assert.equal(jar.get('arrgus_session'), undefined);
    const noCsrf = await post(app, jar, '/login', { token: 'panel-secret-token' });
    assert.equal(noCsrf.status, 403);

    const ok = await post(app, jar, '/login', { _csrf: csrf, token: 'panel-secret-token', next: '/issues' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/issues');
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('arrgus_session='));
    assert.match(cookie ?? '', /HttpOnly/);
    assert.match(cookie ?? '', /SameSite=Strict/);
    assert.equal((await get(app, jar, '/issues')).status, 200);
    // The panel's scripts may read the API with the session; without it the bearer token is still required.
    assert.equal((await get(app, jar, '/api/sessions')).status, 200);
    assert.equal((await app.request('/api/sessions')).status, 401);
    // API writes with the session need the CSRF token in a header.
    const write = (headers: Record<string, string>) =>
      app.request('/api/ingest?app=sonarr&source=sonarr', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: jar.header(), ...headers },
        body: '["2026-01-02 12:00:00.0|Error|X|boom"]',
      });
    assert.equal((await write({})).status, 403);
    assert.equal((await write({ 'x-csrf-token': jar.get('arrgus_csrf') ?? '' })).status, 202);

    const out = await post(app, jar, '/logout', { _csrf: csrf });
    assert.equal(out.status, 303);
    assert.equal((await get(app, jar, '/issues')).status, 303);
  });

  test('an open redirect through next= is refused', async () => {
    assert.equal(localPath('//evil.example'), undefined);
    assert.equal(localPath('/\\evil.example'), undefined);
    assert.equal(localPath('https://evil.example'), undefined);
    assert.equal(localPath('/issues?x=1'), '/issues?x=1');
  });

  test('failed logins are limited', async () => {
    const { app } = panelFixture({ web: { token: 'panel-secret-token' } });
    const jar = new Jar();
    const csrf = csrfOf(await (await get(app, jar, '/login')).text());
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await post(app, jar, '/login', { _csrf: csrf, token: `x${i}xxxxxx` })).status);
    assert.deepEqual(statuses.slice(0, 10), new Array(10).fill(401));
    assert.equal(statuses[11], 429);
    assert.equal((await post(app, jar, '/login', { _csrf: csrf, token: 'panel-secret-token' })).status, 429);
  });
});

describe('panel actions', () => {
  async function session() {
    const f = panelFixture();
    const jar = new Jar();
    const csrf = csrfOf(await (await get(f.app, jar, '/')).text());
    return { ...f, jar, csrf };
  }

  test('acknowledge, resolve, mute and unmute an issue; every action needs the CSRF token', async () => {
    const { app, jar, csrf, detector } = await session();
    const id = detector.list({ status: 'open' })[0]?.id ?? '';
    assert.equal((await post(app, jar, `/issues/${id}/acknowledge`, {})).status, 403);
    assert.equal((await post(app, jar, `/issues/${id}/acknowledge`, { _csrf: 'x'.repeat(43) })).status, 403);
    const cross = await app.request(`/issues/${id}/resolve`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: jar.header(),
        'sec-fetch-site': 'cross-site',
      },
      body: `_csrf=${csrf}`,
    });
    assert.equal(cross.status, 403);
    assert.equal(detector.get(id)?.status, 'open');

    const ack = await post(app, jar, `/issues/${id}/acknowledge`, { _csrf: csrf });
    assert.equal(ack.status, 303);
    assert.equal(ack.headers.get('location'), `/issues/${id}`);
    assert.equal(detector.get(id)?.status, 'acknowledged');
    assert.equal((await post(app, jar, `/issues/${id}/resolve`, { _csrf: csrf })).status, 303);
    assert.equal(detector.get(id)?.status, 'resolved');
    assert.equal((await post(app, jar, `/issues/${id}/mute`, { _csrf: csrf })).status, 303);
    assert.equal(detector.get(id)?.status, 'muted');
    assert.equal((await post(app, jar, `/issues/${id}/unmute`, { _csrf: csrf })).status, 303);
    assert.equal(detector.get(id)?.status, 'open');
    await post(app, jar, `/issues/${id}/resolve`, { _csrf: csrf });
    assert.equal((await post(app, jar, `/issues/${id}/reopen`, { _csrf: csrf })).status, 303);
    assert.equal(detector.get(id)?.status, 'open');
    assert.equal((await post(app, jar, '/issues/nope/resolve', { _csrf: csrf })).status, 404);
  });

  test('mute and unmute a source, going back to a local page only', async () => {
    const { app, jar, csrf, detector } = await session();
    const res = await post(app, jar, '/sources/plex/mute', { _csrf: csrf, back: '/issues' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/issues');
    assert.ok(detector.mutes.isMuted('plex'));
    const evil = await post(app, jar, '/sources/plex/unmute', { _csrf: csrf, back: '//evil.example/' });
    assert.equal(evil.headers.get('location'), '/');
    assert.ok(!detector.mutes.isMuted('plex'));
    assert.equal((await post(app, jar, '/sources/nope/mute', { _csrf: csrf })).status, 404);
  });

  test('the test button sends to that target and shows the outcome', async () => {
    const { app, jar, csrf, notify } = await session();
    const ok = await post(app, jar, '/notifications/ntfy-home/test', { _csrf: csrf });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /Test to ntfy-home: delivered in 12 ms/);
    const bad = await post(app, jar, '/notifications/discord-ops/test', { _csrf: csrf });
    assert.match(await bad.text(), /Test to discord-ops: failed: HTTP 401/);
    assert.deepEqual(notify.sent, ['ntfy-home', 'discord-ops']);
    assert.equal((await post(app, jar, '/notifications/nope/test', { _csrf: csrf })).status, 404);
    const page = await (await get(app, jar, '/notifications')).text();
    assert.match(page, /HTTP 401 &lt;b&gt;Unauthorized&lt;\/b&gt;/);
    assert.match(page, /test-failed/);
  });

  test('oversized forms are refused', async () => {
    const { app, jar, csrf, detector } = await session();
    const id = detector.list({})[0]?.id ?? '';
    const res = await post(app, jar, `/issues/${id}/resolve`, { _csrf: csrf, pad: 'x'.repeat(20_000) });
    assert.equal(res.status, 413);
  });
});

describe('panel live tail', () => {
  test("the logs page reads the API's live tail under the base path, with the page's source and levels", async () => {
    const { app } = panelFixture();
    const body = await (
      await app.request(
        '/logs?source=plex&level=warn',
        { headers: { 'x-ingress-path': '/api/hassio_ingress/t0k' } },
        SUPERVISOR,
      )
    ).text();
    assert.match(
      body,
      /data-stream="\/api\/hassio_ingress\/t0k\/api\/logs\/stream\?source=plex&amp;level=warn%2Cerror%2Cfatal"/,
    );
  });
});
