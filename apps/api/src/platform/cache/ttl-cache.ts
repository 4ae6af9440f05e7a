/** How long a failed background refresh waits before the next call tries again, ms. */
const REFRESH_RETRY_MS = 1_000;

interface Entry<V> {
  value: Promise<V>;
  /** Fresh until then (epoch ms). */
  until: number;
  /** The value resolved (only a resolved value is served stale). */
  loaded: boolean;
  /** No background refresh starts before then (one in flight, or a failed one waiting). */
  refreshAt: number;
}

/**
 * A small in-process cache of promised values with a time-to-live and a size bound (oldest
 * evicted first). Concurrent misses share one load; a failed load is not kept.
 *
 * With `staleMs`, a value past its TTL is still served, for up to `staleMs` more, while one
 * background load replaces it (stale-while-revalidate): a trigger call never waits on the
 * database for a value this process already had. Without it, every TTL the calls in flight
 * queued behind one lookup, and behind whatever PostgreSQL was doing then (a batch of execution
 * rows): the slowest 1 % of IVR answers. A change is still seen at most one call after the TTL.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  private readonly max: number;
  private readonly staleMs: number;

  /**
   * `max`: entries kept (default 10,000); `staleMs`: how long past the TTL a value may be served while
   * it refreshes (default 0: never).
   */
  constructor(
    private readonly ttlMs: number,
    opts: { max?: number; staleMs?: number } = {},
  ) {
    this.max = opts.max ?? 10_000;
    this.staleMs = opts.staleMs ?? 0;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit) {
      if (hit.until > now) return hit.value;
      if (hit.loaded && now - hit.until < this.staleMs) {
        if (now >= hit.refreshAt) this.refresh(key, hit, load, now);
        return hit.value;
      }
      this.entries.delete(key);
    }
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry<V> = { value: load(), until: now + this.ttlMs, loaded: false, refreshAt: 0 };
    this.entries.set(key, entry);
    entry.value.then(
      () => (entry.loaded = true),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** Drops one entry: the next call loads it again. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private refresh(key: string, stale: Entry<V>, load: () => Promise<V>, now: number): void {
    stale.refreshAt = Number.POSITIVE_INFINITY;
    const next = load();
    next.then(
      () => {
        // Dropped (delete, invalidate) or replaced meanwhile: that decision stands.
        if (this.entries.get(key) === stale)
          this.entries.set(key, { value: next, until: Date.now() + this.ttlMs, loaded: true, refreshAt: 0 });
      },
      () => (stale.refreshAt = now + REFRESH_RETRY_MS),
    );
  }
}
