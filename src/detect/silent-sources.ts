/**
 * Silent sources: when each source last wrote (log time), and a `silent` state alert for one that has written
 * nothing for its configured time (`alerts.silentAfter`, per source too; off by default). The alert clears on the
 * source's next record. `heard` runs for every record, so it is a field compare and two writes in the usual case.
 */
import { formatDuration } from '../config/duration.ts';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { LogRecord } from '../core/types.ts';
import { alertPolicy, silentAfter } from './alert-keys.ts';
import type { AlertEngine, KeyState } from './alerts.ts';
import { appDisplayName } from './titles.ts';

export interface HeardFrom {
  app: string;
  lastAt: number;
}

export class SilentSources {
  private readonly alerts: AlertEngine;
  private readonly config: Config['alerts'];
  private readonly clock: Clock;
  private readonly sources = new Map<string, HeardFrom>();
  private readonly silent = new Set<string>();
  /** Records come in runs from one source: the last entry saves the map lookup. */
  private lastSource = '';
  private lastEntry: HeardFrom | undefined;

  constructor(alerts: AlertEngine, config: Config['alerts'], clock: Clock) {
    this.alerts = alerts;
    this.config = config;
    this.clock = clock;
  }

  heard(rec: LogRecord): void {
    const source = rec.source;
    let s = source === this.lastSource ? this.lastEntry : this.sources.get(source);
    if (s) {
      if (rec.time > s.lastAt) s.lastAt = rec.time;
    } else {
      s = { app: rec.app, lastAt: rec.time };
      this.sources.set(source, s);
    }
    this.lastSource = source;
    this.lastEntry = s;
    if (this.silent.size && this.silent.delete(source)) this.alerts.clear(`silent:${source}`, this.clock.now());
  }

  /** Configured sources count as heard from at start, so a silent one is noticed even if it never wrote. */
  seed(sources: ReadonlyArray<{ name: string; app: string }>, now: number): void {
    for (const s of sources) if (!this.sources.has(s.name)) this.sources.set(s.name, { app: s.app, lastAt: now });
  }

  /** Raises a `silent` alert for each source quiet for longer than it may be. */
  check(now: number): void {
    for (const [source, { app, lastAt }] of this.sources) {
      const after = silentAfter(this.config, source);
      if (after <= 0 || this.silent.has(source) || now - lastAt < after) continue;
      this.silent.add(source);
      const policy = alertPolicy(this.config, undefined, source);
      const subject = {
        key: `silent:${source}`,
        title: `${source} (${appDisplayName(app)}) has written nothing for ${formatDuration(after)}`,
        source,
        app,
        category: 'connectivity',
        severity: 'medium' as const,
        level: 'warn' as const,
      };
      this.alerts.raise(subject, { ...policy, threshold: 1 }, 'silent', now);
    }
  }

  snapshot(): Record<string, HeardFrom> {
    return Object.fromEntries(this.sources);
  }

  /** Restores what was heard, and which sources are silent (their alerts, restored by the alert engine). */
  restore(sources: Readonly<Record<string, HeardFrom>>, alerts: readonly KeyState[]): void {
    for (const [k, v] of Object.entries(sources)) this.sources.set(k, v);
    for (const st of alerts) if (st.kind === 'silent' && st.stateActive) this.silent.add(st.subject.source);
    this.lastSource = '';
    this.lastEntry = undefined;
  }
}
