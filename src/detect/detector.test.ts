import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { ConfigInput } from '../config/schema.ts';
import type { AlertEvent, IncidentEvent, IssueEvent } from '../core/events.ts';
import { testContext } from '../core/testing.ts';
import type { Level, LogRecord } from '../core/types.ts';
import { Detector } from './detector.ts';
import { impactScore } from './impact.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

function rec(time: number, level: Level, message: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { time, timeExact: true, level, app: 'radarr', source: 'radarr', message, raw: message, lines: 1, ...extra };
}
const FREE =
  'Not enough free space (1048576) to import: /mnt/remotes/Plex/Movies/Tag (2018)/Tag (2018) Bluray-1080p.mkv (8214147983)';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(config: ConfigInput = {}, dataDir?: string) {
  const { ctx, clock, logs } = testContext(config);
  const detector = new Detector(ctx, dataDir ? { dataDir, tickIntervalMs: 3_600_000 } : { tickIntervalMs: 3_600_000 });
  const issues: IssueEvent[] = [];
  const alerts: AlertEvent[] = [];
  const incidents: IncidentEvent[] = [];
  ctx.bus.on('issue', 't', (e) => void issues.push(e));
  ctx.bus.on('alert', 't', (e) => void alerts.push(e));
  ctx.bus.on('incident', 't', (e) => void incidents.push(e));
  const feed = (r: LogRecord) => {
    clock.advanceTo(r.time);
    return detector.process(r);
  };
  return { ctx, clock, logs, detector, issues, alerts, incidents, feed };
}

