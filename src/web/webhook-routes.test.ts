import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FakeIssueService, fixture } from '../../test/api-fakes.ts';
import { clearSecrets } from '../core/redact.ts';
import { testContext } from '../core/testing.ts';
import { SessionTracker } from '../sessions/tracker.ts';
import { WebhookReceiver } from '../sources/webhooks.ts';
import { AUTH_QUIET_MS } from '../sources/webhooks-emby.ts';
import { webhookRoutes } from './webhook-routes.ts';

const SECRET = 'hook-secret-0123456789';

function setup(opts: { polled?: string[] } = {}) {
  const { ctx, clock, logs } = testContext({
    web: { maxBodyBytes: 2048 },
    sources: [
      { name: 'sonarr', app: 'sonarr' },
      { name: 'radarr', app: 'radarr', webhookSecret: SECRET },
      { name: 'prowlarr', app: 'prowlarr' },
      { name: 'jellyfin', app: 'jellyfin' },
      { name: 'emby', app: 'emby' },
      { name: 'emby-remote', app: 'emby', webhookSecret: SECRET },
      { name: 'plex', app: 'plex' },
      { name: 'tautulli', app: 'tautulli' },
    ],
  });
  const issues = new FakeIssueService();
  const tracker = new SessionTracker({ clock, logger: ctx.logger, issues });
  const poked: string[] = [];
  const receiver = new WebhookReceiver({
    clock,
    logger: ctx.logger,
    tracker,
    issues,
    poke: (s) => {
      if (!opts.polled?.includes(s)) return false;
      poked.push(s);
      return true;
    },
  });
  const app = webhookRoutes(ctx, { receiver });
  const post = (path: string, body: string | FormData, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body,
      headers: typeof body === 'string' ? { 'content-type': 'application/json', ...headers } : headers,
    });
  return { app, post, issues, tracker, poked, receiver, clock, logs };
}

function plexForm(json: string): FormData {
  const form = new FormData();
  form.set('payload', json);
  form.set('thumb', new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), 'thumb.jpg');
  return form;
}

