import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildContent,
  fromAlertEvent,
  fromIncidentEvent,
  fromIssueEvent,
  humanDuration,
  trimSample,
} from './content.ts';
import { applyTemplate } from './render.ts';
import { sampleAlert, sampleIncident, sampleIssue, T0 } from './test-fixtures.ts';

test('an alert says what, where, how often, since when, impact, suppressed, sample and link, redacted', () => {
  const c = buildContent(
    fromAlertEvent({ kind: 'fired', alert: sampleAlert(), at: T0, issue: sampleIssue() }),
    'https://arrgus.example/',
  );
  assert.equal(c.title, 'sonarr: SQLite database is locked');
  assert.equal(c.message, '7 times in 5m on sonarr (threshold 5).');
  const facts = Object.fromEntries(c.facts.map((f) => [f.label, f.value]));
  assert.equal(facts.Where, 'sonarr · /config/logs/sonarr.txt (byte 123456)');
  assert.equal(facts['How often'], '42 times since 2026-01-01 11:00 UTC');
  assert.equal(facts.Impact, '73/100');
  assert.equal(facts.Suppressed, '3 more since the previous alert');
  assert.equal(c.link, 'https://arrgus.example/issues/fp-db-locked');
  assert.match(c.sample ?? '', /apikey=\[redacted\]/);
  assert.doesNotMatch(JSON.stringify(c), /0123456789abcdef0123/);
});

test('resolve says how long it lasted; issues and incidents map to their kinds', () => {
  const alert = sampleAlert({ state: 'resolved', resolvedAt: T0 + 5_400_000 });
  const c = buildContent(fromAlertEvent({ kind: 'resolved', alert, at: T0 + 5_400_000 }), 'http://h:1');
  assert.equal(c.kind, 'resolved');
  assert.match(c.message, /is over after 1h 30m/);
  assert.equal(c.details.durationMs, 5_400_000);
  assert.equal(fromIssueEvent({ kind: 'acknowledged', issue: sampleIssue(), at: T0 }), null);
  assert.equal(fromIssueEvent({ kind: 'regressed', issue: sampleIssue(), at: T0 })?.kind, 'regressed');
  const inc = fromIncidentEvent({ kind: 'opened', incident: sampleIncident(), at: T0 });
  assert.equal(inc && buildContent(inc, 'http://h:1').message, '2 issues started together across sonarr, qbittorrent.');
});

test('templates fill placeholders; samples are trimmed', () => {
  const c = buildContent(
    fromAlertEvent({ kind: 'fired', alert: sampleAlert(), at: T0, issue: sampleIssue() }),
    'http://h:1',
  );
  const t = applyTemplate(c, { title: '[{{severity}}] {{app}}', body: '{{count}} hits, see {{link}} {{unknown}}' });
  assert.equal(t.title, '[high] sonarr');
  assert.equal(t.message, '7 hits, see http://h:1/issues/fp-db-locked {{unknown}}');
  assert.match(
    trimSample(Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')),
    /line 11\n… \(18 more lines\)$/,
  );
  assert.equal(humanDuration(90_061_000), '1d 1h');
});

test('an issue that touched several files names the most frequent ones and why it has its category', () => {
  const issue = sampleIssue({
    evidence: { layer: 'rule', detail: 'rule database.locked' },
    entities: {
      file: [
        { value: '/config/sonarr.db', count: 40 },
        { value: '/config/logs.db', count: 2 },
      ],
    },
  });
  const c = buildContent(
    fromAlertEvent({ kind: 'fired', alert: sampleAlert(), at: T0, issue }),
    'https://arrgus.example/',
  );
  const facts = Object.fromEntries(c.facts.map((f) => [f.label, f.value]));
  assert.equal(facts.Affected, 'file: /config/sonarr.db (40), /config/logs.db (2)');
  assert.deepEqual((c.details as { evidence?: unknown }).evidence, { layer: 'rule', detail: 'rule database.locked' });
});
