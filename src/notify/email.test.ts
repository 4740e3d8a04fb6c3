import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { type EmailTarget, notifyTargetSchema } from '../config/notify.ts';
import { createEmail } from './email.ts';
import { alertContent } from './test-fixtures.ts';
import { selfSignedCert } from './test-peers.ts';
import { DeliveryError } from './types.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
}

const received: Received[] = [];
let server: SMTPServer;
let port = 0;

before(async () => {
  const { key, cert } = selfSignedCert();
  server = new SMTPServer({
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'arrgus' && auth.password === 'hunter22') cb(null, { user: 'arrgus' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) {
        cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      } else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function target(over: Record<string, unknown> = {}): EmailTarget {
  return notifyTargetSchema.parse({
    name: 'mail',
    type: 'email',
    host: '127.0.0.1',
    port,
    security: 'starttls',
    username: 'arrgus',
    password: 'hunter22',
    from: 'arrgus@example.com',
    to: ['me@example.com', 'you@example.com'],
    verifyTls: false,
    timeout: '3s',
    ...over,
  }) as EmailTarget;
}

test('delivers over STARTTLS with AUTH, text and HTML bodies, to several recipients', async () => {
  await createEmail(target(), 3000).send({ id: 'i-1', content: alertContent() }, AbortSignal.timeout(3000));
  const m = received.at(-1);
  assert.ok(m?.secure, 'the session was upgraded with STARTTLS');
  assert.deepEqual(m?.to, ['me@example.com', 'you@example.com']);
  assert.match(m?.data ?? '', /Subject: sonarr: SQLite database is locked/);
  assert.match(m?.data ?? '', /Content-Type: text\/plain/);
  assert.match(m?.data ?? '', /Content-Type: text\/html/);
  assert.doesNotMatch(m?.data ?? '', /0123456789abcdef0123/);
});

test('the self-signed certificate is refused unless verifyTls is off', async () => {
  await assert.rejects(
    createEmail(target({ verifyTls: true }), 3000).send(
      { id: 'i', content: alertContent() },
      AbortSignal.timeout(3000),
    ),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'tls',
  );
});

test('a wrong password is an auth failure with the 535 reply', async () => {
  await assert.rejects(
    createEmail(target({ password: 'wrong-one' }), 3000).send(
      { id: 'i', content: alertContent() },
      AbortSignal.timeout(3000),
    ),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'auth' && e.status === 535,
  );
});

test('one refused recipient: delivered to the others with a warning; all refused: permanent failure', async () => {
  const before = received.length;
  const r = await createEmail(target({ to: ['me@example.com', 'nobody@example.com'] }), 3000).send(
    { id: 'i', content: alertContent() },
    AbortSignal.timeout(3000),
  );
  assert.equal(received.length, before + 1);
  assert.deepEqual(received.at(-1)?.to, ['me@example.com']);
  assert.match(r?.warning ?? '', /nobody@example.com/);
  await assert.rejects(
    createEmail(target({ to: ['nobody@example.com'] }), 3000).send(
      { id: 'i', content: alertContent() },
      AbortSignal.timeout(3000),
    ),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'rejected' && e.permanent,
  );
});

test('a closed port is "refused"', async () => {
  await assert.rejects(
    createEmail(target({ port: 1 }), 3000).send({ id: 'i', content: alertContent() }, AbortSignal.timeout(3000)),
    (e: unknown) => e instanceof DeliveryError && e.kind === 'refused',
  );
});
