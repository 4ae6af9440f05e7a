import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EVENT_TRIGGER_TYPES, getNodeSpec, webhookTrigger, type FlowDefinition } from '@callflow/flow';
import { DataSource } from 'typeorm';
import { TtlCache } from '../platform/cache/ttl-cache';

/** A flow's published version as triggers see it (without its definition). */
export interface PublishedVersionRef {
  tenantId: string;
  flowId: string;
  key: string;
  name: string;
  versionId: string;
  version: number;
  triggerType: string;
  /** The trigger node's config, defaults applied. */
  triggerConfig: Record<string, unknown>;
}

/** A published version ready to compile and run. */
export interface PublishedFlow extends PublishedVersionRef {
  definition: FlowDefinition;
}

/** What a flow key resolves to. */
export type FlowLookup = { state: 'missing' } | { state: 'unpublished' } | { state: 'published'; flow: PublishedFlow };

interface VersionRow {
  flow_id: string;
  key: string;
  name: string;
  version_id: string | null;
  version: number | null;
  trigger_type: string | null;
  trigger_config: Record<string, unknown> | null;
  definition?: FlowDefinition | null;
}

/** Key → published version lookups are cached this long (the IVR hot path must not query each call). */
export const LOOKUP_TTL_MS = 2_000;
/** Past the TTL a lookup is served while one refresh runs, this long at most (e.g. while PostgreSQL restarts). */
export const LOOKUP_STALE_MS = 60_000;

const SELECT = `SELECT f.id AS flow_id, f.key, f.name, v.id AS version_id, v.version, v.trigger_type, v.trigger_config`;

/**
 * Resolves flows to their published versions. Lookups by key and the tenant's event-triggered
 * versions are cached for LOOKUP_TTL_MS (then refreshed in the background while served, see
 * TtlCache) and dropped by `invalidate` (publish in this process);
 * versions are immutable, so lookups by version id are cached until evicted.
 */
@Injectable()
export class PublishedFlowsService {
  private readonly byKeyCache = new TtlCache<FlowLookup>(LOOKUP_TTL_MS, { staleMs: LOOKUP_STALE_MS });
  private readonly eventCache = new TtlCache<PublishedVersionRef[]>(LOOKUP_TTL_MS, { staleMs: LOOKUP_STALE_MS });
  private readonly preflightCache = new TtlCache<PublishedVersionRef[]>(LOOKUP_TTL_MS, { staleMs: LOOKUP_STALE_MS });
  private readonly versionCache = new TtlCache<PublishedFlow | null>(Number.POSITIVE_INFINITY, { max: 1_000 });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The flow with this key and its published version (cached ≤ LOOKUP_TTL_MS). */
  byKey(tenantId: string, key: string): Promise<FlowLookup> {
    return this.byKeyCache.get(`${tenantId}:${key}`, async () => {
      const rows: VersionRow[] = await this.db.query(
        `${SELECT}, v.definition FROM flows f
         LEFT JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.published_version AND v.tenant_id = f.tenant_id
         WHERE f.tenant_id = $1 AND f.key = $2`,
        [tenantId, key],
      );
      const row = rows[0];
      if (!row) return { state: 'missing' };
      const flow = toFlow(tenantId, row);
      return flow ? { state: 'published', flow } : { state: 'unpublished' };
    });
  }

  /** The tenant's published versions whose trigger is started by events (cached ≤ LOOKUP_TTL_MS). */
  eventTriggered(tenantId: string): Promise<PublishedVersionRef[]> {
    return this.eventCache.get(`${tenantId}:`, async () => {
      const rows: VersionRow[] = await this.db.query(
        `${SELECT} FROM flows f
         JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.published_version AND v.tenant_id = f.tenant_id
         WHERE f.tenant_id = $1 AND v.trigger_type = ANY($2::text[])
         ORDER BY f.key`,
        [tenantId, [...EVENT_TRIGGER_TYPES]],
      );
      return rows.map((r) => toRef(tenantId, r)!);
    });
  }

  /** A version by id, published or not (a queued run runs the version that matched), or null when deleted. */
  byVersionId(tenantId: string, versionId: string): Promise<PublishedFlow | null> {
    return this.versionCache.get(`${tenantId}:${versionId}`, async () => {
      const rows: VersionRow[] = await this.db.query(
        `${SELECT}, v.definition FROM flow_versions v JOIN flows f ON f.id = v.flow_id AND f.tenant_id = v.tenant_id
         WHERE v.tenant_id = $1 AND v.id = $2`,
        [tenantId, versionId],
      );
      return rows[0] ? toFlow(tenantId, rows[0]) : null;
    });
  }

  /** The flow's currently published version, uncached (retries), or null when unpublished or gone. */
  async currentByFlowId(tenantId: string, flowId: string): Promise<PublishedFlow | null> {
    const rows: VersionRow[] = await this.db.query(
      `${SELECT}, v.definition FROM flows f
       JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.published_version AND v.tenant_id = f.tenant_id
       WHERE f.tenant_id = $1 AND f.id = $2`,
      [tenantId, flowId],
    );
    return rows[0] ? toFlow(tenantId, rows[0]) : null;
  }

  /**
   * Published webhook versions with this key in ANY tenant (cached ≤ LOOKUP_TTL_MS). Only for CORS
   * preflight, which carries no credentials, so no tenant is known; it reveals nothing but the
   * allowed origins and methods.
   */
  webhooksByKeyAnyTenant(key: string): Promise<PublishedVersionRef[]> {
    return this.preflightCache.get(key, async () => {
      const rows: (VersionRow & { tenant_id: string })[] = await this.db.query(
        `${SELECT}, f.tenant_id FROM flows f
         JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.published_version AND v.tenant_id = f.tenant_id
         WHERE f.key = $1 AND v.trigger_type = $2`,
        [key, webhookTrigger.type],
      );
      return rows.map((r) => toRef(r.tenant_id, r)!);
    });
  }

  /** Forgets the tenant's cached lookups; call after publishing or unpublishing a flow. */
  invalidate(tenantId: string): void {
    this.byKeyCache.deletePrefix(`${tenantId}:`);
    this.eventCache.deletePrefix(`${tenantId}:`);
    this.preflightCache.deletePrefix('');
  }
}

function toRef(tenantId: string, r: VersionRow): PublishedVersionRef | null {
  if (!r.version_id || r.version === null || !r.trigger_type) return null;
  return {
    tenantId,
    flowId: r.flow_id,
    key: r.key,
    name: r.name,
    versionId: r.version_id,
    version: r.version,
    triggerType: r.trigger_type,
    triggerConfig: triggerConfigWithDefaults(r.trigger_type, r.trigger_config),
  };
}

function toFlow(tenantId: string, r: VersionRow): PublishedFlow | null {
  const ref = toRef(tenantId, r);
  return ref && r.definition ? { ...ref, definition: r.definition } : null;
}

/** The stored trigger config parsed by the trigger's schema (defaults applied); best effort when it does not parse. */
export function triggerConfigWithDefaults(triggerType: string, raw: unknown): Record<string, unknown> {
  const schema = getNodeSpec(triggerType)?.configSchema;
  const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (!schema) return given;
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const defaults = schema.safeParse({});
  return { ...(defaults.success ? (defaults.data as Record<string, unknown>) : {}), ...given };
}
