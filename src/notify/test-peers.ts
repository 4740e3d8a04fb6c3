/**
 * Test support: loopback HTTP servers that implement the ntfy, Gotify, Discord and Slack webhook contracts closely
 * enough to refuse malformed payloads and to answer with the services' real error codes and bodies. A test can put
 * a `fault` in front of the contract (down, hang, 429 with Retry-After, 500 ...). Used only by tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PeerRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface PeerReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Fault = (req: PeerRequest) => PeerReply | 'hang' | undefined;

export interface Peer {
  url: string;
  /** Requests the contract accepted (2xx), in arrival order. */
  accepted: PeerRequest[];
  /** Every request, answered or not. */
  all: PeerRequest[];
  fault: Fault | undefined;
  close(): Promise<void>;
}

const LIMIT = 64 * 1024;

export async function startPeer(contract: (req: PeerRequest) => PeerReply): Promise<Peer> {
  const peer: Peer = { url: '', accepted: [], all: [], fault: undefined, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const r: PeerRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      peer.all.push(r);
      const f = peer.fault?.(r);
      if (f === 'hang') return; // never answers; closeAllConnections() ends it
      const reply = f ?? (body.length > LIMIT ? { status: 413, body: '' } : contract(r));
      if (reply.status >= 200 && reply.status < 300) peer.accepted.push(r);
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'application/json' });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  peer.url = `http://127.0.0.1:${port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): PeerReply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const isStr = (v: unknown) => typeof v === 'string';
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** ntfy: JSON publishing at the root; errors are {code, http, error}. */
export function ntfyContract(opts: { token?: string } = {}) {
  return (r: PeerRequest): PeerReply => {
    const err = (http: number, code: number, error: string) =>
      json(http, { code, http, error, link: 'https://ntfy.sh/docs' });
    if (r.method !== 'POST' || r.path !== '/') return err(404, 40401, 'page not found');
    if (opts.token && r.headers.authorization !== `Bearer ${opts.token}`) return err(401, 40101, 'unauthorized');
    const m = obj(r.json);
    if (!isStr(m.topic) || !/^[-_A-Za-z0-9]{1,64}$/.test(m.topic as string)) return err(400, 40009, 'invalid topic');
    if (m.message !== undefined && !isStr(m.message)) return err(400, 40001, 'invalid request: message');
    if (
      m.priority !== undefined &&
      !(Number.isInteger(m.priority) && (m.priority as number) >= 1 && (m.priority as number) <= 5)
    ) {
      return err(400, 40007, 'invalid priority');
    }
    if (m.tags !== undefined && !(Array.isArray(m.tags) && m.tags.every(isStr)))
      return err(400, 40001, 'invalid request: tags');
    if (m.click !== undefined && !isStr(m.click)) return err(400, 40001, 'invalid request: click');
    return json(200, { id: 'abc', time: 1, event: 'message', topic: m.topic, message: m.message });
  };
}

/** Gotify: POST /message with X-Gotify-Key; errors are {error, errorCode, errorDescription}. */
export function gotifyContract(opts: { token: string }) {
  return (r: PeerRequest): PeerReply => {
    const err = (code: number, error: string, desc: string) =>
      json(code, { error, errorCode: code, errorDescription: desc });
    if (r.method !== 'POST' || !r.path.startsWith('/message')) return err(404, 'Not Found', 'page not found');
    if (r.headers['x-gotify-key'] !== opts.token) {
      return err(
        401,
        'Unauthorized',
        'you need to provide a valid access token or user credentials to access this api',
      );
    }
    const m = obj(r.json);
    if (!isStr(m.message) || !(m.message as string).length)
      return err(400, 'Bad Request', "Field 'message' is required");
    if (m.priority !== undefined && !Number.isInteger(m.priority))
      return err(400, 'Bad Request', "Field 'priority' is not an int");
    if (m.extras !== undefined && typeof m.extras !== 'object')
      return err(400, 'Bad Request', "Field 'extras' is not an object");
    return json(200, {
      id: 1,
      appid: 1,
      message: m.message,
      title: m.title,
      priority: m.priority,
      date: '2026-01-01T00:00:00Z',
    });
  };
}

/** Discord: POST /api/webhooks/ID/TOKEN; embed limits enforced; errors are {message, code}. */
export function discordContract(opts: { id: string; token: string }) {
  return (r: PeerRequest): PeerReply => {
    const m = /^\/api\/webhooks\/(\d+)\/([^/?]+)(\?.*)?$/.exec(r.path);
    if (r.method !== 'POST' || !m) return json(404, { message: '404: Not Found', code: 0 });
    if (m[1] !== opts.id) return json(404, { message: 'Unknown Webhook', code: 10015 });
    if (m[2] !== opts.token) return json(401, { message: 'Invalid Webhook Token', code: 50027 });
    const b = obj(r.json);
    const embeds = Array.isArray(b.embeds) ? (b.embeds as unknown[]).map(obj) : [];
    const bad = (path: string) =>
      json(400, { message: 'Invalid Form Body', code: 50035, errors: { [path]: { _errors: [] } } });
    if (!isStr(b.content) && embeds.length === 0)
      return json(400, { message: 'Cannot send an empty message', code: 50006 });
    if (embeds.length > 10) return bad('embeds');
    for (const e of embeds) {
      if (e.title !== undefined && (!isStr(e.title) || (e.title as string).length > 256)) return bad('embeds.0.title');
      if (e.description !== undefined && (!isStr(e.description) || (e.description as string).length > 4096)) {
        return bad('embeds.0.description');
      }
      if (e.color !== undefined && !Number.isInteger(e.color)) return bad('embeds.0.color');
      const fields = Array.isArray(e.fields) ? (e.fields as unknown[]).map(obj) : [];
      if (fields.length > 25) return bad('embeds.0.fields');
      for (const f of fields) {
        if (!isStr(f.name) || !(f.name as string).length || (f.name as string).length > 256)
          return bad('embeds.0.fields.name');
        if (!isStr(f.value) || !(f.value as string).length || (f.value as string).length > 1024)
          return bad('embeds.0.fields.value');
      }
    }
    const wait = m[3]?.includes('wait=true');
    return wait ? json(200, { id: '1', channel_id: '2', content: b.content ?? '', embeds }) : { status: 204 };
  };
}

/** Slack incoming webhooks: POST /services/T/B/X; plain-text errors. */
export function slackContract(opts: { path: string }) {
  return (r: PeerRequest): PeerReply => {
    const text = (status: number, body: string): PeerReply => ({
      status,
      headers: { 'content-type': 'text/plain' },
      body,
    });
    if (r.method !== 'POST' || !r.path.startsWith('/services/')) return text(404, 'no_service');
    if (r.path !== opts.path) return text(403, 'invalid_token');
    const b = obj(r.json);
    if (r.json === undefined) return text(400, 'invalid_payload');
    const blocks = Array.isArray(b.blocks) ? (b.blocks as unknown[]).map(obj) : undefined;
    if (!isStr(b.text) && !blocks) return text(400, 'no_text');
    for (const bl of blocks ?? []) {
      const t = obj(bl.text);
      if (bl.type === 'header' && (t.type !== 'plain_text' || !isStr(t.text) || (t.text as string).length > 150)) {
        return text(400, 'invalid_blocks');
      }
      if (bl.type === 'section') {
        if (bl.text !== undefined && (!isStr(t.text) || (t.text as string).length > 3000))
          return text(400, 'invalid_blocks');
        const fields = Array.isArray(bl.fields) ? (bl.fields as unknown[]).map(obj) : [];
        if (fields.length > 10 || fields.some((f) => !isStr(f.text) || (f.text as string).length > 2000)) {
          return text(400, 'invalid_blocks');
        }
      }
    }
    return text(200, 'ok');
  };
}

/** A plain JSON receiver (Home Assistant webhook trigger style): answers 200 to any JSON object. */
export function webhookContract() {
  return (r: PeerRequest): PeerReply =>
    r.json && typeof r.json === 'object' ? { status: 200, body: '' } : json(400, { error: 'expected JSON' });
}

/** A throwaway self-signed certificate for 127.0.0.1/localhost (the openssl CLI; node:crypto cannot sign X.509). */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
