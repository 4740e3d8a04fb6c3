import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceSchema } from '../config/sources.ts';
import { AUTH_KEY, AUTH_QUIET_MS, embyBase, SignInFailures } from './webhooks-emby.ts';

const emby = sourceSchema.parse({ name: 'emby', app: 'emby', url: 'http://127.0.0.1:8096' });
const attempt = (user: string) =>
  embyBase.parse({
    Event: 'user.authenticationfailed',
    User: { Name: user },
    Session: { RemoteEndPoint: '203.0.113.7', DeviceName: 'Firefox' },
    Password: 'hunter2',
  });

describe('SignInFailures', () => {
  it('keeps one auth problem per source naming the latest attempt, never the payload', () => {
    const f = new SignInFailures();
    f.add(emby, attempt('erin'), 0);
    const p = f.add(emby, attempt('mallory'), 1_000);
    assert.equal(p.key, AUTH_KEY);
    assert.equal(p.category, 'auth');
    assert.equal(p.severity, 'medium');
    assert.equal(p.title, 'Failed sign-ins on Emby (emby)');
    assert.match(
      p.message,
      /^2 failed sign-in attempts in the last hour; the latest by user "mallory" from 203\.0\.113\.7 on Firefox\.$/,
    );
    assert.doesNotMatch(JSON.stringify(p), /hunter2/);
  });

  it('turns high from ten attempts within the hour', () => {
    const f = new SignInFailures();
    for (let i = 0; i < 9; i++) f.add(emby, attempt('x'), i);
    assert.equal(f.add(emby, attempt('x'), 9).severity, 'high');
  });

  it('forgets attempts after the quiet hour and reports only changed sources', () => {
    const f = new SignInFailures();
    f.add(emby, attempt('a'), 0);
    f.add(emby, attempt('b'), 30 * 60_000);
    assert.deepEqual(f.expire(AUTH_QUIET_MS - 1), []);
    const fewer = f.expire(AUTH_QUIET_MS);
    assert.equal(fewer.length, 1);
    assert.match(fewer[0]?.problem?.message ?? '', /^1 failed sign-in attempt in/);
    const resolved = f.expire(AUTH_QUIET_MS + 30 * 60_000);
    assert.deepEqual(resolved, [{ source: emby, problem: undefined }]);
    assert.deepEqual(f.expire(10 * AUTH_QUIET_MS), []);
  });
});
