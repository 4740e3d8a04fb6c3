/**
 * A bounded cache of recent entries for the hot path. Two generations instead of FIFO eviction from one `Map`:
 * deleting a map's oldest key (`keys().next()`) walks over the holes earlier deletions left at the front of V8's
 * hash table, which made eviction cost grow with the table. Here the young map fills up, then becomes the old one
 * and the previous old one is dropped whole; a hit in the old generation moves the entry back into the young one.
 * Holds between `max / 2` and `max` entries.
 */
export class RecentCache<V, K = string> {
  private readonly half: number;
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.half && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
