/**
 * A bounded cache that keeps recently used entries: two generations of Maps. Entries are written to
 * the young Map; when it holds half the capacity it becomes the old one and the previous old Map is
 * dropped whole; a hit in the old Map moves the entry back to the young one. Every operation is O(1)
 * and there is never more than `maxEntries` entries, so memory stays flat however many keys pass.
 * (A single Map re-ordered by delete+set slows to tens of µs per call once it has evicted many keys:
 * V8 leaves deleted slots at the front for the next `keys().next()` to skip.)
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(maxEntries: number) {
    this.generation = Math.max(1, Math.ceil((Number.isFinite(maxEntries) ? maxEntries : 1) / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.put(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.old.has(key)) this.old.delete(key);
    this.put(key, value);
  }

  private put(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
