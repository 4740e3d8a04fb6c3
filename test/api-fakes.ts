/**
 * Test doubles for the API sources: a fake app server on loopback that answers captured response shapes and can be
 * stopped, slowed and made to fail, and an in-memory IssueService that honours the documented `syncExternal` and
 * `linkSession` semantics (the real one lives in detect/).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExternalProblem, IssueService } from '../src/core/ports.ts';
import type { Issue } from '../src/core/types.ts';
import { until } from './helpers/wait.ts';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/api/${name}`, import.meta.url), 'utf8');
}

export interface FakeResponse {
  status?: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = FakeResponse | ((req: SeenRequest) => FakeResponse);

export class FakeApp {
  readonly requests: SeenRequest[] = [];
  /** Every answer waits this long. */
  delayMs = 0;
  /** When set, every route answers this status with an empty JSON body. */
  failWith: number | undefined;
  private readonly routes = new Map<string, Handler>();
  private server: http.Server | undefined;
  private port = 0;

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  json(path: string, body: string | object, status = 200): this {
    return this.route(path, {
      status,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      contentType: 'application/json',
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const seen: SeenRequest = {
          method: req.method ?? 'GET',
          path: u.pathname,
          query: u.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(seen);
        const answer = (): void => {
          if (res.destroyed) return;
          if (this.failWith !== undefined) {
            res.writeHead(this.failWith, { 'content-type': 'application/json' }).end('{}');
            return;
          }
          const h = this.routes.get(u.pathname);
          const r = typeof h === 'function' ? h(seen) : h;
          if (!r) {
            res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
            return;
          }
          res
            .writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'application/json', ...r.headers })
            .end(r.body);
        };
        // unref: an answer held back for a hang test must not keep the test process alive after its last test.
        if (this.delayMs > 0) setTimeout(answer, this.delayMs).unref();
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.url;
  }

  /** Closes the port: further requests are refused until `start()` listens on the same port again. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

export interface FakeIssue {
  id: string;
  source: string;
  key: string;
  title: string;
  message: string;
  status: 'open' | 'resolved';
  firstSeen: number;
  lastSeen: number;
  users: string[];
  sessions: string[];
  clients: string[];
}

/** In-memory IssueService with the semantics of core/ports.ts (only what the API rooms call is real). */
export class FakeIssueService implements Pick<IssueService, 'syncExternal' | 'linkSession'> {
  readonly issues = new Map<string, FakeIssue>();
  readonly transitions: Array<{ kind: 'opened' | 'reopened' | 'resolved'; id: string; at: number }> = [];
  syncCalls = 0;

  syncExternal(source: string, scope: string, problems: ExternalProblem[], at: number): void {
    this.syncCalls++;
    const keep = new Set<string>();
    for (const p of problems) {
      const id = `${source}|${p.key}`;
      keep.add(id);
      const cur = this.issues.get(id);
      if (!cur) {
        this.issues.set(id, {
          id,
          source,
          key: p.key,
          title: p.title,
          message: p.message,
          status: 'open',
          firstSeen: at,
          lastSeen: at,
          users: [],
          sessions: [],
          clients: [],
        });
        this.transitions.push({ kind: 'opened', id, at });
      } else {
        cur.title = p.title;
        cur.message = p.message;
        cur.lastSeen = at;
        if (cur.status === 'resolved') {
          cur.status = 'open';
          this.transitions.push({ kind: 'reopened', id, at });
        }
      }
    }
    for (const issue of this.issues.values()) {
      if (issue.source !== source || keep.has(issue.id) || issue.status !== 'open') continue;
      if (issue.key !== scope && !issue.key.startsWith(`${scope}:`)) continue;
      issue.status = 'resolved';
      this.transitions.push({ kind: 'resolved', id: issue.id, at });
    }
  }

  /** A log issue (from records, not an API) active from `firstSeen` to `lastSeen`. */
  addLogIssue(source: string, id: string, firstSeen: number, lastSeen: number): void {
    this.issues.set(id, {
      id,
      source,
      key: `log:${id}`,
      title: id,
      message: id,
      status: 'open',
      firstSeen,
      lastSeen,
      users: [],
      sessions: [],
      clients: [],
    });
  }

  linkSession(
    source: string,
    at: number,
    windowMs: number,
    who: { user?: string; session?: string; client?: string },
  ): Issue[] {
    const hit: FakeIssue[] = [];
    for (const i of this.issues.values()) {
      if (i.source !== source || i.firstSeen > at + windowMs || i.lastSeen < at - windowMs) continue;
      if (who.user && !i.users.includes(who.user)) i.users.push(who.user);
      if (who.session && !i.sessions.includes(who.session)) i.sessions.push(who.session);
      if (who.client && !i.clients.includes(who.client)) i.clients.push(who.client);
      hit.push(i);
    }
    // Only `id` is read by the callers; the fake does not build full Issue records.
    return hit as unknown as Issue[];
  }

  open(): FakeIssue[] {
    return [...this.issues.values()].filter((i) => i.status === 'open');
  }
}

/**
 * Polls until `fn` returns true or the time runs out (for things driven by real timers). The deadline is generous: it
 * only runs out when the test fails, and a loaded machine runs every timer late.
 */
export function waitFor(fn: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  return until(what, fn, timeoutMs);
}
