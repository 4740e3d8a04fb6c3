/**
 * The notification component. It listens on the bus (`alert`, `issue`, `incident`, `mute`), routes each event to
 * the targets that want it and renders it per target, never making a network call, so ingestion never waits for a
 * notifier. What is rendered is committed to the outbox in batches: one transaction for everything a burst of events
 * queued (at the end of the current turn, when 1000 requests wait, and before ingestion commits the follow positions
 * of the lines behind them: `flush`), so a storm of new issues costs one SQLite commit per batch instead of one per
 * alert, and a restart still finds every notification whose lines were committed. Each target's queue then delivers
 * on its own. During a global or per-source mute (and a target's quiet hours) notifications are held in the outbox and
 * summarised when the mute (or the quiet period) ends; beyond a target's rate limit (a burst), likewise until its
 * window has room again (send-window.ts).
 */
import { hostname } from 'node:os';
import type { NotifyTarget } from '../config/notify.ts';
import type { Component, CoreContext } from '../core/context.ts';
import type { Logger } from '../core/logger.ts';
import type { MuteService } from '../core/ports.ts';
import { SEVERITY_RANK } from '../core/types.ts';
import type { EnqueueRequest, HeldOverflow, Outbox, OutboxItem } from '../store/outbox.ts';
import {
  buildContent,
  buildSummary,
  fromAlertEvent,
  fromIncidentEvent,
  fromIssueEvent,
  humanDuration,
  type NotifyEvent,
  withAnalysis,
} from './content.ts';
import { type AttemptLog, type TargetHealth, TargetQueue, type TestResult } from './delivery.ts';
import { deliveryIdentity } from './delivery-key.ts';
import { createNotifier } from './index.ts';
import { applyTemplate } from './render.ts';
import { inQuietHours, route } from './router.ts';
import { SendWindow } from './send-window.ts';
import type { Content, Notifier } from './types.ts';

export interface NotifyDeps {
  ctx: CoreContext;
  mute: MuteService;
  outbox: Outbox;
  /** Tests replace the channels. */
  notifierFor?: (target: NotifyTarget) => Notifier;
  random?: () => number;
  /** How often quiet-hours ends are checked and old rows pruned. */
  housekeepingMs?: number;
  /** The AI analysis summary of an issue (src/ai), added to notifications sent after it exists. */
  analysis?: (issueId: string) => string | undefined;
}

const QUIET = 'quiet';
const BURST = 'burst';
const RETENTION_MS = 7 * 86_400_000;
/** Requests waiting for the outbox beyond this are committed at once: a bound on memory inside one long turn. */
const MAX_BUFFERED = 1000;

export class NotifyDispatcher implements Component {
  private readonly drops = new Map<string, { count: number; loggedAt: number }>();
  readonly name = 'notify';
  private readonly deps: NotifyDeps;
  private readonly logger: Logger;
  private readonly queues = new Map<string, TargetQueue>();
  private readonly windows = new Map<string, SendWindow>();
  /** When the first target holding a burst has room again: its summary goes out then. */
  private burstTimer: NodeJS.Timeout | undefined;
  private readonly targets = new Map<string, NotifyTarget>();
  private readonly unsubscribe: Array<() => void> = [];
  private housekeeping: NodeJS.Timeout | undefined;
  /** Rendered requests not committed yet (see `flush`). */
  private buffered: EnqueueRequest[] = [];
  private flushQueued = false;

  constructor(deps: NotifyDeps) {
    this.deps = deps;
    this.logger = deps.ctx.logger.child('notify');
  }

  start(): void {
    const { ctx, outbox } = this.deps;
    outbox.init();
    for (const t of ctx.config.notify) {
      this.targets.set(t.name, t);
      const notifier = this.deps.notifierFor?.(t) ?? createNotifier(t, ctx.clock);
      const queue = new TargetQueue({
        target: t,
        notifier,
        outbox,
        clock: ctx.clock,
        logger: this.logger.child(t.type),
        instanceId: ctx.instanceId,
        ...(this.deps.random ? { random: this.deps.random } : {}),
      });
      this.queues.set(t.name, queue);
      this.windows.set(t.name, new SendWindow(t.rateLimit.max, t.rateLimit.window));
    }
    const bus = ctx.bus;
    this.unsubscribe.push(
      // An alert that ended because its issue was dropped at the cap is history, not news (see Alert.pruned).
      bus.on('alert', 'notify', (e) => this.handle(e.alert.pruned ? null : fromAlertEvent(e))),
      bus.on('issue', 'notify', (e) => this.handle(fromIssueEvent(e))),
      bus.on('incident', 'notify', (e) => this.handle(fromIncidentEvent(e))),
      bus.on('mute', 'notify', () => this.releaseEnded()),
    );
    // A mute or quiet period may have ended while Arrgus was down.
    this.releaseEnded();
    outbox.prune(ctx.clock.now() - RETENTION_MS);
    for (const q of this.queues.values()) q.start();
    this.housekeeping = setInterval(() => this.tick(), this.deps.housekeepingMs ?? 60_000);
    this.housekeeping.unref();
    const enabled = [...this.targets.values()].filter((t) => t.enabled).length;
    if (this.targets.size) this.logger.info(`Notifications go to ${enabled} of ${this.targets.size} targets.`);
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.flush();
    clearInterval(this.housekeeping);
    clearTimeout(this.burstTimer);
    await Promise.all([...this.queues.values()].map((q) => q.stop()));
  }

