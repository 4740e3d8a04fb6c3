/** Serving the Hono app with @hono/node-server; a Component so main.ts starts and stops it in order. */
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Component, CoreContext } from '../core/context.ts';
import { isLoopback } from '../core/net.ts';

export class WebServer implements Component {
  readonly name = 'web';
  private server: ServerType | null = null;
  private readonly ctx: CoreContext;
  private readonly app: Hono;
  private boundPort = 0;

  constructor(ctx: CoreContext, app: Hono) {
    this.ctx = ctx;
    this.app = app;
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const { host, port } = this.ctx.config.web;
    await new Promise<void>((resolve, reject) => {
      const server = serve({ fetch: this.app.fetch, port, hostname: host }, (info) => {
        this.boundPort = info.port;
        resolve();
      });
      server.once('error', reject);
      this.server = server;
    });
    const log = this.ctx.logger.child('web');
    log.info(`HTTP API listening on http://${host}:${this.boundPort}.`);
    if (!isLoopback(host) && !this.ctx.config.web.token) {
      log.warn(
        `The HTTP API listens on ${host}, beyond this machine, without web.token: anyone on the network can ingest lines, send test notifications and read sessions. Set web.token, or web.host: 127.0.0.1.`,
      );
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      if ('closeAllConnections' in s) s.closeAllConnections();
    });
  }
}
