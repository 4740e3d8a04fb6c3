/** `GET /metrics`: Prometheus exposition of the collector's families, behind the same token as the rest of the API. */
import { Hono } from 'hono';
import { CONTENT_TYPE, type MetricFamily, renderExposition } from '../metrics/exposition.ts';

export function metricsRoutes(collect: () => MetricFamily[]): Hono {
  const app = new Hono();
  app.get('/metrics', (c) => c.body(renderExposition(collect()), 200, { 'content-type': CONTENT_TYPE }));
  return app;
}
