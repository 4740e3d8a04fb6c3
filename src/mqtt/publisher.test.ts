import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../core/logger.ts';
import { makeIssue } from './fakes.ts';
import { Publisher } from './publisher.ts';
import { issueEvent } from './states.ts';

function setup(over: { minStateInterval?: number; eventBurst?: number; eventsPerMinute?: number } = {}) {
  const sent: Array<{ topic: string; payload: string; retain: boolean }> = [];
  const state = new Map<string, number>();
  let renders = 0;
  const p = new Publisher({
    send: (topic, payload, retain) => {
      sent.push({ topic, payload, retain });
      return true;
    },
    render: (keys) => {
      renders++;
      return [...keys].map((k) => ({ topic: `t/${k}`, payload: String(state.get(k) ?? 0) }));
    },
    now: () => Date.now(),
    minStateInterval: over.minStateInterval ?? 60,
    eventBurst: over.eventBurst ?? 3,
    eventsPerMinute: over.eventsPerMinute ?? 600,
    logger: silentLogger,
  });
  return { p, sent, state, renders: () => renders };
}

test('a burst of 10,000 changes becomes one leading and one trailing publication per topic', async () => {
  const { p, sent, state, renders } = setup();
  state.set('a', 1);
  p.markDirty('a');
  await sleep(5);
  for (let i = 0; i < 10_000; i++) {
    state.set('a', i);
    p.markDirty('a', 'b');
  }
  await sleep(120);
  p.stop();
  assert.deepEqual(
    sent.map((s) => s.topic),
    ['t/a', 't/a', 't/b'],
  );
  assert.equal(sent[1]?.payload, '9999');
  assert.ok(sent.every((s) => s.retain));
  assert.equal(renders(), 2);
});

test('an unchanged payload is not sent again unless forced', async () => {
  const { p, sent } = setup({ minStateInterval: 0 });
  p.flushNow(['a']);
  p.flushNow(['a']);
  assert.equal(sent.length, 1);
  assert.equal(p.counts.unchanged, 1);
  p.flushNow(['a'], true);
  assert.equal(sent.length, 2);
  p.stop();
});

test('events beyond the burst are merged into one summary per type', async () => {
  const { p, sent } = setup({ eventBurst: 3, eventsPerMinute: 1200 });
  for (let i = 0; i < 500; i++) {
    const kind = i % 2 ? 'opened' : 'resolved';
    const issue = makeIssue({ id: `i${i}`, severity: i === 400 ? 'critical' : 'low' });
    p.publishEvent('plex', 'arrgus/plex/event', issueEvent(kind, issue, 'plex', 0, false));
  }
  assert.equal(sent.length, 3, 'the burst goes out at once');
  await sleep(250);
  p.stop();
  const events = sent.map(
    (s) => JSON.parse(s.payload) as { event_type: string; summary?: boolean; count: number; severity: string },
  );
  const summaries = events.filter((e) => e.summary);
  assert.equal(summaries.length, 2);
  assert.equal(
    summaries.reduce((n, e) => n + e.count, 0),
    497,
  );
  assert.ok(
    summaries.some((e) => e.severity === 'critical'),
    'the worst severity survives the merge',
  );
  assert.ok(sent.every((s) => !s.retain));
});

test('a held single event goes out as itself, not as a summary', async () => {
  const { p, sent } = setup({ eventBurst: 1, eventsPerMinute: 1200 });
  for (const id of ['a', 'b']) p.publishEvent('plex', 'e', issueEvent('opened', makeIssue({ id }), 'plex', 0, false));
  await sleep(120);
  p.stop();
  assert.deepEqual(
    sent.map((s) => (JSON.parse(s.payload) as { issue_id: string }).issue_id),
    ['a', 'b'],
  );
});
