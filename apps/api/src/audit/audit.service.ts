import type { AuditEntry as AuditEntryView } from '@callflow/flow';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type EntityManager, Repository } from 'typeorm';
import { decodeCursor, encodeCursor, UUID_RE } from '../platform/cursors/cursor';
import { AuditLogEntity } from './audit-log.entity';

export type AuditAction =
  | 'flow.published'
  | 'flow.rolled_back'
  | 'flow.unpublished'
  | 'role.created'
  | 'role.updated'
  | 'role.deleted'
  | 'user.created'
  | 'user.updated'
  | 'user.deactivated'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'webhook_secret.set'
  | 'webhook_secret.removed'
  | 'connection.created'
  | 'connection.updated'
  | 'connection.deleted'
  | 'auth.signed_in'
  | 'auth.sign_in_failed'
  | 'tenant.created'
  | 'campaign.paused'
  | 'campaign.resumed'
  | 'campaign.retried';

export interface AuditEntry {
  tenantId: string;
  actorUserId: string | null;
  action: AuditAction;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** An audit entry as GET /audit answers it (libs/flow/src/api/access.ts). */
export type AuditView = AuditEntryView<Date>;

/** Where a target type's current name is read (tenant-scoped). */
const NAMES: Record<string, { table: string; column: string }> = {
  flow: { table: 'flows', column: 'name' },
  user: { table: 'users', column: 'email' },
  role: { table: 'roles', column: 'name' },
  api_key: { table: 'api_keys', column: 'name' },
  connection: { table: 'connections', column: 'name' },
};

const PAGE = 50;

/** Append-only audit trail, one tenant at a time. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLogEntity) private readonly log: Repository<AuditLogEntity>) {}

  /** Records an entry; pass the transaction's manager so the entry commits (or not) with the change. */
  async record(entry: AuditEntry, m?: EntityManager): Promise<void> {
    const repo = m ? m.getRepository(AuditLogEntity) : this.log;
    await repo.insert({
      tenantId: entry.tenantId,
      actorUserId: entry.actorUserId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: (entry.details ?? {}) as never,
    });
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(
    tenantId: string,
    q: { cursor?: string; action?: string; limit?: number },
  ): Promise<{ items: AuditView[]; nextCursor?: string }> {
    const limit = q.limit ?? PAGE;
    const qb = this.log.createQueryBuilder('a').where('a.tenant_id = :tenantId', { tenantId });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.cursor) {
      const [at, id] = decodeCursor(
        q.cursor,
        2,
        (v) =>
          typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && UUID_RE.test(v[1]),
      ) as [string, string];
      qb.andWhere(
        new Brackets((w) =>
          w.where('a.created_at < :at', { at }).orWhere('a.created_at = :at AND a.id < :id', { at, id }),
        ),
      );
    }
    const rows = await qb
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const names = await this.targetNames(tenantId, page);
    const items = page.map((r) => ({
      id: r.id,
      actorUserId: r.actorUserId,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      targetName: (r.targetId && names.get(`${r.targetType}:${r.targetId}`)) ?? null,
      details: r.details,
      createdAt: r.createdAt,
    }));
    const last = items[items.length - 1];
    return rows.length > limit && last
      ? { items, nextCursor: encodeCursor([last.createdAt.toISOString(), last.id]) }
      : { items };
  }

  /** Current names of a page's targets, keyed `type:id`: one query, each table by primary key within the tenant. */
  private async targetNames(tenantId: string, rows: AuditLogEntity[]): Promise<Map<string, string>> {
    const ids = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!r.targetId || !Object.hasOwn(NAMES, r.targetType) || !UUID_RE.test(r.targetId)) continue;
      const set = ids.get(r.targetType) ?? new Set<string>();
      ids.set(r.targetType, set.add(r.targetId));
    }
    if (ids.size === 0) return new Map();
    const params: unknown[] = [tenantId];
    const parts = [...ids].map(([type, set]) => {
      const { table, column } = NAMES[type]!;
      params.push([...set]);
      return (
        `SELECT '${type}' AS type, id::text AS id, ${column} AS name FROM ${table} ` +
        `WHERE tenant_id = $1 AND id = ANY($${params.length}::uuid[])`
      );
    });
    const found: { type: string; id: string; name: string }[] = await this.log.query(parts.join(' UNION ALL '), params);
    return new Map(found.map((f) => [`${f.type}:${f.id}`, f.name]));
  }
}
