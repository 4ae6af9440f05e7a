import { Injectable } from '@nestjs/common';
import type { ConnectionSpec, TokenSource } from '@callflow/engine';

/** Decrypted connections are kept this long (and dropped at once on PUT/DELETE in this process). */
export const SPEC_TTL_MS = 5_000;
const MAX_SPECS = 5_000;
const MAX_TOKENS = 5_000;

export interface CachedSpec {
  spec: ConnectionSpec;
  updatedAt: Date;
  /** The connection's name, for messages (the spec knows only its id). */
  name?: string;
}

/**
 * In-memory caches for the resolver: decrypted connections (short TTL) and token sources keyed by
 * connection id + updatedAt, so that an edit starts from a new token.
 */
@Injectable()
export class ConnectionCache {
  private readonly specs = new Map<string, CachedSpec & { until: number }>();
  private readonly tokens = new Map<string, TokenSource>();

  getSpec(tenantId: string, ref: string): CachedSpec | undefined {
    const key = `${tenantId}:${ref}`;
    const hit = this.specs.get(key);
    if (!hit) return undefined;
    if (hit.until <= Date.now()) {
      this.specs.delete(key);
      return undefined;
    }
    return hit;
  }

  setSpec(tenantId: string, ref: string, value: CachedSpec): void {
    if (this.specs.size >= MAX_SPECS) this.specs.clear();
    this.specs.set(`${tenantId}:${ref}`, { ...value, until: Date.now() + SPEC_TTL_MS });
  }

  /** The token source of this version of a connection (older versions' sources are dropped). */
  tokenSource(id: string, updatedAt: Date, create: () => TokenSource): TokenSource {
    const key = `${id}:${updatedAt.getTime()}`;
    let src = this.tokens.get(key);
    if (!src) {
      for (const k of this.tokens.keys()) if (k.startsWith(`${id}:`)) this.tokens.delete(k);
      if (this.tokens.size >= MAX_TOKENS) this.tokens.clear();
      src = create();
      this.tokens.set(key, src);
    }
    return src;
  }

  /** Forgets a connection (after PUT or DELETE). */
  drop(id: string): void {
    for (const [k, v] of this.specs) if (v.spec.id === id) this.specs.delete(k);
    for (const k of this.tokens.keys()) if (k.startsWith(`${id}:`)) this.tokens.delete(k);
  }
}