describe('detector', () => {
  test('a repeated error is one issue; DEBUG and INFO lines are not; unmatched ERROR is uncategorized', () => {
    const { detector, feed, clock } = setup();
    const t = clock.now();
    for (let i = 0; i < 500; i++) feed(rec(t + i, 'warn', FREE, { logger: 'FreeSpaceSpecification' }));
    assert.equal(feed(rec(t + 600, 'debug', 'Parsing error in release title, error everywhere')), undefined);
    assert.equal(feed(rec(t + 601, 'info', 'RSS Sync Completed. Reports found: 824, Reports grabbed: 0')), undefined);
    assert.equal(feed(rec(t + 602, 'warn', 'Some warning no rule knows')), undefined);
    const fp = feed(rec(t + 603, 'error', 'Something nobody wrote a rule for 42'));
    assert.ok(fp);
    const list = detector.list();
    assert.equal(list.length, 2);
    assert.equal(list.find((i) => i.category === 'disk')?.count, 500);
    assert.equal(detector.get(fp)?.category, 'uncategorized');
    const disk = list.find((i) => i.category === 'disk');
    assert.equal(disk?.samples.length, 10, 'bounded by detect.samples');
    assert.equal(disk?.samples[0]?.time, t, 'the first occurrence is kept');
  });

  test('a DEBUG line never alerts, even when a DEBUG rule makes it an issue', () => {
    const { feed, alerts, clock, ctx } = setup();
    const plex = { app: 'plex', source: 'plex', logger: 'Jobs' };
    for (let i = 0; i < 50; i++) {
      feed(
        rec(
          clock.now() + S,
          'debug',
          `Jobs: '/usr/lib/plexmediaserver/Plex Transcoder' exit code for process ${1000 + i} is 1 (failure)`,
          plex,
        ),
      );
    }
    assert.equal(alerts.length, 0);
    assert.equal(ctx.bus.listenerCount('alert'), 1);
  });

  test('monitorErrors / monitorWarnings / unmatchedWarnings switch levels', () => {
    const off = setup({ detect: { monitorErrors: false, monitorWarnings: false } });
    assert.equal(off.feed(rec(off.clock.now(), 'error', 'boom')), undefined);
    assert.equal(off.feed(rec(off.clock.now(), 'warn', FREE)), undefined);
    const warn = setup({ detect: { unmatchedWarnings: true } });
    assert.ok(warn.feed(rec(warn.clock.now(), 'warn', 'Requests to the metadata server keep timing out')));
    assert.equal(warn.feed(rec(warn.clock.now(), 'warn', 'Some warning nothing explains')), undefined);
    const all = setup({ detect: { uncategorizedWarnings: true } });
    assert.ok(all.feed(rec(all.clock.now(), 'warn', 'Some warning nothing explains')));
    const none = setup({ detect: { unmatchedWarnings: false } });
    assert.equal(
      none.feed(rec(none.clock.now(), 'warn', 'Requests to the metadata server keep timing out')),
      undefined,
    );
  });

  test('lifecycle: acknowledged, auto-resolved after quiet time, reopened as regressed', () => {
    const { detector, feed, clock, issues } = setup({ detect: { autoResolve: '1h' } });
    const fp = feed(rec(clock.now(), 'error', 'boom 1')) as string;
    detector.acknowledge(fp, clock.now());
    assert.equal(detector.get(fp)?.status, 'acknowledged');
    clock.advance(2 * H);
    detector.tick();
    assert.equal(detector.get(fp)?.status, 'resolved');
    feed(rec(clock.now(), 'error', 'boom 2'));
    const issue = detector.get(fp);
    assert.equal(issue?.status, 'open');
    assert.equal(issue?.regressed, true);
    assert.deepEqual(
      issues.map((e) => [e.kind, e.by]),
      [
        ['opened', 'detect'],
        ['acknowledged', 'user'],
        ['resolved', 'auto'],
        ['regressed', 'detect'],
      ],
    );
  });

  test('impact decays on tick (recency) and follows users', () => {
    const { detector, feed, clock } = setup();
    const fp = feed(rec(clock.now(), 'error', 'boom', { correlation: { user: 'ann' } })) as string;
    detector.tick();
    const fresh = detector.get(fp)?.impact ?? 0;
    clock.advance(30 * H);
    detector.tick();
    assert.ok((detector.get(fp)?.impact ?? 0) < fresh);
    const issue = detector.get(fp);
    assert.ok(issue);
    assert.equal(impactScore({ ...issue, users: ['a', 'b', 'c'] }, clock.now()) > issue.impact, true);
  });

  test('issues of different sources starting within the window form one incident, ordered by start', () => {
    const { detector, feed, clock, incidents } = setup();
    const t = clock.now();
    const a = feed(rec(t, 'error', 'Jobs failed', { app: 'plex', source: 'plex' }));
    feed(rec(t + 30 * S, 'error', 'Another plex thing', { app: 'plex', source: 'plex' }));
    assert.equal(incidents.length, 0, 'one source is not an incident');
    const b = feed(rec(t + 90 * S, 'error', 'disk I/O error', { app: 'radarr', source: 'radarr' }));
    feed(rec(t + 10 * M, 'error', 'much later', { app: 'sonarr', source: 'sonarr' }));
    const list = detector.incidents();
    assert.equal(list.length, 1);
    assert.equal(list[0]?.issueIds[0], a);
    assert.equal(list[0]?.issueIds[2], b);
    assert.deepEqual(list[0]?.sources, ['plex', 'radarr']);
    assert.equal(incidents[0]?.kind, 'opened');
  });

  test('alerts follow the threshold and carry the fingerprint and level', () => {
    const { feed, clock, alerts } = setup();
    let fp: string | undefined;
    for (let i = 0; i < 5; i++) fp = feed(rec(clock.now() + 10 * S, 'warn', FREE));
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.alert.fingerprint, fp);
    assert.equal(alerts[0]?.alert.level, 'warn');
    assert.equal(alerts[0]?.issue?.id, fp);
  });

  test('global mute holds alerts; ingestion and issues continue', () => {
    const { detector, feed, clock, alerts } = setup();
    detector.mutes.setMuted(null, true, clock.now());
    for (let i = 0; i < 5; i++) feed(rec(clock.now() + S, 'error', 'boom'));
    assert.equal(alerts.length, 0);
    assert.equal(detector.list()[0]?.count, 5);
    detector.mutes.setMuted(null, false, clock.now());
    assert.equal(alerts.length, 1, 'still firing at unmute: announced');
  });

  test('syncExternal opens, keeps and resolves API problems; linkSession marks affected users', () => {
    const { detector, clock, alerts, issues } = setup();
    const p = {
      key: 'health:IndexerRssCheck',
      source: 'sonarr',
      app: 'sonarr',
      title: 'Indexers unavailable',
      message: 'All indexers are unavailable',
      category: 'indexer',
      severity: 'medium' as const,
    };
    detector.syncExternal('sonarr', 'health', [p], clock.now());
    const before = issues.length;
    detector.syncExternal('sonarr', 'health', [p], clock.now() + M);
    assert.equal(issues.length, before, 'the same list changes nothing');
    assert.equal(alerts.length, 1);
    const [issue] = detector.list({ source: 'sonarr' });
    assert.equal(issue?.status, 'open');
    const linked = detector.linkSession('sonarr', clock.now(), 5 * M, { user: 'ann', session: 's1' });
    assert.deepEqual(linked[0]?.users, ['ann']);
    detector.syncExternal('sonarr', 'health', [], clock.now() + 2 * M);
    assert.equal(detector.get(issue?.id ?? '')?.status, 'resolved');
    assert.equal(alerts[1]?.kind, 'resolved');
  });

  test('silent source alert (off by default) fires after the configured silence and clears on the next line', () => {
    const { detector, feed, clock, alerts } = setup({ alerts: { silentAfter: '30m' } });
    feed(rec(clock.now(), 'info', 'hello'));
    clock.advance(31 * M);
    detector.tick();
    assert.equal(alerts[0]?.alert.kind, 'silent');
    feed(rec(clock.now(), 'info', 'back'));
    assert.equal(alerts[1]?.kind, 'resolved');
    const quiet = setup();
    quiet.feed(rec(quiet.clock.now(), 'info', 'hello'));
    quiet.clock.advance(10 * H);
    quiet.detector.tick();
    assert.equal(quiet.alerts.length, 0);
  });

  test('restart: state survives and alerts already sent are not sent again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arrgus-detect-'));
    dirs.push(dir);
    const one = setup({}, dir);
    await one.detector.start();
    const t = one.clock.now();
    for (let i = 0; i < 6; i++) one.feed(rec(t + i * S, 'error', 'boom'));
    one.detector.mutes.setMuted('sonarr', true, t);
    await one.detector.stop();
    assert.equal(one.alerts.length, 1);

    const two = setup({}, dir);
    two.clock.set(t + 10 * S);
    await two.detector.start();
    assert.equal(two.detector.list()[0]?.count, 6);
    assert.equal(two.detector.activeAlerts().length, 1);
    assert.ok(two.detector.mutes.isMuted('sonarr'));
    for (let i = 0; i < 10; i++) two.feed(rec(t + 20 * S + i * S, 'error', 'boom'));
    assert.equal(two.alerts.length, 0, 'still inside the cooldown of the alert sent before the restart');
    two.clock.advance(10 * M);
    two.detector.tick();
    assert.deepEqual(
      two.alerts.map((e) => e.kind),
      ['resolved'],
    );
    assert.equal(two.alerts[0]?.alert.id, one.alerts[0]?.alert.id, 'the resolution pairs with the alert sent before');
    await two.detector.stop();
  });

  test('a corrupt state file is moved aside with a clear log line and detection starts fresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arrgus-detect-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'state.json'), '{"schema":1,"sections":{"detect":');
    const { detector, logs, feed, clock } = setup({}, dir);
    await detector.start();
    assert.ok(logs.some((l) => /could not be read; it was moved to .*state\.json\.corrupt-/.test(l)));
    assert.ok(readdirSync(dir).some((f) => f.startsWith('state.json.corrupt-')));
    assert.ok(feed(rec(clock.now(), 'error', 'boom')));
    await detector.stop();
    assert.ok(readdirSync(dir).includes('state.json'));
  });
});

