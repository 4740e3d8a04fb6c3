import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, validateConfig } from './load.ts';

function problems(notify: unknown[]): string[] {
  try {
    validateConfig({ notify });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('object and URL forms validate to the same typed target with routing defaults', () => {
  const cfg = validateConfig({
    notify: [
      { name: 'phone', url: 'ntfys://ntfy.example.com/arr', minSeverity: 'high' },
      { name: 'phone2', type: 'ntfy', url: 'https://ntfy.example.com', topic: 'arr' },
    ],
  });
  const [a, b] = cfg.notify;
  assert.equal(a?.type, 'ntfy');
  assert.equal(a?.minSeverity, 'high');
  assert.deepEqual(a?.events, ['alert', 'silent', 'incident', 'resolved']);
  assert.equal(a?.timeout, 10_000);
  assert.deepEqual({ ...a, name: '', minSeverity: 'low' }, { ...b, name: '' });
});

test('every bad URL form gets a message naming the target and what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['ntfys://ntfy.example.com', /target "t": the ntfy URL has no topic/],
    ['gotifys://push.example.com', /target "t": the Gotify URL has no application token/],
    ['mailtos://example.com', /target "t": the mailto URL has no sender/],
    ['discord://123', /target "t": the Discord URL must be/],
    ['slack://xoxb-1/c', /target "t": Slack bot tokens/],
    ['json://h/x?method=GET', /target "t": method "GET"/],
    ['irc://x', /target "t": the scheme irc:\/\/ is not supported/],
  ];
  for (const [url, why] of cases) {
    const p = problems([{ name: 't', url }]);
    assert.equal(p.length, 1, `${url}: ${p.join('; ')}`);
    assert.match(p[0] ?? '', /^notify\[0\]\.url: /);
    assert.match(p[0] ?? '', why);
  }
  assert.match(problems([{ name: 't', url: 42 }])[0] ?? '', /expected a URL string for target "t"/);
});

test('a URL that parses but yields bad fields still names the field', () => {
  const p = problems([{ name: 'm', url: 'mailtos://u:p@example.com/not-an-address' }]);
  assert.match(p.join('\n'), /notify\[0\]\.to\[0\]/);
});

test('names are unique, unknown keys and bad routing values are refused', () => {
  assert.match(
    problems([
      { name: 'a', url: 'ntfy://x' },
      { name: 'A', url: 'ntfy://y' },
    ])[0] ?? '',
    /notify\[1\]\.name: .*no other target has/,
  );
  assert.match(problems([{ name: 'a', url: 'ntfy://x', colour: 'red' }])[0] ?? '', /notify\[0\]\.colour: unknown key/);
  assert.match(problems([{ name: 'a', url: 'ntfy://x', minSeverity: 'urgent' }])[0] ?? '', /minSeverity/);
  assert.match(
    problems([{ name: 'a', url: 'ntfy://x', quietHours: { start: '25:00', end: '07:00' } }])[0] ?? '',
    /quietHours\.start/,
  );
  assert.match(problems([{ name: 'a', type: 'pager', url: 'x' }])[0] ?? '', /notify\[0\]\.type/);
});
