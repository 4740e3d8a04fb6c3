import assert from 'node:assert/strict';
import { test } from 'node:test';
import { origin, readParts, take, UrlProblem, yes } from './apprise-parts.ts';

const parts = (url: string) => readParts(new URL(url).protocol.slice(0, -1), new URL(url));

test('parts are decoded; query keys are lower-cased except +header, :key and -key, whose + survives', () => {
  const p = parts('json://u%40x:p%2Fw@Host.example:8080/a%20b/c?Method=PUT&+X-Api-Key=k+1&:Foo=1');
  assert.equal(p.user, 'u@x');
  assert.equal(p.password, 'p/w');
  assert.equal(p.host, 'Host.example'); // non-special schemes keep the host's case (WHATWG URL)
  assert.equal(p.port, '8080');
  assert.deepEqual(p.segments, ['a b', 'c']);
  assert.deepEqual(
    [...p.query],
    [
      ['method', 'PUT'],
      ['+X-Api-Key', 'k+1'],
      [':Foo', '1'],
    ],
  );
});

test('a broken %-escape is a UrlProblem that does not repeat the URL', () => {
  assert.throws(
    () => parts('ntfy://user:se%ZZcret@host/topic'),
    (e: unknown) => e instanceof UrlProblem && !e.message.includes('se%ZZcret'),
  );
});

test("take names an unknown parameter and lets Apprise's global ones through", () => {
  assert.equal(take(parts('gotify://h/T?priority=1&tz=UTC&overflow=split'), ['priority']).get('priority'), '1');
  assert.throws(() => take(parts('gotify://h/T?prio=1'), ['priority']), /"prio" is not understood/);
});

test('origin brackets IPv6 hosts and keeps the port; yes reads the yes/no spellings', () => {
  assert.equal(origin(true, parts('ntfys://[fd00::1]:8443/t')), 'https://[fd00::1]:8443');
  assert.equal(origin(false, parts('ntfy://example.com/t')), 'http://example.com');
  assert.deepEqual(['yes', 'On', '1', 'no', 'FALSE', '0'].map(yes), [true, true, true, false, false, false]);
  assert.throws(() => yes('maybe'), UrlProblem);
});
