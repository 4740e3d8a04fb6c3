/**
 * The session tracker: the current playbacks of every server, keyed per server, and a ring of ended ones. Polls,
 * websocket messages and webhooks all feed it snapshots; it compares them with what it knew and emits an event only
 * when something a person would care about changed (started, paused, resumed, buffering, transcode decision changed,
 * stopped, failed) — never one record per poll.
 *
 * A playback that ends in failure is linked to the log issues of its server from the same minutes, so those issues
 * count the session and its user (the impact score's users and sessions shares).
 */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { IssueService } from '../core/ports.ts';
import type {
  Session,
  SessionEvent,
  SessionEventKind,
  SessionSnapshot,
  SessionSummary,
  SessionTrouble,
  TranscodeInfo,
} from '../core/session-types.ts';

export interface SessionTrackerDeps {
  clock: Clock;
  logger: Logger;
  /** Only `linkSession` is used; optional so the tracker works before the issue tracker exists. */
  issues?: Pick<IssueService, 'linkSession'>;
  /** Where events go: the bus once `session` is in ArrgusEvents. */
  emit?: (event: SessionEvent) => void;
}

export interface SessionTrackerOptions {
  /** Ended sessions kept for /api/sessions/history. */
  historySize?: number;
  /** A failed playback is linked to issues of its server within ± this window. */
  linkWindowMs?: number;
  /**
   * Most playbacks followed at once over all servers: webhooks are sent by anyone who can reach Arrgus, and each
   * PlaybackStart would otherwise add one for good. Beyond it the least recently updated playback is ended.
   */
  maxActive?: number;
  /** A playback with no news for this long is ended (a webhook-only server that never sent its stop). */
  idleExpiryMs?: number;
}

const HOUR = 3_600_000;

export class SessionTracker {
  private readonly deps: SessionTrackerDeps;
  private readonly historySize: number;
  private readonly linkWindowMs: number;
  private readonly live = new Map<string, Map<string, Session>>();
  private readonly ended: Session[] = [];
  private readonly maxActive: number;
  private readonly idleExpiryMs: number;
  private activeCount = 0;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private evictedSinceLog = 0;
  private lastEvictLogAt = Number.NEGATIVE_INFINITY;

  constructor(deps: SessionTrackerDeps, opts: SessionTrackerOptions = {}) {
    this.deps = deps;
    this.historySize = opts.historySize ?? 500;
    this.linkWindowMs = opts.linkWindowMs ?? 5 * 60_000;
    this.maxActive = opts.maxActive ?? 1000;
    this.idleExpiryMs = opts.idleExpiryMs ?? 6 * HOUR;
  }

  /** Playbacks followed now, over all servers. */
  get activeSize(): number {
    return this.activeCount;
  }

  /** Ends playbacks idle beyond `idleExpiryMs` (at most once a minute), and the oldest ones beyond `maxActive`. */
  private bound(at: number, adding: boolean): void {
    if (at - this.lastSweepAt >= 60_000) {
      this.lastSweepAt = at;
      for (const [server, byId] of [...this.live]) {
        for (const [id, s] of [...byId]) if (at - s.updatedAt > this.idleExpiryMs) this.end(server, id, at);
      }
    }
    if (!adding || this.activeCount < this.maxActive) return;
    let oldest: Session | undefined;
    for (const byId of this.live.values()) {
      for (const s of byId.values()) if (!oldest || s.updatedAt < oldest.updatedAt) oldest = s;
    }
    if (!oldest) return;
    this.end(oldest.server, oldest.id, at);
    this.evictedSinceLog++;
    if (at - this.lastEvictLogAt >= 60_000) {
      this.deps.logger.warn(
        `More than ${this.maxActive} playbacks at once: ended the ${this.evictedSinceLog} least recently updated (a webhook flood?).`,
      );
      this.lastEvictLogAt = at;
      this.evictedSinceLog = 0;
    }
  }

  /**
   * A server's complete list of playbacks (a poll, a Jellyfin `Sessions` message). Sessions it no longer lists have
   * ended: as failed when the server flagged an error or the playback was stuck buffering, else as stopped.
   */
  reconcile(server: string, app: string, snapshots: readonly SessionSnapshot[], at = this.deps.clock.now()): void {
    const seen = new Set<string>();
    for (const snap of snapshots) {
      seen.add(snap.id);
      this.apply(server, app, snap, at);
    }
    const current = this.live.get(server);
    if (!current) return;
    for (const [id, s] of [...current]) {
      if (seen.has(id)) continue;
      if (s.error) this.end(server, id, at, { reason: s.error });
      else if (s.state === 'buffering') this.end(server, id, at, { reason: 'stopped while buffering' });
      else this.end(server, id, at);
    }
  }

