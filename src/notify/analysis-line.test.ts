import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotifyTarget } from '../config/notify.ts';
import { systemClock } from '../core/clock.ts';
import type { MuteService } from '../core/ports.ts';
import { testContext } from '../core/testing.ts';
import { openDatabase } from '../store/db.ts';
import { Outbox } from '../store/outbox.ts';
import { buildContent, fromIssueEvent, withAnalysis } from './content.ts';
import { NotifyDispatcher } from './dispatcher.ts';
import { renderText } from './render.ts';
import { sampleIssue } from './test-fixtures.ts';
import type { Content, Delivery, Notifier } from './types.ts';

const noMutes: MuteService = { isMuted: () => false, setMuted: () => {}, muted: () => [] };

const SUMMARY = 'The database file is on a network share that does not support locking.';

test('a notification about an analysed issue carries the summary line; others and resolutions do not', () => {
  const issue = sampleIssue();
  const opened = fromIssueEvent({ kind: 'opened', issue, at: 1 });
  assert.ok(opened);
  const lookup = (id: string) => (id === issue.id ? `${SUMMARY} token=abcdef123456` : undefined);
  const c = withAnalysis(buildContent(opened, 'http://x'), opened, lookup);
  assert.deepEqual(c.facts.at(-1), { label: 'AI analysis', value: `${SUMMARY} token=[redacted]` });
  assert.match(renderText(c), /AI analysis: The database file is on a network share/);
  const none = withAnalysis(buildContent(opened, 'http://x'), opened, () => undefined);
  assert.ok(!none.facts.some((f) => f.label === 'AI analysis'));
  const resolved = fromIssueEvent({ kind: 'resolved', issue: { ...issue, status: 'resolved', resolvedAt: 2 }, at: 2 });
  assert.ok(resolved);
  assert.ok(
    !withAnalysis(buildContent(resolved, 'http://x'), resolved, lookup).facts.some((f) => f.label === 'AI analysis'),
  );
});

test('the dispatcher adds the line to what it sends once an analysis exists', async () => {
  const { ctx } = testContext({
    notify: [{ name: 'all', url: 'json://h/x', events: ['opened', 'regressed'] }],
  } as never);
  ctx.clock = systemClock;
  const got: Content[] = [];
  const notifier: Notifier = {
    type: 'fake',
    name: 'all',
    send: async (d: Delivery) => {
      got.push(d.content);
      return undefined;
    },
  } as Notifier;
  let analysed = false;
  const d = new NotifyDispatcher({
    ctx,
    mute: noMutes,
    outbox: new Outbox(openDatabase(':memory:')),
    notifierFor: (_t: NotifyTarget) => notifier,
    analysis: () => (analysed ? SUMMARY : undefined),
  });
  d.start();
  ctx.bus.emit('issue', { kind: 'opened', issue: sampleIssue(), at: Date.now() });
  analysed = true;
  ctx.bus.emit('issue', { kind: 'regressed', issue: sampleIssue(), at: Date.now() });
  const end = Date.now() + 30_000;
  while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.equal(got.length, 2);
  assert.ok(!got[0]?.facts.some((f) => f.label === 'AI analysis'));
  assert.equal(got[1]?.facts.find((f) => f.label === 'AI analysis')?.value, SUMMARY);
  await d.stop();
});
