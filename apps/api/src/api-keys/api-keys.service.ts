import type { ApiKey, CreatedApiKey } from '@callflow/flow';
import { ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { ApiKeyPrincipal } from '../access/principal';
import { TtlCache } from '../platform/cache/ttl-cache';
import { ApiKeyEntity } from './api-key.entity';
import { generateApiKey, hashApiKey, sameHash } from './api-key-crypto';
import type { CreateApiKeyDto } from './dto/create-api-key.dto';

/**
 * Verified keys are cached briefly: trigger calls are the hot path and must not wait on a query
 * each. Past the TTL the key is served while one lookup refreshes it (TtlCache), up to
 * CACHE_STALE_MS (a database restart); a key revoked in another process stops working one call
 * after the TTL, in this one at once.
 */
const CACHE_TTL_MS = 5_000;
const CACHE_STALE_MS = 60_000;
const LAST_USED_EVERY_MS = 60_000;

/** An API key as GET /api-keys answers it (libs/flow/src/api/access.ts). */
export type ApiKeyView = ApiKey<Date>;

interface KeyRow {
  id: string;
  tenant_id: string;
  key_hash: string;
  scopes: string[];
  flow_keys: string[] | null;
  revoked: boolean;
  creator_active: boolean;
}

@Injectable()
export class ApiKeysService {
  private readonly cache = new TtlCache<ApiKeyPrincipal | null>(CACHE_TTL_MS, { staleMs: CACHE_STALE_MS });
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly audit: AuditService,
  ) {}

  async create(tenantId: string, userId: string | null, dto: CreateApiKeyDto): Promise<CreatedApiKey<Date>> {
    const key = generateApiKey();
    const row = await this.keys.save(
      this.keys.create({
        tenantId,
        name: dto.name,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, 10),
        scopes: dto.scopes,
        flowKeys: dto.flowKeys ?? null,
        createdBy: userId,
      }),
    );
    await this.audit.record({
      tenantId,
      actorUserId: userId,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      details: { name: row.name, scopes: row.scopes, flowKeys: row.flowKeys, keyPrefix: row.keyPrefix },
    });
    return { ...this.view(row, new Set()), key };
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    const rows = await this.keys.find({ where: { tenantId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
    const creators = [...new Set(rows.map((r) => r.createdBy).filter((id): id is string => id !== null))];
    const inactive: { id: string }[] = creators.length
      ? await this.keys.query(`SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND NOT active`, [
          tenantId,
          creators,
        ])
      : [];
    const suspended = new Set(inactive.map((u) => u.id));
    return rows.map((r) => this.view(r, suspended));
  }

  /**
   * Forgets the cached keys (a user was deactivated or reactivated: their keys' state changed).
   * Other processes see it when their cache entry refreshes (CACHE_TTL_MS).
   */
  forgetCachedKeys(): void {
    this.cache.deletePrefix('');
  }

  async revoke(tenantId: string, id: string, actorUserId: string | null = null): Promise<void> {
    const row = await this.keys.findOne({ where: { id, tenantId, revokedAt: IsNull() } });
    if (!row) throw new NotFoundException('API key not found');
    await this.keys.update({ id, tenantId }, { revokedAt: new Date() });
    this.cache.delete(row.keyHash);
    await this.audit.record({
      tenantId,
      actorUserId,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: id,
      details: { name: row.name, keyPrefix: row.keyPrefix },
    });
  }

  /**
   * The principal of a presented key that holds `scope`; 401 when missing, unknown or revoked, 403
   * without the scope.
   */
  async authenticate(key: string | undefined, scope: string): Promise<ApiKeyPrincipal> {
    if (!key) throw new UnauthorizedException('an API key is required (Authorization: Bearer, X-Api-Key or ?token=)');
    const principal = await this.verify(key);
    if (!principal) throw new UnauthorizedException('unknown or revoked API key');
    if (!principal.scopes.includes(scope)) throw new ForbiddenException(`the API key lacks the ${scope} scope`);
    return principal;
  }

  /** The principal for a presented key, or null when unknown or revoked. */
  verify(key: string): Promise<ApiKeyPrincipal | null> {
    if (!key || key.length > 200) return Promise.resolve(null);
    const hash = hashApiKey(key);
    return this.cache.get(hash, () => this.lookup(hash));
  }

  /**
   * A key works while it is not revoked and the user who created it is active: the keys of a
   * deactivated user (someone who left) stop with their sign-in, and work again if they are
   * reactivated. Keys without a creator (none are made so through the API) are not tied to one.
   */
  private async lookup(hash: string): Promise<ApiKeyPrincipal | null> {
    const rows: KeyRow[] = await this.keys.query(
      `SELECT k.id, k.tenant_id, k.key_hash, k.scopes, k.flow_keys, k.revoked_at IS NOT NULL AS revoked,
         (k.created_by IS NULL OR EXISTS (
            SELECT 1 FROM users u
            WHERE u.id = k.created_by AND u.tenant_id = k.tenant_id AND u.active)) AS creator_active
       FROM api_keys k WHERE k.key_hash = $1`,
      [hash],
    );
    const row = rows[0];
    const principal: ApiKeyPrincipal | null =
      row && !row.revoked && row.creator_active && sameHash(row.key_hash, hash)
        ? { kind: 'apiKey', keyId: row.id, tenantId: row.tenant_id, scopes: row.scopes, flowKeys: row.flow_keys }
        : null;
    if (principal) this.touch(principal.keyId, Date.now());
    return principal;
  }

  /** Records last use at most once a minute per key, off the request path. */
  private touch(id: string, now: number): void {
    if ((this.lastUsedWritten.get(id) ?? 0) + LAST_USED_EVERY_MS > now) return;
    this.lastUsedWritten.set(id, now);
    void this.keys.update({ id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }

  private view(r: ApiKeyEntity, suspendedCreators: ReadonlySet<string>): ApiKeyView {
    const suspended = r.createdBy !== null && suspendedCreators.has(r.createdBy);
    const { id, name, keyPrefix, scopes, flowKeys, createdAt, lastUsedAt } = r;
    return { id, name, keyPrefix, scopes, flowKeys, createdAt, lastUsedAt, suspended };
  }
}
