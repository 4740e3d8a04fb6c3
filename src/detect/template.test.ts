import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entitySpans, maskMessage, tokensOf } from './template.ts';

describe('maskMessage', () => {
  const cases: Array<[string, string, Array<[string, string]>]> = [
    [
      'Couldn\'t check for the existence of file "/data/Movies/Up (2009)/Up.mkv": boost::filesystem::status: Permission denied',
      "Couldn't check for the existence of file <path>: boost::filesystem::status: Permission denied",
      [['file', '/data/Movies/Up (2009)/Up.mkv']],
    ],
    [
      'We got an error scanning in /mnt/media/TV Shows/The Office (US) - S05E12 - Stress Relief',
      'We got an error scanning in <path>',
      [['file', '/mnt/media/TV Shows/The Office (US) - S05E12 - Stress Relief']],
    ],
    [
      'Permission denied: /foo/bar is not writable',
      'Permission denied: <path> is not writable',
      [['file', '/foo/bar']],
    ],
    [
      'HTTP error requesting GET https://user:pw@plex.tv/api/v2?X-Plex-Token=abc (28, Timeout was reached)',
      'HTTP error requesting GET <url> (<n>, Timeout was reached)',
      [['host', 'plex.tv']],
    ],
    [
      'Could not resolve host: metadata.provider.plex.tv',
      'Could not resolve host: <host>',
      [['host', 'metadata.provider.plex.tv']],
    ],
    [
      "Failed to validate token for user 'Grandma Jo' from 192.168.1.20",
      'Failed to validate token for user <user> from <ip>',
      [
        ['user', 'Grandma Jo'],
        ['host', '192.168.1.20'],
      ],
    ],
    ['Login failed, username: bob_smith', 'Login failed, username: <user>', [['user', 'bob_smith']]],
    [
      "Access to the path 'C:\\Media\\TV\\Show' is denied.",
      'Access to the path <path> is denied.',
      [['file', 'C:\\Media\\TV\\Show']],
    ],
    [
      '[Req#1bee] Transcoder exited 0x7f7c50f5cb38 after 1.5s',
      '[Req#<id>] Transcoder exited <hex> after <duration>',
      [],
    ],
    ['Item 0ce32044-ee9f-4423-b0ef-e276e93d33f7 missing', 'Item <id> missing', []],
  ];
  for (const [message, template, entities] of cases) {
    test(message.slice(0, 60), () => {
      const m = maskMessage(message);
      assert.equal(m.template, template);
      assert.deepEqual(m.entities, entities);
    });
  }

  test('a namespace is not a host name, a file name is a path', () => {
    assert.equal(maskMessage('at System.Net.Http.HttpClient.Send()').template, 'at System.Net.Http.HttpClient.Send()');
    assert.equal(maskMessage('Cannot open Show - S01E02.mkv now').template, 'Cannot open Show - <path> now');
  });

  test('tokens keeping a digit are values', () => {
    assert.deepEqual(tokensOf('codec h264 v3.0.1 <n>'), ['codec', '<*>', '<*>', '<n>']);
  });

  test('entity spans read another message of the same shape', () => {
    const a = 'Permission denied on /tv/S01E02.mkv';
    const spans = entitySpans(a, maskMessage(a).entities);
    const b = 'Permission denied on /tv/S01E03.mkv';
    assert.deepEqual(
      spans.map(([k, s, e]) => [k, b.slice(s, e)]),
      [['file', '/tv/S01E03.mkv']],
    );
  });
});
