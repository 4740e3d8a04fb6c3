import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceStats } from '../core/ports.ts';
import { sourceState } from './states.ts';

const stats = (problems: SourceStats['problems']): SourceStats => ({
  source: 'sonarr',
  app: 'sonarr',
  files: [],
  lastRecordAt: null,
  lastErrorAt: null,
  recordsPerMinute: 0,
  errors5m: 0,
  warnings5m: 0,
  errors1h: 0,
  warnings1h: 0,
  parseFailures: 0,
  totalRecords: 0,
  ...(problems ? { problems } : {}),
});

test('a source that cannot read is failing in its MQTT state, with the file name and why (no folder paths)', () => {
  const input = {
    name: 'sonarr',
    app: 'sonarr',
    issues: undefined,
    alerts: [],
    muted: false,
    maintenance: false,
    now: 0,
  };
  const ok = sourceState({ ...input, stats: stats([]) });
  assert.equal(ok.reading, 'ok');
  assert.equal(ok.read_problem, null);
  const failing = sourceState({
    ...input,
    stats: stats([
      { path: '/srv/private/logs/sonarr.txt', error: 'permission denied' },
      { path: '/srv/private/logs/sonarr.debug.txt', error: 'symbolic link loop' },
    ]),
  });
  assert.equal(failing.reading, 'failing');
  assert.equal(failing.read_problem, 'sonarr.txt: permission denied (and 1 more)');
});
