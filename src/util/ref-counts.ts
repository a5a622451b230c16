/**
 * Reference counts per key that report only transitions: the first reference to a key and the
 * release of its last one, which is what every "active while something needs it" rule wants.
 */
export class RefCounts<K> {
  private readonly counts = new Map<K, number>();

  /** Adds a reference to `key`; true when it is the first. */
  acquire(key: K): boolean {
    const count = this.counts.get(key) ?? 0;
    this.counts.set(key, count + 1);
    return count === 0;
  }

  /** Drops a reference to `key` (which must hold one); true when it was the last. */
  release(key: K): boolean {
    const count = this.counts.get(key)!;
    if (count > 1) {
      this.counts.set(key, count - 1);
      return false;
    }
    this.counts.delete(key);
    return true;
  }

  /** Whether `key` holds any reference. */
  has(key: K): boolean {
    return this.counts.has(key);
  }
}
