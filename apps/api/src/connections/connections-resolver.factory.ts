import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  createTokenSource,
  EngineError,
  FlowEngine,
  resolveConnection,
  scrubSecrets,
  usesToken,
  type ConnectionResolver,
  type ConnectionSpec,
  type ResolvedConnection,
  type TokenSource,
} from '@callflow/engine';
import { ConnectionCache, type CachedSpec } from './connection-cache.service';
import { toSpec } from './connection-view';
import { ConnectionsService } from './connections.service';

/** A run's resolver, which also remembers the secrets of what it resolved (tokens refreshed later included). */
export interface TenantConnections extends ConnectionResolver {
  /** Every secret value of the connections resolved so far (for the run's record). */
  secrets(): string[];
  /** `value` with those secrets masked: apply to a RunResult before recording or returning it. */
  scrub<T>(value: T): T;
}

/**
 * Per-run connection resolvers scoped to one tenant: `engine.run(flow, input, { connections:
 * factory.forTenant(tenantId) })`. A node's `connectionId` is the connection's id or its name.
 */
@Injectable()
export class ConnectionsResolverFactory {
  private readonly logger = new Logger('Connections');

  constructor(
    private readonly connections: ConnectionsService,
    private readonly cache: ConnectionCache,
    @Inject(FlowEngine) private readonly engine: FlowEngine,
  ) {}

  /** A new resolver per run: `engine.run(flow, input, { connections })`, then `connections.scrub(result)`. */
  forTenant(tenantId: string): TenantConnections {
    return new RunConnections(this, tenantId);
  }

  async resolve(tenantId: string, ref: string): Promise<ResolvedConnection | undefined> {
    const hit = await this.load(tenantId, ref);
    if (!hit) return undefined;
    return resolveConnection(hit.spec, { tokens: this.tokensOf(hit) });
  }

  /** The decrypted connection (cached for a few seconds), or undefined when the tenant has none by that id or name. */
  async load(tenantId: string, ref: string): Promise<CachedSpec | undefined> {
    const cached = this.cache.getSpec(tenantId, ref);
    if (cached) return cached;
    const row = await this.connections.findByRef(tenantId, ref);
    if (!row) return undefined;
    let spec: ConnectionSpec;
    try {
      spec = toSpec(row, this.connections.box);
    } catch (err) {
      // Never the value; only which connection and why (e.g. sealed with another key).
      this.logger.error(
        { connectionId: row.id, reason: (err as Error).message },
        'connection secrets cannot be opened',
      );
      throw new EngineError(
        'CONNECTION_NOT_FOUND',
        `connection "${ref}" cannot be decrypted with the current SECRETS_KEY`,
      );
    }
    const value = { spec, updatedAt: row.updatedAt, name: row.name };
    this.cache.setSpec(tenantId, ref, value);
    return value;
  }

  /** The shared token source of a token connection (one per connection version per process). */
  tokensOf(hit: CachedSpec): TokenSource | undefined {
    if (!usesToken(hit.spec)) return undefined;
    return this.cache.tokenSource(hit.spec.id, hit.updatedAt, () =>
      createTokenSource(hit.spec, this.engine.services.outbound),
    );
  }
}

/**
 * One run's resolver (a class: one object per run on the IVR path, none of it built until a node
 * resolves a connection).
 */
class RunConnections implements TenantConnections {
  private used: ResolvedConnection[] | undefined;

  constructor(
    private readonly factory: ConnectionsResolverFactory,
    private readonly tenantId: string,
  ) {}

  async resolve(ref: string): Promise<ResolvedConnection | undefined> {
    const c = await this.factory.resolve(this.tenantId, ref);
    if (c) (this.used ??= []).push(c);
    return c;
  }

  secrets(): string[] {
    return this.used ? this.used.flatMap((c) => c.secrets) : [];
  }

  scrub<T>(value: T): T {
    return this.used ? scrubSecrets(value, this.secrets()) : value;
  }
}
