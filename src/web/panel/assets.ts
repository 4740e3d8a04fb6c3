/**
 * The panel's own static files (stylesheet, script, icon), read once at start and served from memory. URLs carry the
 * version (`?v=`), so browsers may cache them for a day; nothing comes from a CDN.
 */
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  'panel.css': 'text/css; charset=utf-8',
  'panel.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

const FILES = new Map<string, { body: string; type: string }>(
  Object.entries(TYPES).map(([name, type]) => [
    name,
    { body: readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8'), type },
  ]),
);

export function assetRoutes(app: Hono, headers: (ingress: boolean) => Record<string, string>): void {
  app.get('/assets/:name', (c) => {
    const f = FILES.get(c.req.param('name'));
    if (!f) return c.text('no such asset', 404);
    return c.body(f.body, 200, {
      ...headers(false),
      'content-type': f.type,
      'cache-control': 'public, max-age=86400',
    });
  });
}