  /** One playback changed (websocket, webhook). Returns the events it caused. */
  apply(server: string, app: string, snap: SessionSnapshot, at = this.deps.clock.now()): SessionEventKind[] {
    let byId = this.live.get(server);
    if (!byId) {
      byId = new Map();
      this.live.set(server, byId);
    }
    this.bound(at, !byId.has(snap.id));
    const prev = byId.get(snap.id);
    if (!this.live.has(server)) this.live.set(server, byId);
    if (!prev) this.activeCount++;
    const next: Session = {
      ...snap,
      key: `${server}/${snap.id}`,
      server,
      app,
      progress: progressOf(snap.positionMs, snap.durationMs),
      startedAt: prev?.startedAt ?? at,
      updatedAt: at,
    };
    // A webhook knows less than a poll: keep what we had rather than forgetting it.
    if (prev) fillFrom(next, prev, snap.partial === true);
    delete next.partial;
    byId.set(snap.id, next);
    const kinds: SessionEventKind[] = [];
    if (!prev) {
      kinds.push('started');
      if (next.state === 'buffering') kinds.push('buffering');
    } else {
      if (prev.state !== next.state) {
        if (next.state === 'paused') kinds.push('paused');
        else if (next.state === 'buffering') kinds.push('buffering');
        else kinds.push('resumed');
      }
      if (transcodeSignature(prev.transcode) !== transcodeSignature(next.transcode)) kinds.push('transcode_changed');
    }
    for (const kind of kinds) {
      this.publish(kind === 'transcode_changed' && prev ? { previousTranscode: prev.transcode } : {}, kind, next, at);
    }
    return kinds;
  }

  /** A playback ended. With `failure`, it failed: it is linked to the server's issues of the same minutes. */
  end(server: string, id: string, at = this.deps.clock.now(), failure?: { reason: string }): Session | undefined {
    const byId = this.live.get(server);
    const s = byId?.get(id);
    if (!byId || !s) return undefined;
    byId.delete(id);
    this.activeCount--;
    if (byId.size === 0) this.live.delete(server);
    const done: Session = { ...s, state: 'stopped', endedAt: at, updatedAt: at };
    if (failure) {
      done.failed = true;
      done.failReason = failure.reason;
      const ids = this.link(done, at);
      if (ids.length) done.issueIds = ids;
    }
    this.remember(done);
    this.publish({}, failure ? 'failed' : 'stopped', done, at);
    return done;
  }

  /**
   * A failure reported for a playback Arrgus may not have seen (Tautulli "Playback Error", a webhook without a poller):
   * ends it when known, else records it straight into history so it is linked and counted all the same.
   */
  fail(server: string, app: string, snap: SessionSnapshot, reason: string, at = this.deps.clock.now()): Session {
    if (!this.live.get(server)?.has(snap.id)) this.apply(server, app, snap, at);
    return this.end(server, snap.id, at, { reason }) as Session;
  }

  active(): Session[] {
    const out: Session[] = [];
    for (const byId of this.live.values()) for (const s of byId.values()) out.push(copy(s));
    return out.sort((a, b) => a.startedAt - b.startedAt || a.key.localeCompare(b.key));
  }

  /** Ended sessions, newest first. */
  history(limit = 50): Session[] {
    return this.ended.slice(-limit).reverse().map(copy);
  }