describe('webhook routes', () => {
  afterEach(() => clearSecrets());

  it('*arr: Health opens, HealthRestored resolves, a stuck download opens and its import resolves it', async () => {
    const { post, issues, receiver } = setup();
    let res = await post('/api/webhooks/sonarr', fixture('sonarr-webhook-health.json'));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      ok: true,
      source: 'sonarr',
      event: 'Health',
      known: true,
      effect: 'opened a health problem',
    });
    await post('/api/webhooks/sonarr', fixture('sonarr-webhook-health.json'));
    assert.equal(issues.open().length, 1);
    assert.equal(issues.open()[0]?.key, 'health:IndexerLongTermStatusCheck');
    await post('/api/webhooks/sonarr', fixture('sonarr-webhook-health-restored.json'));
    assert.equal(issues.open().length, 0);
    for (const f of ['grab', 'manual-interaction'])
      assert.equal((await post('/api/webhooks/sonarr', fixture(`sonarr-webhook-${f}.json`))).status, 200);
    assert.deepEqual(
      issues.open().map((i) => i.key),
      ['queue:A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'],
    );
    res = await post('/api/webhooks/sonarr', fixture('sonarr-webhook-download.json'));
    assert.equal((await answer(res)).effect, 'resolved a queue problem');
    assert.equal(issues.open().length, 0);
    for (const f of ['application-update', 'test'])
      assert.equal((await post('/api/webhooks/sonarr', fixture(`sonarr-webhook-${f}.json`))).status, 200);
    res = await post('/api/webhooks/prowlarr', '{"eventType":"IndexerDeleted","instanceName":"Prowlarr"}');
    assert.deepEqual(await res.json(), {
      ok: true,
      source: 'prowlarr',
      event: 'IndexerDeleted',
      known: false,
      effect: 'recorded',
    });
    assert.deepEqual(
      receiver.recent(3).map((r) => r.event),
      ['IndexerDeleted', 'Test', 'ApplicationUpdate'],
    );
  });

  interface Answer {
    error: string;
    effect: string;
    known: boolean;
  }
  const answer = async (r: Response): Promise<Answer> => (await r.json()) as Answer;

  it('where a poller exists, a webhook polls the API instead of describing the state twice', async () => {
    const { post, issues, poked } = setup({ polled: ['sonarr'] });
    const res = await post('/api/webhooks/sonarr', fixture('sonarr-webhook-health.json'));
    assert.equal((await answer(res)).effect, 'polled the API');
    assert.deepEqual(poked, ['sonarr']);
    assert.equal(issues.issues.size, 0);
  });

  it('Jellyfin plugin: playback start and stop drive a session; other notifications are recorded', async () => {
    const { post, tracker } = setup();
    assert.equal((await post('/api/webhooks/jellyfin', fixture('jellyfin-webhook-playback-start.json'))).status, 200);
    const [s] = tracker.active();
    assert.equal(s?.title, 'Breaking Bad - S05E14 - Ozymandias');
    assert.equal(s?.user, 'carol');
    assert.equal(s?.transcode.decision, 'unknown');
    await post('/api/webhooks/jellyfin', fixture('jellyfin-webhook-playback-stop.json'));
    assert.equal(tracker.active().length, 0);
    assert.equal(tracker.history(1)[0]?.state, 'stopped');
    const res = await post('/api/webhooks/jellyfin', fixture('jellyfin-webhook-item-added.json'));
    assert.equal((await answer(res)).known, false);
    const bad = await post('/api/webhooks/jellyfin', '{"NotificationType":"PlaybackStart"}');
    assert.equal(bad.status, 400);
    assert.match((await answer(bad)).error, /needs DeviceId/);
  });

  it('Plex: multipart with a JSON payload part; play, pause, stop; library.new recorded', async () => {
    const { post, tracker } = setup();
    const play = fixture('plex-webhook-media-play.json');
    let res = await post('/api/webhooks/plex', plexForm(play));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(tracker.active()[0]?.key, 'plex/r6yfkdnfggbh2bdnvkffwbms/1936545');
    await post('/api/webhooks/plex', plexForm(play.replace('"media.play"', '"media.pause"')));
    assert.equal(tracker.active()[0]?.state, 'paused');
    await post('/api/webhooks/plex', plexForm(play.replace('"media.play"', '"media.stop"')));
    assert.equal(tracker.active().length, 0);
    res = await post('/api/webhooks/plex', plexForm(fixture('plex-webhook-library-new.json')));
    assert.deepEqual(await res.json(), {
      ok: true,
      source: 'plex',
      event: 'library.new',
      known: false,
      effect: 'recorded',
    });
    const form = new FormData();
    form.set('other', 'x');
    res = await post('/api/webhooks/plex', form);
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /no `payload` field/);
  });

  it('Emby: JSON or multipart `data`; start, pause, unpause, stop drive the same session the API would', async () => {
    const { post, tracker, receiver } = setup();
    const start = fixture('emby-webhook-playback-start.json');
    let res = await post('/api/webhooks/emby', start);
    assert.deepEqual(await res.json(), {
      ok: true,
      source: 'emby',
      event: 'playback.start',
      known: true,
      effect: 'updated the session',
    });
    const [s] = tracker.active();
    // The id of the same playback in test/fixtures/api/emby-sessions.json (DeviceId/NowPlayingItem.Id).
    assert.equal(s?.key, 'emby/emby-theater-bedroom/48211');
    assert.equal(s?.title, 'Heat (1995)');
    assert.equal(s?.user, 'erin');
    assert.equal(s?.location, 'lan');
    assert.equal(s?.positionMs, 1_800_000);
    const form = new FormData();
    form.set('data', start.replace('"playback.start"', '"playback.pause"'));
    res = await post('/api/webhooks/emby', form);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(tracker.active()[0]?.state, 'paused');
    await post('/api/webhooks/emby', start.replace('"playback.start"', '"playback.unpause"'));
    assert.equal(tracker.active()[0]?.state, 'playing');
    await post('/api/webhooks/emby', start.replace('"playback.start"', '"playback.stop"'));
    assert.equal(tracker.active().length, 0);
    assert.equal(tracker.history(1)[0]?.state, 'stopped');
    res = await post('/api/webhooks/emby', fixture('emby-webhook-library-new.json'));
    assert.equal((await answer(res)).known, false);
    res = await post('/api/webhooks/emby', '{"Event":"system.notificationtest","Title":"Test"}');
    assert.equal((await answer(res)).known, true);
    assert.deepEqual(
      receiver.recent(2).map((r) => r.event),
      ['system.notificationtest', 'library.new'],
    );
  });

  it('Emby: failed sign-ins are one auth problem that resolves after a quiet hour', async () => {
    const { post, issues, clock } = setup();
    const failed = fixture('emby-webhook-auth-failed.json');
    const res = await post('/api/webhooks/emby', failed);
    assert.equal((await answer(res)).effect, 'recorded a failed sign-in');
    clock.advance(20 * 60_000);
    await post('/api/webhooks/emby', failed);
    const [issue, ...more] = issues.open();
    assert.equal(more.length, 0);
    assert.equal(issue?.key, 'auth:sign-in');
    assert.equal(
      issue?.message,
      '2 failed sign-in attempts in the last hour; the latest by user "admin" from 203.0.113.77 on Firefox Windows.',
    );
    clock.advance(AUTH_QUIET_MS - 10 * 60_000);
    // The first attempt has aged out, the second has not: still open, with the count updated.
    await post('/api/webhooks/emby', '{"Event":"user.authenticated","User":{"Name":"erin"}}');
    assert.match(issues.open()[0]?.message ?? '', /^1 failed sign-in attempt in/);
    clock.advance(20 * 60_000);
    await post('/api/webhooks/emby', '{"Event":"user.authenticated","User":{"Name":"erin"}}');
    assert.equal(issues.open().length, 0);
    assert.equal(issues.issues.get('emby|auth:sign-in')?.status, 'resolved');
  });

  it('Emby: malformed bodies get 400, oversized ones 413, and a secret is required where set', async () => {
    const { post } = setup();
    let res = await post('/api/webhooks/emby', '{"Title":"no event"}');
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /^invalid payload: Event/);
    res = await post('/api/webhooks/emby', '{"Event":"playback.start","Item":{"Id":"1"}}');
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /needs Session.DeviceId/);
    res = await post('/api/webhooks/emby', '{"Event":"playback.start","User":"erin"}');
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /^invalid payload: User/);
    const form = new FormData();
    form.set('payload', '{}');
    res = await post('/api/webhooks/emby', form);
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /no `data` field/);
    res = await post('/api/webhooks/emby', JSON.stringify({ Event: 'library.new', pad: 'x'.repeat(4000) }));
    assert.equal(res.status, 413);
    const start = fixture('emby-webhook-playback-start.json');
    res = await post('/api/webhooks/emby?source=emby-remote', start);
    assert.equal(res.status, 401);
    res = await post('/api/webhooks/emby?source=emby-remote', start, { 'X-Arrgus-Token': SECRET });
    assert.equal(res.status, 200);
  });

  it('Tautulli: a playback error fails the session and links the Plex log issue; intdown/intup open and resolve', async () => {
    const { post, issues, tracker, clock } = setup();
    issues.addLogIssue('plex', 'transcoder-crash', clock.now() - 60_000, clock.now());
    let res = await post('/api/webhooks/tautulli', fixture('tautulli-webhook-error.json'));
    assert.match((await answer(res)).effect, /failed the playback; linked 1 issue$/);
    const [failed] = tracker.history(1);
    assert.equal(failed?.key, 'plex/b7f3a1c9e2d04f55/5521');
    assert.equal(failed?.failed, true);
    assert.deepEqual(issues.issues.get('transcoder-crash')?.users, ['alice']);
    res = await post('/api/webhooks/tautulli', fixture('tautulli-webhook-intdown.json'));
    assert.equal(issues.issues.get('plex|webhook:tautulli-server')?.status, 'open');
    await post('/api/webhooks/tautulli', fixture('tautulli-webhook-intdown.json').replace('intdown', 'intup'));
    assert.equal(issues.issues.get('plex|webhook:tautulli-server')?.status, 'resolved');
  });

  it('malformed bodies get 400 with the reason; oversized ones 413; unknown apps and sources 404', async () => {
    const { post } = setup();
    let res = await post('/api/webhooks/sonarr', '{"eventType":');
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /not JSON/);
    res = await post('/api/webhooks/sonarr', '{"instanceName":"Sonarr"}');
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /eventType/);
    res = await post('/api/webhooks/sonarr', '{"eventType":"Health","level":"warning"}');
    assert.equal(res.status, 400);
    assert.match((await answer(res)).error, /^invalid payload: message/);
    res = await post('/api/webhooks/sonarr', '');
    assert.equal(res.status, 400);
    res = await post('/api/webhooks/sonarr', JSON.stringify({ eventType: 'Test', pad: 'x'.repeat(4000) }));
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { error: 'request body is larger than the limit of 2048 bytes', status: 413 });
    res = await post('/api/webhooks/overseerr', '{}');
    assert.equal(res.status, 404);
    res = await post('/api/webhooks/lidarr', '{"eventType":"Test"}');
    assert.equal(res.status, 404);
    assert.match((await answer(res)).error, /no lidarr source is configured/);
    res = await post('/api/webhooks/sonarr?source=sonarr-4k', '{"eventType":"Test"}');
    assert.equal(res.status, 404);
  });

  it('a flood of webhooks with a wrong token is refused, with one log line rather than one per request', async () => {
    const { post, logs } = setup();
    const body = fixture('sonarr-webhook-test.json');
    for (let i = 0; i < 300; i++) {
      const res = await post(`/api/webhooks/radarr?token=wrong-${i}`, body);
      assert.equal(res.status, 401);
    }
    assert.equal(logs.filter((l) => /Refused .*radarr webhook/.test(l)).length, 1);
  });

  it('a per-source secret is required by query or header, and never echoed or logged', async () => {
    const { post, logs, app } = setup();
    const body = fixture('sonarr-webhook-test.json');
    let res = await post('/api/webhooks/radarr', body);
    assert.equal(res.status, 401);
    res = await post('/api/webhooks/radarr?token=wrong-token-value', body);
    assert.equal(res.status, 401);
    res = await post(`/api/webhooks/radarr?token=${SECRET}`, body);
    assert.equal(res.status, 200);
    const text = await res.text();
    res = await post('/api/webhooks/radarr', body, { 'X-Arrgus-Token': SECRET });
    assert.equal(res.status, 200);
    const journal = await (await app.request('/api/webhooks')).text();
    for (const out of [text, journal, ...logs]) assert.ok(!out.includes(SECRET), out);
  });

  it('where a secret guards the app, an unknown source answers exactly like a wrong token', async () => {
    const { post } = setup();
    const body = fixture('sonarr-webhook-test.json');
    const known = await post('/api/webhooks/radarr?source=radarr', body);
    const unknown = await post('/api/webhooks/radarr?source=radarr-4k', body);
    assert.deepEqual([known.status, unknown.status], [401, 401]);
    assert.equal(await unknown.text(), await known.text());
    // The same for Emby, where one of two sources is open: the secret's holder learns what is missing.
    assert.equal((await post('/api/webhooks/emby?source=nope', '{}')).status, 401);
    const told = await post(`/api/webhooks/radarr?source=radarr-4k&token=${SECRET}`, body);
    assert.equal(told.status, 404);
    assert.match((await answer(told)).error, /no enabled radarr source is named "radarr-4k"/);
  });

  it('the web token guards webhooks of sources without a secret; a bearer header works in any case', async () => {
    const { ctx } = testContext({
      web: { token: 'api-token-0123456789' },
      sources: [{ name: 'sonarr', app: 'sonarr' }],
    });
    const { receiver } = setup();
    const app = webhookRoutes(ctx, { receiver });
    const body = fixture('sonarr-webhook-test.json');
    const post = (path: string, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    assert.equal((await post('/api/webhooks/sonarr')).status, 401);
    assert.equal((await post('/api/webhooks/sonarr?source=other')).status, 401, 'not 404: no names for outsiders');
    assert.equal((await post('/api/webhooks/lidarr')).status, 401);
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await post('/api/webhooks/sonarr', { authorization: `${scheme} api-token-0123456789` });
      assert.equal(res.status, 200, scheme);
    }
    assert.equal((await post('/api/webhooks/lidarr', { authorization: 'bearer api-token-0123456789' })).status, 404);
  });
});
