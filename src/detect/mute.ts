/**
 * Maintenance mode: a global switch (`null`) and per-source switches. While a scope is muted, alerts about it are held
 * (see alerts.ts); ingestion and issue tracking carry on. Changes go on the bus as `mute` events; `onChange` lets the
 * detector deliver what was held when a mute ends.
 */
import type { EventBus } from '../core/bus.ts';
import type { ArrgusEvents } from '../core/events.ts';
import type { MuteService } from '../core/ports.ts';

export class Mutes implements MuteService {
  private readonly scopes = new Set<string | null>();
  private readonly bus: EventBus<ArrgusEvents> | null;
  private readonly onChange: (at: number) => void;

  constructor(bus: EventBus<ArrgusEvents> | null, onChange: (at: number) => void = () => {}) {
    this.bus = bus;
    this.onChange = onChange;
  }

  /** True when `source` is muted, or everything is. `null` asks about the global switch alone. */
  isMuted(source: string | null): boolean {
    if (this.scopes.has(null)) return true;
    return source !== null && this.scopes.has(source);
  }

  setMuted(source: string | null, muted: boolean, at: number): void {
    if (this.scopes.has(source) === muted) return;
    if (muted) this.scopes.add(source);
    else this.scopes.delete(source);
    this.bus?.emit('mute', { source, muted, at });
    this.onChange(at);
  }

  muted(): Array<string | null> {
    return [...this.scopes];
  }

  restore(scopes: ReadonlyArray<string | null>): void {
    this.scopes.clear();
    for (const s of scopes) this.scopes.add(s);
  }
}
