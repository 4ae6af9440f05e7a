import crypto from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { TYPE_SECRETS, type ConnectionType } from '@callflow/engine';
import { QueryFailedError, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { connectionCreated, connectionDeleted, connectionUpdated, snapshot } from './connection-audit';
import { ConnectionCache } from './connection-cache.service';
import { allowedOriginsFor, keptSecretNames, requireSecretsToWiden } from './connection-origins';
import { parseConnectionBody, type ParsedConnection } from './connection-body';
import { ConnectionEntity } from './connection.entity';
import { toView, type ConnectionView } from './connection-view';
import { SecretBox, secretAad } from '../platform/secrets/secret-box';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** CRUD of a tenant's connections; secrets are sealed on the way in and never leave as plaintext. */
@Injectable()
export class ConnectionsService {
  readonly box: SecretBox;

  constructor(
    @InjectRepository(ConnectionEntity) private readonly repo: Repository<ConnectionEntity>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly cache: ConnectionCache,
    private readonly audit: AuditService,
  ) {
    this.box = new SecretBox(config.secretsKey);
  }

  async list(tenantId: string): Promise<ConnectionView[]> {
    const rows = await this.repo.find({ where: { tenantId }, order: { name: 'ASC' } });
    return rows.map(toView);
  }

  async get(tenantId: string, id: string): Promise<ConnectionView> {
    return toView(await this.row(tenantId, id));
  }

  async create(tenantId: string, userId: string | null, body: unknown): Promise<ConnectionView> {
    const p = parseConnectionBody(body, 'create');
    const allowedOrigins = allowedOriginsFor(p, undefined);
    const row = this.repo.create({
      tenantId,
      name: p.name,
      type: p.type,
      description: p.description ?? null,
      config: p.config,
      fields: p.fields,
      allowedOrigins,
      secrets: {},
      keyId: this.box.keyId,
      createdBy: userId,
    });
    // The id is part of each secret's AAD, so it is chosen before sealing.
    row.id = crypto.randomUUID();
    row.secrets = this.seal(row.id, {}, p);
    const saved = await this.save(row);
    await this.audit.record({ tenantId, actorUserId: userId, ...connectionCreated(saved) });
    return toView(saved);
  }

  async update(tenantId: string, id: string, body: unknown, userId: string | null = null): Promise<ConnectionView> {
    const row = await this.row(tenantId, id);
    const before = snapshot(row);
    const p = parseConnectionBody(body, 'update');
    const origins = allowedOriginsFor(p, row.allowedOrigins);
    requireSecretsToWiden(row.allowedOrigins ?? [], origins, keptSecretNames(row.secrets ?? {}, row.type, p), p.type);
    row.allowedOrigins = origins;
    const kept = p.type === row.type ? row.secrets : {};
    row.name = p.name;
    row.type = p.type;
    if (p.description !== undefined) row.description = p.description;
    row.config = p.config;
    row.fields = p.fields;
    row.secrets = this.seal(row.id, kept, p);
    row.keyId = this.box.keyId;
    const saved = await this.save(row);
    this.cache.drop(id);
    await this.audit.record({ tenantId, actorUserId: userId, ...connectionUpdated(before, saved, p) });
    return toView(saved);
  }

  async remove(tenantId: string, id: string, userId: string | null = null): Promise<void> {
    const row = await this.row(tenantId, id);
    await this.repo.delete({ id: row.id, tenantId });
    this.cache.drop(id);
    await this.audit.record({ tenantId, actorUserId: userId, ...connectionDeleted(row) });
  }

  /** A row of the tenant by id, or 404 (also for another tenant's id). */
  async row(tenantId: string, id: string): Promise<ConnectionEntity> {
    const row = UUID.test(id) ? await this.repo.findOne({ where: { id, tenantId } }) : null;
    if (!row) throw new NotFoundException('connection not found');
    return row;
  }

  /** By id or by name (flows may name their connection), within the tenant. */
  async findByRef(tenantId: string, ref: string): Promise<ConnectionEntity | null> {
    if (UUID.test(ref)) return this.repo.findOne({ where: { id: ref, tenantId } });
    return this.repo.findOne({ where: { name: ref, tenantId } });
  }

  /** Kept secrets (re-sealed only if new), new values sealed, nulls cleared, names the type does not know dropped. */
  private seal(id: string, kept: Record<string, string>, p: ParsedConnection): Record<string, string> {
    const allowed = TYPE_SECRETS[p.type as ConnectionType];
    const out: Record<string, string> = {};
    for (const [name, sealed] of Object.entries(kept))
      if (allowed === 'any' || allowed.includes(name)) out[name] = sealed;
    for (const [name, value] of Object.entries(p.secrets)) {
      if (value === null) delete out[name];
      else out[name] = this.box.seal(value, secretAad(id, name));
    }
    return out;
  }

  private async save(row: ConnectionEntity): Promise<ConnectionEntity> {
    try {
      return await this.repo.save(row);
    } catch (err) {
      if (err instanceof QueryFailedError && (err as QueryFailedError & { code?: string }).code === '23505')
        throw new ConflictException(`a connection named "${row.name}" already exists`);
      throw err;
    }
  }
}