test('a flood of new issues: the tracker holds its cap between ticks and active alerts stay tied to tracked open issues', () => {
  const { detector, feed, clock, alerts, logs } = setup({
    alerts: { threshold: 1 },
    detect: { retention: { maxIssues: 10 } },
  });
  // Every token new (letters g-z: hex-looking tokens are masked), so no two messages share a template.
  const tok = (n: number) =>
    [n % 20, Math.floor(n / 20) % 20, Math.floor(n / 400)].map((d) => 'ghijklmnopqrstuvwxyz'[d]).join('');
  for (let i = 0; i < 300; i++) {
    feed(rec(clock.now() + S, 'error', `${tok(i)}on ${tok(i)}ed ${tok(i)}ing`));
    const tracked = detector.list();
    assert.ok(tracked.length <= 10, `${tracked.length} issues tracked after ${i + 1} new ones`);
    const active = detector.activeAlerts();
    for (const a of active)
      assert.equal(detector.get(a.fingerprint ?? '')?.status, 'open', `alert of a pruned issue: ${a.title}`);
  }
  const fired = alerts.filter((a) => a.kind === 'fired').length;
  const resolved = alerts.filter((a) => a.kind === 'resolved').length;
  assert.equal(fired, 300, 'every new issue alerted (threshold 1)');
  // Each pruned issue's alert ended with a resolution paired to its opener: no alert episode is left open behind it.
  assert.equal(fired - resolved, detector.activeAlerts().length);
  assert.ok(detector.activeAlerts().length <= 10 && detector.activeAlerts().length > 0);
  // Those resolutions say why: the issue was dropped, so they are history, not notifications.
  assert.ok(alerts.filter((a) => a.kind === 'resolved').every((a) => a.alert.pruned === true));
  assert.ok(alerts.filter((a) => a.kind === 'fired').every((a) => a.alert.pruned === undefined));
  // One summary line for the whole flood, not a line per issue dropped.
  const lines = logs.filter((l) => l.includes('maxIssues'));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /An unresolved issue was dropped to keep within detect\.retention\.maxIssues \(10\)/);
});

