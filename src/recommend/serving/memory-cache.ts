/**
 * A bounded map whose entries expire: products, shared lists and parsed templates are kept per
 * instance (the webhook for `memoryTtlSeconds`, so a change shows within that time; incremental
 * refreshes for as long as the fit they came from). Oldest entries go first when full.
 */
export class MemoryCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly capacity: number) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Kept when expired: `stale` may still serve it (the fallback answer) until it is replaced.
    return entry.expiresAt > now ? entry.value : undefined;
  }

  /** The value even if expired: what the fallback answer serves when the database cannot. */
  stale(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
