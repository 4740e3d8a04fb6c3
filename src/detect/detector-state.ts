/**
 * The detector's section of the state file: issues, alert keys, incidents, mutes and when each source last wrote, so a
 * restart neither forgets issues nor re-sends alerts that already went out. The detector either shares the service's
 * state file (flushed on stop) or owns one in a data directory (loaded on start, closed on stop); neither means
 * memory only (replays, tests).
 */
import type { CoreContext } from '../core/context.ts';
import type { Issue } from '../core/types.ts';
import { StateStore } from '../store/state.ts';
import type { AlertEngine, KeyState } from './alerts.ts';
import type { SavedCluster, TemplateClusters } from './clusters.ts';
import type { IncidentState, IncidentTracker } from './incidents.ts';
import type { IssueTracker } from './issue-tracker.ts';
import type { Mutes } from './mute.ts';
import type { HeardFrom, SilentSources } from './silent-sources.ts';

export interface SavedState {
  issues: Issue[];
  alerts: KeyState[];
  incidents: IncidentState;
  mutes: Array<string | null>;
  sources: Record<string, HeardFrom>;
  /** The template clusters of the issues kept, so a message after a restart joins the issue it joined before. */
  clusters?: SavedCluster[];
}

export interface StateOptions {
  /** A shared, already loaded state file; the detector registers its section and flushes it on stop. */
  state?: StateStore;
  /** Or: a directory for a state file the detector owns (loaded in start, closed in stop). Neither: memory only. */
  dataDir?: string;
}

/** The parts whose state is saved. */
export interface DetectorParts {
  tracker: IssueTracker;
  alerts: AlertEngine;
  incidents: IncidentTracker;
  mutes: Mutes;
  sources: SilentSources;
  clusters: TemplateClusters;
}

const SECTION = 'detect';
const VERSION = 1;

/** Opens (or adopts) the state file and restores the saved section into `parts`; null when memory only. */
export async function openDetectorState(
  ctx: CoreContext,
  opts: StateOptions,
  parts: DetectorParts,
): Promise<StateStore | null> {
  let store: StateStore | null = null;
  if (opts.state) store = opts.state;
  else if (opts.dataDir) {
    store = new StateStore({ dir: opts.dataDir, logger: ctx.logger.child('state'), clock: ctx.clock });
    await store.load();
  }
  const saved = store?.register<SavedState>(SECTION, { version: VERSION, snapshot: () => snapshot(parts) });
  if (saved) restore(parts, saved);
  return store;
}

/** Writes the section out: flushed when shared, closed when the detector owns the file. */
export async function closeDetectorState(store: StateStore, opts: StateOptions): Promise<void> {
  if (opts.state) await store.flush();
  else await store.close();
}

function snapshot(p: DetectorParts): SavedState {
  return {
    issues: p.tracker.snapshot(),
    alerts: p.alerts.snapshot(),
    incidents: p.incidents.snapshot(),
    mutes: p.mutes.muted(),
    sources: p.sources.snapshot(),
    clusters: p.clusters.snapshot((fp) => p.tracker.get(fp) !== undefined),
  };
}

function restore(p: DetectorParts, s: SavedState): void {
  p.tracker.restore(s.issues ?? []);
  p.alerts.restore(s.alerts ?? []);
  if (s.incidents) p.incidents.restore(s.incidents);
  p.mutes.restore(s.mutes ?? []);
  p.sources.restore(s.sources ?? {}, s.alerts ?? []);
  p.clusters.restore(s.clusters ?? []);
}
