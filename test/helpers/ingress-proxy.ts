/**
 * A stand-in for Home Assistant's ingress: serves the panel under `/api/hassio_ingress/<token>`, strips that prefix,
 * adds `X-Ingress-Path` and connects to Arrgus from its own loopback address (like the Supervisor's 172.30.32.2), so
 * only its requests are trusted. Responses are piped as they come, so server-sent events stream through it.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class IngressProxy {
  readonly prefix = '/api/hassio_ingress/Xy12-ab_cd';
  private readonly server: Server;
  private constructor(server: Server) {
    this.server = server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.prefix}`;
  }

  static async start(target: { port: number }, fromAddress: string): Promise<IngressProxy> {
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const m = /^(\/api\/hassio_ingress\/[^/?]+)(.*)$/.exec(url);
      if (!m) {
        res.writeHead(404).end('not an ingress path');
        return;
      }
      const prefix = m[1] as string;
      const rest = m[2]?.startsWith('/') ? m[2] : `/${m[2] ?? ''}`;
      const up = request(
        {
          host: '127.0.0.1',
          port: target.port,
          localAddress: fromAddress,
          method: req.method,
          path: rest,
          headers: { ...req.headers, 'x-ingress-path': prefix },
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end('upstream failed'));
      req.pipe(up);
      res.on('close', () => up.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new IngressProxy(server);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
