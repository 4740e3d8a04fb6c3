/**
 * The panel in a real browser (Debian's chromium driven by playwright-core) against the whole service booted as
 * `arrgus run` builds it, following a real log file: every page directly (after the login page) and under a Home
 * Assistant ingress-style prefix (through a proxy standing in for the Supervisor), at phone and desktop widths, with
 * screenshots written to test-output/panel-screenshots/. Then the live tail follows lines appended to the file (also
 * through ingress), an issue is acknowledged and resolved, a search runs, and a log line's XSS attempt stays text.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { validateConfig } from '../src/config/load.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { Service } from '../src/main.ts';
import { chromiumPath, chromiumSkip } from './helpers/chromium.ts';
import { IngressProxy } from './helpers/ingress-proxy.ts';
import { waitFor } from './helpers/wait.ts';

const TOKEN = 'browser-test-token';
const SHOTS = join(import.meta.dirname, '..', 'test-output', 'panel-screenshots');
const PAGES: ReadonlyArray<[path: string, name: string, h1: RegExp]> = [
  ['/', 'overview', /Overview/],
  ['/issues', 'issues', /Issues/],
  ['/logs', 'logs', /Logs/],
  ['/sessions', 'sessions', /Sessions/],
  ['/notifications', 'notifications', /Notifications/],
  ['/settings', 'settings', /Settings/],
];
const WIDTHS = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
] as const;
const XSS =
  '\u001b[31mImport failed\u001b[0m for <script>window.__xss=1</script><img src=x onerror="window.__xss=2"><a href="javascript:window.__xss=3">x</a>';

function nlog(level: string, message: string, logger = 'ImportService'): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const t = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${Math.floor(d.getUTCMilliseconds() / 100)}`;
  return `${t}|${level}|${logger}|${message}\n`;
}

/** Problems a page reports: console errors (CSP violations land there), uncaught errors, dialogs. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

describe('the panel in a real browser', { skip: chromiumSkip }, () => {
  let service: Service;
  let proxy: IngressProxy;
  let browser: Browser;
  let direct: string;
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-panel-'));
  const logDir = join(dir, 'sonarr-logs');
  const logFile = join(logDir, 'sonarr.txt');

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(logDir);
    writeFileSync(logFile, nlog('Info', 'Sonarr 4.0.9 starting', 'Bootstrap'));
    const config = validateConfig({
      dataDir: join(dir, 'data'),
      instanceId: 'panel-browser',
      web: { port: 0, host: '127.0.0.1', token: TOKEN, ingressProxies: ['127.0.0.2'] },
      mqtt: { enabled: false },
      sources: [{ name: 'sonarr', app: 'sonarr', path: logDir, timezone: 'UTC' }],
    });
    service = new Service(config, { logger: memoryLogger(), supervisor: null });
    await service.start();
    direct = `http://127.0.0.1:${service.web.port}`;
    proxy = await IngressProxy.start({ port: service.web.port }, '127.0.0.2');
    await waitFor('the file to be followed', () => (service.ingestion.followed()[0]?.files.length ? true : undefined));
    appendFileSync(
      logFile,
      nlog('Error', 'Import failed, path does not exist or is not accessible by Sonarr: /downloads/show'),
    );
    appendFileSync(logFile, nlog('Warn', 'Indexer returned no results for RSS sync', 'RssSyncService'));
    appendFileSync(logFile, nlog('Error', XSS));
    await waitFor('issues from the appended lines', () => (xssIssue() ? true : undefined));
    browser = await chromium.launch({ executablePath: chromiumPath as string, args: ['--no-sandbox'] });
  });

  after(async () => {
    if (weights.length) writeFileSync(join(SHOTS, 'page-weights.txt'), `${weights.join('\n')}\n`);
    await browser?.close();
    await proxy?.stop();
    await service?.stop();
  });

  function xssIssue() {
    return service.detector.list({}).find((i) => i.samples.some((x) => x.raw.includes('__xss')));
  }

  async function loggedIn(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${direct}/issues`);
    assert.match(page.url(), /\/login\?next=%2Fissues$/);
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${direct}/issues`), page.click('button[type=submit]')]);
    await page.close();
    return context;
  }

  const weights: string[] = [];

  async function visitAll(context: BrowserContext, base: string, label: string): Promise<void> {
    const page = await context.newPage();
    const problems = watch(page);
    for (const [path, name, h1] of PAGES) {
      const bodies: Array<Promise<number>> = [];
      const count = (r: import('playwright-core').Response) => {
        // The live tail's stream is data, and never ends.
        if (r.headers()['content-type']?.startsWith('text/event-stream')) return;
        bodies.push(r.body().then((b) => b.length));
      };
      page.on('response', count);
      const res = await page.goto(`${base}${path}`, { waitUntil: 'load' });
      assert.equal(res?.status(), 200, `${label} ${path}`);
      await assert.doesNotReject(page.locator('h1', { hasText: h1 }).waitFor(), `${label} ${path} h1`);
      // Every link and form stays under the base (the ingress prefix, or the root).
      const urls = await page.$$eval('a[href], form[action], link[href], script[src]', (els) =>
        els.map((e) => e.getAttribute('href') ?? e.getAttribute('action') ?? e.getAttribute('src') ?? ''),
      );
      const root = new URL(base).pathname.replace(/\/$/, '');
      for (const u of urls) assert.ok(u.startsWith(`${root}/`), `${label} ${path}: ${u} is outside ${root}/`);
      await page.screenshot({ path: join(SHOTS, `${label}-${name}.png`), fullPage: true });
      page.off('response', count);
      const bytes = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
      weights.push(`${label} ${path}: ${bytes} B`);
      assert.ok(bytes > 0 && bytes < 100_000, `${label} ${path} transferred ${bytes} bytes`);
    }
    assert.deepEqual(problems, [], `${label}: the pages reported problems`);
    await page.close();
  }

  for (const w of WIDTHS) {
    test(`every page loads directly after the login page (${w.name})`, async () => {
      const context = await loggedIn(w.viewport);
      await visitAll(context, direct, `direct-${w.name}`);
      const issue = service.detector.list({}).find((i) => i.samples.some((x) => x.raw.includes('path does not exist')));
      assert.ok(issue);
      const page = await context.newPage();
      await page.goto(`${direct}/issues/${issue.id}`);
      await page.screenshot({ path: join(SHOTS, `direct-${w.name}-issue.png`), fullPage: true });
      await context.close();
    });

    test(`every page loads under the ingress prefix without a login (${w.name})`, async () => {
      const context = await browser.newContext({ viewport: w.viewport });
      await visitAll(context, proxy.url, `ingress-${w.name}`);
      await context.close();
    });
  }

  test("follows the user's light or dark preference", async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${proxy.url}/`);
      const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      assert.equal(bg, colorScheme === 'dark' ? 'rgb(17, 20, 24)' : 'rgb(246, 247, 249)');
      await page.screenshot({ path: join(SHOTS, `ingress-desktop-overview-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
  });

  test('the login page looks right', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${direct}/login`);
    await page.screenshot({ path: join(SHOTS, 'direct-phone-login.png'), fullPage: true });
    await page.fill('#token', 'wrong-token-here');
    await page.click('button[type=submit]');
    await page.locator('.flash.bad', { hasText: 'Wrong token' }).waitFor();
    await context.close();
  });

  for (const via of ['direct', 'ingress'] as const) {
    test(`the live tail follows lines appended to the log file (${via}), with pause, filter and highlight`, async () => {
      const context = via === 'direct' ? await loggedIn({ width: 1280, height: 900 }) : await browser.newContext();
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${via === 'direct' ? direct : proxy.url}/logs`);
      await page.locator('#tail[data-ready="true"]').waitFor();
      const tail = page.locator('#tail-lines li');
      const mark = `tail-${via}-${Date.now()}`;
      appendFileSync(logFile, nlog('Error', `Download client unavailable ${mark}-1`, 'DownloadClient'));
      appendFileSync(logFile, nlog('Info', `Refreshing series ${mark}-2`, 'RefreshSeriesService'));
      await tail.filter({ hasText: `${mark}-1` }).waitFor();
      await tail.filter({ hasText: `${mark}-2` }).waitFor();
      // Each line once.
      assert.equal(await tail.filter({ hasText: `${mark}-1` }).count(), 1);

      await page.fill('#tail-filter', 'Download client');
      await tail.filter({ hasText: `${mark}-2` }).waitFor({ state: 'hidden' });
      assert.ok(await tail.filter({ hasText: `${mark}-1` }).isVisible());
      await page.fill('#tail-filter', '');
      await page.fill('#tail-highlight', `${mark}-2`);
      await page.locator('#tail-lines li.mark', { hasText: `${mark}-2` }).waitFor();

      await page.click('#tail-pause');
      appendFileSync(logFile, nlog('Warn', `While paused ${mark}-3`, 'RssSyncService'));
      await page.locator('#tail-state', { hasText: 'paused, 1 waiting' }).waitFor();
      assert.equal(await tail.filter({ hasText: `${mark}-3` }).count(), 0);
      await page.click('#tail-pause');
      await tail.filter({ hasText: `${mark}-3` }).waitFor();
      if (via === 'direct')
        await page.screenshot({ path: join(SHOTS, 'direct-desktop-logs-tail.png'), fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('an XSS attempt in a log line stays text: in the tail, the issue list and the issue page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${proxy.url}/logs`);
    await page.locator('#tail[data-ready="true"]').waitFor();
    appendFileSync(logFile, nlog('Error', XSS));
    await page.locator('#tail-lines li', { hasText: '<script>window.__xss=1</script>' }).waitFor();
    assert.equal(await page.evaluate(`document.getElementById('tail-lines').innerText.includes('\\u001b')`), false);

    const issue = xssIssue();
    assert.ok(issue);
    await page.goto(`${proxy.url}/issues/${encodeURIComponent(issue.id)}`);
    await page.locator('pre.log', { hasText: '<img src=x onerror=' }).first().waitFor();
    for (const url of [`${proxy.url}/`, `${proxy.url}/issues?status=all`, page.url()]) {
      await page.goto(url);
      // A string, evaluated in the page: this file is type-checked without the DOM library.
      const dom = await page.evaluate(`({
        xss: window.__xss,
        scripts: document.scripts.length,
        injectedImg: document.querySelectorAll('img[src="x"]').length,
        jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
        escapes: document.body.innerText.includes('\\u001b'),
      })`);
      assert.deepEqual(dom, { xss: undefined, scripts: 1, injectedImg: 0, jsLinks: 0, escapes: false }, url);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a full-text search of the stored lines finds a line and links it to its issue', async () => {
    const context = await loggedIn({ width: 1280, height: 900 });
    const page = await context.newPage();
    const problems = watch(page);
    const word = `zebra${Date.now()}`;
    appendFileSync(
      logFile,
      nlog('Error', `Import failed, path does not exist or is not accessible by Sonarr: /downloads/${word}`),
    );
    // The store writes in batches: search again until the line is in.
    const end = Date.now() + 20_000;
    const rows = page.locator('#results tbody tr', { hasText: word });
    for (;;) {
      await page.goto(`${direct}/logs`);
      await page.fill('input[name=q]', word);
      await Promise.all([page.waitForURL(/\/logs\?q=/), page.click('form.filters button[type=submit]')]);
      if ((await rows.count()) === 1) break;
      assert.ok(Date.now() < end, `no search result for ${word}`);
      await page.waitForTimeout(200);
    }
    const link = rows.locator('a', { hasText: 'issue' });
    await Promise.all([page.waitForURL(/\/issues\/[^/?]+$/), link.click()]);
    await page.locator('h1', { hasText: 'Sonarr' }).waitFor();
    await page.goto(`${direct}/logs?q=${word}`);
    await page.screenshot({ path: join(SHOTS, 'direct-desktop-logs-search.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('acknowledge and resolve an issue through ingress; search the issues', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${proxy.url}/issues`);
    await page.fill('input[name=q]', 'path does not exist');
    await Promise.all([page.waitForURL(/q=path\+does\+not\+exist/), page.click('form.filters button[type=submit]')]);
    const rows = page.locator('table.issue-list tbody tr');
    assert.equal(await rows.count(), 1);
    await Promise.all([page.waitForURL(/\/issues\/[^/?]+$/), rows.locator('a').first().click()]);
    const id = decodeURIComponent(page.url().split('/').pop() as string);

    await page.click('button:has-text("Acknowledge")');
    await page.locator('main p .badge.st-acknowledged').waitFor();
    assert.equal(service.detector.get(id)?.status, 'acknowledged');
    await page.click('button:has-text("Resolve")');
    await page.locator('main p .badge.st-resolved').waitFor();
    assert.equal(service.detector.get(id)?.status, 'resolved');
    await page.screenshot({ path: join(SHOTS, 'ingress-phone-issue-resolved.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