describe('history and entities', () => {
  test('records older than alerts.maxAge build the issue but raise no alert; fresh ones do', () => {
    const { feed, clock, alerts, detector } = setup({ alerts: { threshold: 1, maxAge: '1h' } });
    clock.advance(30 * 24 * H);
    const old = clock.now() - 3 * 24 * H;
    const fp = feed(rec(old, 'error', 'database is locked')) as string;
    assert.equal(detector.get(fp)?.count, 1, 'the old record counts');
    assert.equal(alerts.length, 0, 'but raises nothing');
    feed(rec(clock.now(), 'error', 'database is locked'));
    assert.equal(alerts.filter((a) => a.kind === 'fired').length, 1);
  });

  test('one problem on many files is one issue whose files are its affected entities', () => {
    const { feed, clock, detector } = setup();
    const files = ['/tv/A Show/S01E01.mkv', '/tv/A Show/S01E02.mkv', '/movies/Up (2009)/Up.mkv'];
    const fps = new Set(
      files.map((f) =>
        feed(rec(clock.now(), 'error', `Couldn't check for the existence of file "${f}": Permission denied`)),
      ),
    );
    assert.equal(fps.size, 1);
    const issue = detector.get([...fps][0] as string);
    assert.equal(issue?.category, 'disk');
    assert.deepEqual(issue?.entities?.file?.map((e) => e.value).sort(), [...files].sort());
    assert.equal(issue?.evidence?.layer, 'rule');
    assert.ok(!/\/tv\/|S01E0/.test(issue?.title ?? ''), `no one file in the title: ${issue?.title}`);
  });

  test('two issues never share a title', () => {
    const { feed, clock, detector } = setup();
    feed(rec(clock.now(), 'error', 'Unexpected failure', { logger: 'A' }));
    feed(rec(clock.now(), 'error', 'Unexpected failure', { logger: 'B' }));
    const titles = detector.list().map((i) => i.title);
    assert.equal(titles.length, 2);
    assert.equal(new Set(titles).size, 2, titles.join(' | '));
  });
});