  health(): TargetHealth[] {
    return [...this.queues.values()].map((q) => q.health());
  }

  /** The last attempts, newest first: of one target, or of all merged. */
  deliveryLog(target?: string, limit = 100): AttemptLog[] {
    const queues =
      target === undefined ? [...this.queues.values()] : [this.queues.get(target)].filter((q) => q !== undefined);
    return queues
      .flatMap((q) => q.attempts())
      .sort((a, b) => b.at - a.at)
      .slice(0, limit);
  }

  targetNames(): string[] {
    return [...this.targets.keys()];
  }

  /** Sends a test notification to one target now; undefined when there is no such target. */
  async test(name: string): Promise<TestResult | undefined> {
    const queue = this.queues.get(name);
    if (!queue) return undefined;
    return queue.test(testContent(this.deps.ctx.clock.now(), panelUrl(this.deps.ctx)));
  }

  /** Routes and renders one event; `flush` commits it. Runs inside a bus listener: no awaits, no network. */
  private handle(ev: NotifyEvent | null): void {
    if (!ev || this.targets.size === 0) return;
    const { ctx } = this.deps;
    const now = ctx.clock.now();
    const muteScope = this.muteScope(ev);
    let base: Content | undefined;
    const key = deliveryIdentity(ev);
    let queued = false;
    for (const t of this.targets.values()) {
      const decision = route(ev, t, now);
      if (decision === 'skip') continue;
      base ??= this.deps.analysis
        ? withAnalysis(buildContent(ev, panelUrl(ctx)), ev, this.deps.analysis)
        : buildContent(ev, panelUrl(ctx));
      const content = applyTemplate(base, t.template);
      const held =
        muteScope ??
        (decision === 'quiet' ? QUIET : undefined) ??
        (this.windows.get(t.name)?.take(now) === false ? BURST : undefined);
      if (held === BURST) this.scheduleBurstRelease(now);
      this.buffered.push({
        target: t.name,
        severity: SEVERITY_RANK[content.severity],
        payload: JSON.stringify(content),
        ...(held ? { heldScope: held } : {}),
        ...(key === undefined ? {} : { key }),
      });
      queued = true;
    }
    if (!queued) return;
    if (this.buffered.length >= MAX_BUFFERED) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Commits what `handle` rendered, in one transaction, and wakes the queues. Ingestion calls it before it commits
   * follow positions, so a notification is stored before the lines that caused it count as read (a crash between
   * the two reads them again and announces them again; the outbox's keys make that second announcement a no-op).
   */
  flush(): void {
    this.flushQueued = false;
    if (!this.buffered.length) return;
    const requests = this.buffered;
    this.buffered = [];
    const now = this.deps.ctx.clock.now();
    let result: ReturnType<Outbox['enqueue']>;
    try {
      result = this.deps.outbox.enqueue(
        requests,
        now,
        (name) => this.targets.get(name)?.maxQueue ?? 500,
        (name) => this.queues.get(name)?.inFlightId(),
      );
    } catch (err) {
      this.logger.error(`${requests.length} notifications could not be queued; they are lost.`, { error: err });
      return;
    }
    if (result.known) {
      // Lines read again after a crash announce what was announced before: already queued or delivered.
      this.logger.debug('Notifications queued before are not sent again.', { requests: result.known });
    }
    for (const d of result.dropped) {
      this.logDrop(d.target, now);
      this.queues.get(d.target)?.noteDropped(d.id, JSON.parse(d.payload) as Content);
    }
    const woken = new Set<string>();
    for (const r of requests) if (!r.heldScope) woken.add(r.target);
    for (const name of woken) this.queues.get(name)?.wake();
  }

  /**
   * One WARN per target and minute, with the count since the last one: a flood of new issues would otherwise write
   * a line per dropped notification (tens of thousands a minute).
   */
  private logDrop(target: string, now: number): void {
    const s = this.drops.get(target) ?? { count: 0, loggedAt: Number.NEGATIVE_INFINITY };
    s.count++;
    this.drops.set(target, s);
    if (now - s.loggedAt < 60_000) return;
    this.logger.warn(
      `Queue of ${target} is full; dropped ${s.count === 1 ? 'its oldest least severe notification' : `${s.count} of its oldest least severe notifications since the last warning`}.`,
      { dropped: s.count, queued: this.targets.get(target)?.maxQueue },
    );
    s.count = 0;
    s.loggedAt = now;
  }

  /** `mute:*` under the global mute, `mute:<source>` when one of the event's sources is muted. */
  private muteScope(ev: NotifyEvent): string | undefined {
    const { mute } = this.deps;
    if (mute.isMuted(null)) return 'mute:*';
    const muted = ev.muteSources.find((s) => mute.isMuted(s));
    return muted === undefined ? undefined : `mute:${muted}`;
  }

  /** Summarises held rows whose mute has ended (and, per target, quiet periods that are over). */
  private releaseEnded(): void {
    const { mute, outbox, ctx } = this.deps;
    const now = ctx.clock.now();
    if (mute.isMuted(null)) return;
    // Held requests still buffered belong to the summary.
    this.flush();
    for (const scope of outbox.heldScopes()) {
      if (!scope.startsWith('mute:')) continue;
      const source = scope.slice(5);
      if (source !== '*' && mute.isMuted(source)) continue;
      const reason = source === '*' ? 'maintenance mode was on' : `${source} was muted`;
      this.release(scope, reason, now);
    }
    for (const t of this.targets.values()) {
      if (t.quietHours && !inQuietHours(t.quietHours, now) && outbox.heldCount(t.name, QUIET) > 0) {
        this.release(QUIET, 'quiet hours were on', now, t.name);
      }
    }
    this.releaseBursts(now);
  }

  /** Targets whose window has room again get one summary of what their burst held (also at start, after a restart). */
  private releaseBursts(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const t of this.targets.values()) {
      const window = this.windows.get(t.name);
      if (!window || this.deps.outbox.heldCount(t.name, BURST) === 0) continue;
      if (!window.hasRoom(now)) {
        next = Math.min(next, window.roomAt(now));
        continue;
      }
      const { max, window: ms } = t.rateLimit;
      this.release(BURST, `more than ${max} came within ${humanDuration(ms)}`, now, t.name);
    }
    if (next < Number.POSITIVE_INFINITY) this.scheduleBurstRelease(now, next);
  }

  private scheduleBurstRelease(now: number, at?: number): void {
    if (this.burstTimer) return;
    let when = at;
    if (when === undefined) {
      when = Number.POSITIVE_INFINITY;
      for (const w of this.windows.values()) if (!w.hasRoom(now)) when = Math.min(when, w.roomAt(now));
      if (when === Number.POSITIVE_INFINITY) return;
    }
    this.burstTimer = setTimeout(
      () => {
        this.burstTimer = undefined;
        try {
          this.flush();
          this.releaseBursts(this.deps.ctx.clock.now());
        } catch (err) {
          this.logger.error('Could not summarise a burst of notifications; the next housekeeping tries again.', {
            error: err,
          });
        }
      },
      Math.max(0, when - now),
    );
    this.burstTimer.unref();
  }

  private release(scope: string, reason: string, now: number, onlyTarget?: string): void {
    const ids = this.deps.outbox.releaseHeld(
      scope,
      now,
      (target, held, overflow) => {
        const summary = this.summarise(held, overflow, reason, now);
        // A summary is a send: it counts in the target's window (never held by it: it is one message).
        if (summary) this.windows.get(target)?.record(now);
        return summary;
      },
      onlyTarget,
    );
    if (ids.length) this.logger.info(`Sent ${ids.length} summaries of notifications held while ${reason}.`);
    for (const q of this.queues.values()) q.wake();
  }

  private summarise(
    held: OutboxItem[],
    overflow: HeldOverflow,
    reason: string,
    now: number,
  ): { severity: number; payload: string } | null {
    if (!held.length && !overflow.count) return null;
    const contents = held.map((h) => JSON.parse(h.payload) as Content);
    const from = held.reduce((m, h) => Math.min(m, h.createdAt), overflow.firstAt);
    const summary = buildSummary(contents, reason, from, now, panelUrl(this.deps.ctx), overflow.count);
    return { severity: SEVERITY_RANK[summary.severity], payload: JSON.stringify(summary) };
  }

  private tick(): void {
    try {
      this.releaseEnded();
      this.deps.outbox.prune(this.deps.ctx.clock.now() - RETENTION_MS);
    } catch (err) {
      this.logger.error('Notification housekeeping failed; it runs again in a minute.', { error: err });
    }
  }
}

/** Where people reach the panel: `web.publicUrl`, else this host and the API port. */
export function panelUrl(ctx: Pick<CoreContext, 'config'>): string {
  const web = ctx.config.web;
  if (web.publicUrl) return web.publicUrl.replace(/\/+$/, '');
  const host = web.host === '0.0.0.0' || web.host === '::' ? hostname() : web.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${web.port}`;
}

export function testContent(now: number, panel: string): Content {
  return {
    kind: 'test',
    title: 'Arrgus test notification',
    message: 'If you can read this, Arrgus can reach this target.',
    severity: 'info',
    at: now,
    facts: [{ label: 'Sent', value: new Date(now).toISOString() }],
    link: panel,
    details: { kind: 'test' },
  };
}
