import { EngineError } from '../errors';
import type { CancelSignal } from '../runtime/run-cancel';

/** A token as fetched: its value and, when known, when it expires (epoch ms). */
export interface FetchedToken {
  token: string;
  expiresAt?: number;
}

export interface TokenSourceOptions {
  /** Fetches a new token. Called by at most one caller at a time (single-flight). */
  fetch: () => Promise<FetchedToken>;
  /** Refresh this long before expiry (default: 10% of the lifetime, capped at 60 s). */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * Caches one token: fetched on first use, refreshed before it expires and once after a 401.
 * Concurrent callers share one fetch (single-flight), so N runs starting together hit the
 * token endpoint once. A failed fetch is not cached: the next caller tries again.
 */
export class TokenSource {
  private current?: FetchedToken & { fetchedAt: number };
  private inflight?: Promise<FetchedToken>;
  private readonly now: () => number;

  constructor(private readonly opts: TokenSourceOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The cached token while fresh, else a new one. */
  get(signal?: CancelSignal): Promise<FetchedToken> {
    const c = this.current;
    if (c && this.isFresh(c)) return Promise.resolve(c);
    return this.refresh(signal);
  }

  /** Fetches a new token (joining a fetch already under way). */
  refresh(signal?: CancelSignal): Promise<FetchedToken> {
    if (!this.inflight) {
      const started = this.now();
      this.inflight = this.opts
        .fetch()
        .then((t) => {
          this.current = { ...t, fetchedAt: started };
          return t;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return withSignal(this.inflight, signal);
  }

  /**
   * After a 401 with `stale`: refreshes unless another caller already replaced that token.
   * Returns false when the token did not change (nothing to retry with).
   */
  async invalidate(stale: string | undefined, signal?: CancelSignal): Promise<boolean> {
    if (this.current && stale !== undefined && this.current.token !== stale && !this.inflight) return true;
    if (this.current?.token === stale) this.current = undefined;
    const t = await this.refresh(signal);
    return t.token !== stale;
  }

  /** The cached token, if any (fresh or not). */
  peek(): FetchedToken | undefined {
    return this.current;
  }

  private isFresh(t: FetchedToken & { fetchedAt: number }): boolean {
    if (t.expiresAt === undefined) return true;
    const lifetime = Math.max(0, t.expiresAt - t.fetchedAt);
    const margin = this.opts.refreshMarginMs ?? Math.min(60_000, lifetime * 0.1);
    return this.now() < t.expiresAt - margin;
  }
}

/** Waits for `p` unless `signal` aborts first (the shared fetch itself goes on for the others). */
function withSignal<T>(p: Promise<T>, signal?: CancelSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

function abortError(): Error {
  return new EngineError('RUN_ABORTED', 'the run was aborted while waiting for a token');
}