  /**
   * The numbers for Home Assistant and the panel: of every server, or of one (`server`, a source name) for that
   * server's own device. Failures count for an hour after the playback ended.
   */
  summary(server?: string, at = this.deps.clock.now()): SessionSummary {
    const sum: SessionSummary = {
      active: 0,
      playing: 0,
      paused: 0,
      buffering: 0,
      directPlay: 0,
      directStream: 0,
      transcodes: 0,
      softwareTranscodes: 0,
      hardwareTranscodes: 0,
      bandwidthKbps: 0,
      inTrouble: 0,
      failedLastHour: 0,
      trouble: [],
      byServer: {},
    };
    const live = server === undefined ? this.active() : this.active().filter((s) => s.server === server);
    for (const s of live) {
      sum.active++;
      if (s.state === 'playing') sum.playing++;
      else if (s.state === 'paused') sum.paused++;
      else if (s.state === 'buffering') sum.buffering++;
      const t = s.transcode;
      if (t.decision === 'directplay') sum.directPlay++;
      else if (t.decision === 'directstream') sum.directStream++;
      else if (t.decision === 'transcode') sum.transcodes++;
      if (t.hardware === true) sum.hardwareTranscodes++;
      if (t.hardware === false) sum.softwareTranscodes++;
      sum.bandwidthKbps += s.bandwidthKbps ?? 0;
      const per = sum.byServer[s.server] ?? { active: 0, transcodes: 0, bandwidthKbps: 0 };
      per.active++;
      if (t.decision === 'transcode') per.transcodes++;
      per.bandwidthKbps += s.bandwidthKbps ?? 0;
      sum.byServer[s.server] = per;
      const trouble = troubleOf(s);
      if (trouble) sum.trouble.push(trouble);
    }
    for (const s of this.ended) {
      if (server !== undefined && s.server !== server) continue;
      if (s.failed && (s.endedAt ?? 0) >= at - HOUR) {
        sum.failedLastHour++;
        sum.trouble.push(describe(s, 'failed', s.failReason ?? 'playback failed'));
      }
    }
    sum.inTrouble = sum.trouble.length;
    return sum;
  }

  private link(s: Session, at: number): string[] {
    const issues = this.deps.issues;
    if (!issues) return [];
    const who: { user?: string; session?: string; client?: string } = { session: s.key };
    if (s.user) who.user = s.user;
    const client = s.device ?? s.client;
    if (client) who.client = client;
    try {
      return issues.linkSession(s.server, at, this.linkWindowMs, who).map((i) => i.id);
    } catch (err) {
      this.deps.logger.warn(`Could not link the failed playback ${s.key} to issues of ${s.server}.`, { error: err });
      return [];
    }
  }

  private remember(s: Session): void {
    this.ended.push(s);
    if (this.ended.length > this.historySize) this.ended.splice(0, this.ended.length - this.historySize);
  }

  private publish(extra: Partial<SessionEvent>, kind: SessionEventKind, s: Session, at: number): void {
    const level = kind === 'failed' ? 'warn' : 'debug';
    this.deps.logger[level](`Playback ${kind.replace('_', ' ')} on ${s.server}: ${s.title}.`, {
      user: s.user,
      client: s.client,
      decision: s.transcode.decision,
      ...(s.failReason ? { reason: s.failReason } : {}),
    });
    this.deps.emit?.({ kind, session: copy(s), at, ...extra });
  }
}

/** What counts as a "transcode decision change": not speed or progress, which move on every poll. */
function transcodeSignature(t: TranscodeInfo): string {
  return [t.decision, t.videoDecision ?? '', t.audioDecision ?? '', t.subtitleDecision ?? '', String(t.hardware)].join(
    '|',
  );
}

function troubleOf(s: Session): SessionTrouble | undefined {
  if (s.state === 'buffering') return describe(s, 'buffering', 'the client is buffering');
  const t = s.transcode;
  if (
    s.state === 'playing' &&
    t.decision === 'transcode' &&
    t.speed !== undefined &&
    t.speed < 1 &&
    !t.throttled &&
    !t.complete
  ) {
    return describe(s, 'slow_transcode', `transcoding at ${t.speed.toFixed(2)}x, slower than real time`);
  }
  return undefined;
}

function describe(s: Session, reason: SessionTrouble['reason'], detail: string): SessionTrouble {
  const out: SessionTrouble = { key: s.key, server: s.server, title: s.title, reason, detail };
  if (s.user) out.user = s.user;
  return out;
}

function progressOf(pos: number | undefined, dur: number | undefined): number | null {
  if (pos === undefined || !dur || dur <= 0) return null;
  return Math.min(1, Math.max(0, pos / dur));
}

const KEEP = ['user', 'client', 'device', 'address', 'show', 'season', 'episode', 'itemId', 'bandwidthKbps'] as const;

function fillFrom(next: Session, prev: Session, partial: boolean): void {
  if (partial) next.transcode = prev.transcode;
  for (const k of KEEP) {
    if (next[k] === undefined && prev[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = prev[k];
  }
  if (next.location === 'unknown') next.location = prev.location;
  if (next.durationMs === undefined && prev.durationMs !== undefined) {
    next.durationMs = prev.durationMs;
    next.progress = progressOf(next.positionMs ?? prev.positionMs, prev.durationMs);
  }
}

function copy(s: Session): Session {
  return structuredClone(s);
}
