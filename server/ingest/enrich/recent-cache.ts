/**
 * A bounded cache that keeps what was used recently, in two generations: entries go into the
 * young map; when it is full, it becomes the old map and the previous old map is dropped; a hit
 * in the old map moves the entry back to the young one. A hit in the young map costs a single
 * Map lookup: a strict LRU reorders its Map on every hit, which showed in ingest profiles.
 * Holds at most `capacity` entries; an entry used at least once per `capacity / 2` insertions
 * is never evicted.
 */
export class RecentCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`cache capacity must be an integer of at least 2, got ${capacity}`);
    this.half = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined || this.young.has(key)) return hit;
    if (!this.old.has(key)) return undefined;
    const value = this.old.get(key) as V;
    this.old.delete(key);
    this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.old.delete(key);
    this.young.set(key, value);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
