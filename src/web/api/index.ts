/**
 * The JSON API: one file per resource, each declaring its routes with their zod schemas; this file mounts them and
 * the OpenAPI document built from those schemas. Mount the result with `app.route('/', apiRoutes(deps))`.
 */
import { Hono } from 'hono';
import type { Config } from '../../config/schema.ts';
import { type AlertRouteDeps, alertRoutes } from './alerts.ts';
import { RouteDocs } from './common.ts';
import { configRoutes } from './config.ts';
import { type IncidentRouteDeps, incidentRoutes } from './incidents.ts';
import { type IssueRouteDeps, issueRoutes } from './issues.ts';
import { type LogRouteDeps, logRoutes } from './logs.ts';
import { openApiRoutes } from './openapi.ts';
import { type SourceRouteDeps, sourceRoutes } from './sources.ts';
import { type StatsRouteDeps, statsRoutes } from './stats.ts';

export interface ApiDeps {
  config: Config;
  version: string;
  issues: IssueRouteDeps & IncidentRouteDeps;
  alerts: AlertRouteDeps;
  sources: SourceRouteDeps;
  stats: StatsRouteDeps;
  /** Log search and live tail (the log store). */
  logs?: LogRouteDeps;
  /** Extra resources (the log search), each registering its docs. */
  more?: ReadonlyArray<(docs: RouteDocs) => Hono>;
}

export function apiRoutes(deps: ApiDeps): Hono {
  const docs = new RouteDocs();
  const app = new Hono();
  app.route('/', issueRoutes(deps.issues, docs));
  app.route('/', alertRoutes(deps.alerts, docs));
  app.route('/', incidentRoutes(deps.issues, docs));
  app.route('/', sourceRoutes(deps.sources, docs));
  app.route('/', configRoutes({ config: deps.config }, docs));
  app.route('/', statsRoutes(deps.stats, docs));
  if (deps.logs) app.route('/', logRoutes(deps.logs, docs));
  for (const more of deps.more ?? []) app.route('/', more(docs));
  app.route('/', openApiRoutes(docs, deps.version));
  return app;
}
