/** Builds a client of one API source against a FakeApp, with a fake issue service and a memory logger. */
import assert from 'node:assert/strict';
import { validateConfig } from '../src/config/load.ts';
import type { SourceInput } from '../src/config/sources.ts';
import { ManualClock } from '../src/core/clock.ts';
import { memoryLogger } from '../src/core/logger.ts';
import { ApiPoller, type ApiPollerDeps } from '../src/sources/api-poller.ts';
import { type FakeApp, FakeIssueService } from './api-fakes.ts';

export async function apiSetup<T extends { poll(s: AbortSignal): Promise<void> }>(
  fake: FakeApp,
  source: Omit<SourceInput, 'url'>,
  make: (deps: ApiPollerDeps, source: ReturnType<typeof validateConfig>['sources'][number]) => T,
) {
  await fake.start();
  const config = validateConfig({ sources: [{ ...source, url: fake.url }] });
  const src = config.sources[0];
  assert.ok(src);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const logger = memoryLogger();
  const issues = new FakeIssueService();
  const deps = { clock, logger, issues };
  const api = make(deps, src);
  const poller = new ApiPoller(deps, {
    source: src.name,
    app: src.app,
    label: src.name,
    intervalMs: 1000,
    run: (s) => api.poll(s),
  });
  return { api, poller, issues, clock, logger };
}
