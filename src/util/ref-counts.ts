/**
 * Reference counts per key that report only transitions: the first reference to a key and the
 * release of its last one, which is what every "active while something needs it" rule wants.
 *
 * Most keys hold exactly one reference (an IP set one policy's rules need), so the
 * keys live in a Set and only counts above one in a Map beside it. A Set entry is smaller than a
 * Map entry with its count, and a first reference costs one hash lookup (`add`, then a size
 * check) instead of a `get` and a `set`.
 */
export class RefCounts<K> {
  /** Keys holding at least one reference. */
  private readonly held = new Set<K>();
  /** The count of each key holding more than one reference. */
  private readonly counts = new Map<K, number>();

  /** Adds a reference to `key`; true when it is the first. */
  acquire(key: K): boolean {
    const size = this.held.size;
    if (this.held.add(key).size !== size) return true;
    this.counts.set(key, (this.counts.get(key) ?? 1) + 1);
    return false;
  }

  /** Drops a reference to `key` (which must hold one); true when it was the last. */
  release(key: K): boolean {
    const count = this.counts.get(key);
    if (count === undefined) {
      this.held.delete(key);
      return true;
    }
    if (count > 2) this.counts.set(key, count - 1);
    else this.counts.delete(key);
    return false;
  }

  /** Whether `key` holds any reference. */
  has(key: K): boolean {
    return this.held.has(key);
  }

  /** The keys holding references. */
  keys(): IterableIterator<K> {
    return this.held.keys();
  }
}
