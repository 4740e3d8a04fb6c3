import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Incident, Issue } from '../core/types.ts';
import { type BundleDeps, buildBundle, evidenceHash, pickSamples } from './bundle.ts';
import { readNeighbours } from './neighbours.ts';
import { AiRedactor } from './redact.ts';
import { plainIssue, sample } from './test-fixtures.ts';

const NOW = Date.UTC(2026, 0, 1, 11, 30);

function deps(over: Partial<BundleDeps> = {}): BundleDeps {
  return {
    incidentOf: () => undefined,
    apiStatus: () => undefined,
    stats: () => undefined,
    neighbours: async () => undefined,
    now: () => NOW,
    ...over,
  };
}

test('the bundle names app, category with its evidence, counts, trend, entities, incident and source health', async () => {
  const issue = { ...plainIssue('x'), entities: { host: [{ value: 'indexer.example.org', count: 42 }] } };
  const other: Issue = { ...plainIssue('y'), title: 'Disk I/O errors on /data', sources: ['plex'] };
  const incident: Incident = {
    id: 'inc1',
    title: 'Two sources failing',
    severity: 'high',
    status: 'open',
    issueIds: ['x', 'y'],
    sources: ['sonarr', 'plex'],
    startedAt: NOW - 60_000,
    lastSeen: NOW,
  };
  const b = await buildBundle(
    issue,
    deps({
      incidentOf: () => ({ incident, issues: [issue, other] }),
      apiStatus: () => ({
        source: 'sonarr',
        app: 'sonarr',
        ok: false,
        lastOkAt: null,
        lastError: 'HTTP 401',
        failures: 3,
      }),
    }),
    new AiRedactor({ salt: 's' }),
    12_000,
  );
  assert.match(b.user, /App: Sonarr/);
  assert.match(b.user, /Category: indexer \(decided by code: HTTP 401\)/);
  assert.match(b.user, /Occurrences: 42/);
  assert.match(b.user, /Trend: 26 in the last 6 h/);
  assert.match(b.user, /Hourly counts, last 24 h/);
  assert.match(b.user, /Affected host: indexer\.example\.org \(42\)/);
  assert.match(b.user, /other issues in it:\n {2}- \[plex\] Disk I\/O errors on \/data/);
  assert.match(b.user, /Source sonarr API: failing \(3 times\), last error: HTTP 401/);
  assert.match(b.user, /Documentation you may link .*wiki\.servarr\.com\/sonarr/);
  assert.match(b.user, /Sample 1 of 1/);
  assert.deepEqual(b.docs, ['https://wiki.servarr.com/sonarr']);
});

test('the bundle stays within maxPromptChars: neighbours go first, then later samples', async () => {
  const issue = plainIssue('big');
  const long = `System.IO.IOException: disk full\n${'   at Frame.Method()\n'.repeat(200)}`;
  issue.samples = [sample(long, NOW - 3000), sample(`${long}x`, NOW - 2000), sample(`other ${long}`, NOW - 1000)];
  const neighbours = async () => ({ before: ['a'.repeat(500)], after: ['b'.repeat(500)] });
  for (const max of [2000, 5000, 9000]) {
    const b = await buildBundle(issue, deps({ neighbours }), new AiRedactor({ salt: 's' }), max);
    assert.ok(b.user.length <= max, `${b.user.length} > ${max}`);
    assert.match(b.user, /Issue: /);
  }
});

test('samples: the first, the richest and the latest; the evidence hash ignores numbers and ids', () => {
  const s = [1, 2, 3, 4, 5].map((i) => sample(i === 3 ? `Error ${i}\n at A()\n at B()` : `Error ${i}`, NOW + i));
  const picked = pickSamples(s);
  assert.deepEqual(
    picked.map((p) => p.time),
    [NOW + 1, NOW + 3],
  );
  assert.equal(
    evidenceHash([sample('timeout after 30s id 0a1b2c3d4e', 1)]),
    evidenceHash([sample('timeout after 45s id ffee001122', 2)]),
  );
  assert.notEqual(evidenceHash([sample('timeout', 1)]), evidenceHash([sample('refused', 1)]));
});

test('neighbouring lines are read at the sample offset, and not when the file has changed under it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arrgus-ai-'));
  const file = join(dir, 'sonarr.txt');
  const lines = [
    'line one',
    'line two',
    'line three',
    '2026-01-01 ERROR boom',
    '   at X()',
    'line after 1',
    'line after 2',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  const offset = Buffer.byteLength(`${lines.slice(0, 3).join('\n')}\n`);
  const n = await readNeighbours({ file, offset, raw: '2026-01-01 ERROR boom\n   at X()' }, 2, 2);
  assert.deepEqual(n, { before: ['line two', 'line three'], after: ['line after 1', 'line after 2'] });
  assert.equal(await readNeighbours({ file, offset, raw: 'something else entirely' }), undefined);
  assert.equal(await readNeighbours({ file: join(dir, 'gone.txt'), offset, raw: 'x' }), undefined);
});
