import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAppriseUrl } from './apprise-url.ts';

const ok = (url: string) => {
  const r = parseAppriseUrl(url);
  assert.ok(r.ok, `${url}: ${r.ok ? '' : r.problem}`);
  return r.target;
};

test('ntfy forms: cloud topic, host/topic, basic auth, tk_ token, priority and tags', () => {
  assert.deepEqual(ok('ntfy://alerts'), { type: 'ntfy', url: 'https://ntfy.sh', topic: 'alerts' });
  assert.deepEqual(ok('ntfys://u:p%40ss@ntfy.example.com:8443/arr?priority=high&tags=tv,warning&click=https://x.y'), {
    type: 'ntfy',
    url: 'https://ntfy.example.com:8443',
    topic: 'arr',
    username: 'u',
    password: 'p@ss',
    priority: 4,
    tags: ['tv', 'warning'],
    click: 'https://x.y',
  });
  assert.equal(ok('ntfy://tk_abc@host/t').token, 'tk_abc');
  assert.equal(ok('ntfy://:tk_abc@host/t').token, 'tk_abc');
  assert.equal(ok('ntfy://host/t?token=tk_x&format=text').markdown, false);
});

test('gotify, mailto, discord, slack and json forms', () => {
  assert.deepEqual(ok('gotifys://push.example.com/sub/path/AbC.123?priority=emergency'), {
    type: 'gotify',
    url: 'https://push.example.com/sub/path',
    token: 'AbC.123',
    priority: 10,
  });
  const mail = ok('mailtos://me:secret@gmail.com?to=a@b.com,c@d.com&name=Arrgus');
  assert.equal(mail.host, 'smtp.gmail.com');
  assert.equal(mail.security, 'starttls');
  assert.equal(mail.port, 587);
  assert.equal(mail.from, 'me@gmail.com');
  assert.deepEqual(mail.to, ['a@b.com', 'c@d.com']);
  const ssl = ok(
    'mailtos://me:pw@example.com:2465/ops@example.com?smtp=mail.example.com&mode=ssl&from=arrgus@example.com',
  );
  assert.deepEqual(
    [ssl.host, ssl.port, ssl.security, ssl.from, ssl.to],
    ['mail.example.com', 2465, 'tls', 'arrgus@example.com', ['ops@example.com']],
  );
  assert.equal(ok('mailto://relay.lan?from=a@relay.lan').security, 'none');
  assert.deepEqual(ok('discord://Bot@1234/AbC-tok?avatar_url=https://i/a.png'), {
    type: 'discord',
    webhookUrl: 'https://discord.com/api/webhooks/1234/AbC-tok',
    username: 'Bot',
    avatarUrl: 'https://i/a.png',
  });
  assert.equal(ok('https://discordapp.com/api/webhooks/1/t').webhookUrl, 'https://discord.com/api/webhooks/1/t');
  assert.deepEqual(ok('slack://T1/B2/C3/alerts'), {
    type: 'slack',
    webhookUrl: 'https://hooks.slack.com/services/T1/B2/C3',
    channel: '#alerts',
  });
  assert.deepEqual(ok('jsons://u:p@ha.local:8123/api/webhook/x?+X-Key=v&method=PUT'), {
    type: 'webhook',
    url: 'https://ha.local:8123/api/webhook/x',
    method: 'PUT',
    username: 'u',
    password: 'p',
    headers: { 'X-Key': 'v' },
  });
});

test('every bad form says what is wrong without repeating the URL', () => {
  const cases: Array<[string, RegExp]> = [
    ['ntfys://user:pw@host', /no topic|topic/],
    ['ntfy://host/a/b', /several topics/],
    ['ntfy://host/bad topic!', /topic must be/],
    ['ntfy://user@host/t', /user but no password/],
    ['ntfy://host/t?priority=loud', /priority "loud"/],
    ['ntfy://host/t?colour=red', /parameter "colour"/],
    ['gotify://host', /no application token/],
    ['gotify://host/tok?priority=11', /priority "11"/],
    ['mailtos://example.com', /no sender/],
    ['mailtos://u:p@example.com?mode=tls13', /mode "tls13"/],
    ['discord://1234', /discord:\/\/WEBHOOK_ID\/WEBHOOK_TOKEN/],
    ['discord://abc/tok', /must be digits/],
    ['slack://xoxb-123/chan', /bot tokens/],
    ['slack://T1/B2', /TOKEN_A\/TOKEN_B\/TOKEN_C/],
    ['json://', /no host/],
    ['json://h/x?:title=t', /payload mapping/],
    ['json://h/x?method=DELETE', /method "DELETE"/],
    ['https://example.com/hook', /json:\/\//],
    ['pover://user@token', /scheme pover:\/\/ is not supported/],
    ['not a url', /not a URL/],
    ['ntfy://host/t?verify=maybe', /yes or no/],
  ];
  for (const [url, why] of cases) {
    const r = parseAppriseUrl(url);
    assert.equal(r.ok, false, url);
    if (!r.ok) {
      assert.match(r.problem, why, url);
      assert.doesNotMatch(r.problem, /pw@|tok\b/, 'no secrets echoed');
    }
  }
});
