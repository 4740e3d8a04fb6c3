/** `/api/config`: the effective configuration (defaults filled in), every secret masked. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Config } from '../../config/schema.ts';
import { MASK, redactDeep } from '../../core/redact.ts';
import type { RouteDocs } from './common.ts';

/** Keys whose values are secrets wherever they appear (passwords, tokens, API keys, webhook URLs, headers). */
const SECRET_KEY = /pass|token|secret|api_?key|webhookurl|^headers$|^authorization$/i;

/** A copy of `config` with every secret value replaced by the mask. Notification URLs carry credentials: masked too. */
export function maskConfig(config: Config): unknown {
  const walk = (v: unknown, key: string, path: string): unknown => {
    if (v === null || v === undefined) return v;
    if (SECRET_KEY.test(key)) return MASK;
    // Apprise-style notification URLs carry the token or password in the URL itself.
    if (/^notify\b/.test(path) && /^urls?$/.test(key)) return Array.isArray(v) ? v.map(() => MASK) : MASK;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, key, `${path}[${i}]`));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k, path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };
  return redactDeep(walk(config, '', ''));
}

export function configRoutes(deps: { config: Config }, docs: RouteDocs): Hono {
  const app = new Hono();
  docs.add({
    method: 'get',
    path: '/api/config',
    tag: 'config',
    summary: 'The effective configuration, secrets masked.',
    response: z.record(z.string(), z.unknown()).describe('The configuration (see the README reference).'),
  });
  const masked = maskConfig(deps.config);
  app.get('/api/config', (c) => c.json(masked as Record<string, unknown>));
  return app;
}
