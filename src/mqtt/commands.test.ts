import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand, runCommand } from './commands.ts';
import { FakeIssues, FakeMutes, makeIssue } from './fakes.ts';

const slugs = new Map([
  ['plex', 'plex'],
  ['sonarr_4k', 'Sonarr 4K'],
]);
const parse = (topic: string, payload: string) => parseCommand('arrgus', topic, payload, slugs);

test('mute accepts the usual spellings and maps slugs back to source names', () => {
  for (const [payload, muted] of [
    ['ON', true],
    ['off', false],
    ['true', true],
    ['0', false],
    ['{"state":"ON"}', true],
    ['{"muted":false}', false],
  ] as const) {
    assert.deepEqual(parse('arrgus/sonarr_4k/mute/set', payload), {
      ok: true,
      command: { kind: 'mute', source: 'Sonarr 4K', muted },
    });
  }
  assert.deepEqual(parse('arrgus/bridge/mute/set', 'ON'), {
    ok: true,
    command: { kind: 'mute', source: null, muted: true },
  });
});

test('invalid commands are refused with a reason', () => {
  assert.match((parse('arrgus/plex/mute/set', 'maybe') as { error: string }).error, /expects ON or OFF/);
  assert.match((parse('arrgus/plex/mute/set', '{"muted":"yes"}') as { error: string }).error, /expects ON or OFF/);
  assert.match((parse('arrgus/nope/mute/set', 'ON') as { error: string }).error, /unknown source/);
  assert.match((parse('arrgus/plex/reboot/set', 'PRESS') as { error: string }).error, /unknown command/);
  assert.match((parse('arrgus/plex/test_notification/set', 'PRESS') as { error: string }).error, /only on the bridge/);
  assert.match(
    (parse('arrgus/bridge/acknowledge/set', '{"issue":3}') as { error: string }).error,
    /acknowledge expects/,
  );
  assert.equal(parse('other/plex/mute/set', 'ON').ok, false);
});

test('acknowledge: all, per source, or one issue by id', async () => {
  const issues = new FakeIssues();
  issues.add(makeIssue({ id: 'a' }), makeIssue({ id: 'b', sources: ['Sonarr 4K'] }), makeIssue({ id: 'c' }));
  const deps = { issues, mutes: new FakeMutes(), now: () => 5 };
  const one = parse('arrgus/bridge/acknowledge/set', '{"issue":"c"}');
  assert.ok(one.ok);
  assert.equal((await runCommand(one.command, deps)).message, 'Issue c acknowledged.');
  const src = parse('arrgus/sonarr_4k/acknowledge/set', 'PRESS');
  assert.ok(src.ok);
  assert.equal((await runCommand(src.command, deps)).message, '1 open issue acknowledged in Sonarr 4K.');
  const all = parse('arrgus/bridge/acknowledge/set', 'PRESS');
  assert.ok(all.ok);
  assert.equal((await runCommand(all.command, deps)).message, '1 open issue acknowledged.');
  assert.ok([...issues.issues.values()].every((i) => i.status === 'acknowledged'));
  const missing = await runCommand({ kind: 'acknowledge', source: null, issueId: 'zz' }, deps);
  assert.equal(missing.ok, false);
});

test('test notification runs the injected callback, and says so when there is none', async () => {
  let sent = 0;
  const deps = { issues: new FakeIssues(), mutes: new FakeMutes(), now: () => 0 };
  const cmd = { kind: 'test-notification' } as const;
  assert.equal((await runCommand(cmd, deps)).ok, false);
  const r = await runCommand(cmd, { ...deps, sendTestNotification: async () => void sent++ });
  assert.equal(r.ok, true);
  assert.equal(sent, 1);
});

test('resolve: all, per source, or one issue by id; bad payloads are refused', async () => {
  const issues = new FakeIssues();
  issues.add(
    makeIssue({ id: 'a' }),
    makeIssue({ id: 'b', sources: ['Sonarr 4K'] }),
    makeIssue({ id: 'c' }),
    makeIssue({ id: 'd', status: 'acknowledged' }),
  );
  const deps = { issues, mutes: new FakeMutes(), now: () => 5 };
  const one = parse('arrgus/bridge/resolve/set', '{"issue":"c"}');
  assert.ok(one.ok);
  assert.equal((await runCommand(one.command, deps)).message, 'Issue c resolved.');
  assert.equal(issues.get('c')?.status, 'resolved');
  const src = parse('arrgus/sonarr_4k/resolve/set', 'PRESS');
  assert.ok(src.ok);
  assert.equal((await runCommand(src.command, deps)).message, '1 issue resolved in Sonarr 4K.');
  const all = parse('arrgus/bridge/resolve/set', 'PRESS');
  assert.ok(all.ok);
  assert.equal((await runCommand(all.command, deps)).message, '2 issues resolved.');
  assert.ok([...issues.issues.values()].every((i) => i.status === 'resolved'));
  assert.equal((await runCommand({ kind: 'resolve', source: null, issueId: 'zz' }, deps)).ok, false);
  assert.match((parse('arrgus/plex/resolve/set', 'NOW') as { error: string }).error, /resolve expects PRESS/);
  assert.match((parse('arrgus/bridge/resolve/set', '{"issue":""}') as { error: string }).error, /resolve expects/);
});
