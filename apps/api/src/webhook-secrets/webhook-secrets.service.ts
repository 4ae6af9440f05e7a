import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TtlCache } from '../common/ttl-cache';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SecretBox } from '../connections/secret-box';
import { FlowWebhookSecretEntity } from './flow-webhook-secret.entity';
import { fingerprintOf, generateWebhookSecret, sameSecret, webhookSecretAad } from './webhook-secret-crypto';

export interface WebhookSecretStatus {
  set: boolean;
  fingerprint?: string;
  createdAt?: Date;
}

/** Secrets are cached this long (a rotation in another process bites within it; in this one at once). */
const CACHE_TTL_MS = 2_000;

/**
 * Per-flow webhook secrets: set or rotated by a user with api_keys.manage (the value is shown once,
 * like an API key), stored sealed, checked in constant time; a secret opens its own flow only.
 */
@Injectable()
export class WebhookSecretsService {
  private readonly box: SecretBox;
  private readonly cache = new TtlCache<string | null>(CACHE_TTL_MS, { max: 10_000 });

  constructor(
    @InjectRepository(FlowWebhookSecretEntity) private readonly secrets: Repository<FlowWebhookSecretEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(config.secretsKey);
  }

  async status(tenantId: string, flowId: string): Promise<WebhookSecretStatus> {
    await this.flowOf(tenantId, flowId);
    const row = await this.secrets.findOne({ where: { flowId, tenantId } });
    return row ? { set: true, fingerprint: row.fingerprint, createdAt: row.createdAt } : { set: false };
  }

  /** Sets the flow's secret (the given one, else a generated one) and returns it, this once. */
  async rotate(
    tenantId: string,
    userId: string | null,
    flowId: string,
    given?: string,
  ): Promise<{ secret: string; fingerprint: string; createdAt: Date }> {
    const flow = await this.flowOf(tenantId, flowId);
    const secret = given ?? generateWebhookSecret();
    const fingerprint = fingerprintOf(secret);
    const sealed = this.box.seal(secret, webhookSecretAad(flowId));
    const keyId = this.box.keyId;
    const createdAt = new Date();
    const row = this.secrets.create({ flowId, tenantId, sealed, keyId, fingerprint, createdBy: userId, createdAt });
    await this.db.transaction(async (m) => {
      await m.getRepository(FlowWebhookSecretEntity).upsert(row, ['flowId']);
      const details = { key: flow.key, fingerprint, chosen: given !== undefined };
      const action = 'webhook_secret.set';
      const entry = { tenantId, actorUserId: userId, action, targetType: 'flow', targetId: flowId, details } as const;
      await this.audit.record(entry, m);
    });
    this.cache.delete(`${tenantId}:${flowId}`);
    return { secret, fingerprint, createdAt: row.createdAt };
  }

  async remove(tenantId: string, userId: string | null, flowId: string): Promise<void> {
    const flow = await this.flowOf(tenantId, flowId);
    const result = await this.secrets.delete({ flowId, tenantId });
    this.cache.delete(`${tenantId}:${flowId}`);
    if (!result.affected) throw new NotFoundException('this flow has no webhook secret');
    const details = { key: flow.key };
    const action = 'webhook_secret.removed';
    await this.audit.record({ tenantId, actorUserId: userId, action, targetType: 'flow', targetId: flowId, details });
  }

  /** True when `presented` is this flow's secret (constant time; false when the flow has none). */
  async matches(tenantId: string, flowId: string, presented: string): Promise<boolean> {
    const secret = await this.cache.get(`${tenantId}:${flowId}`, async () => {
      const row = await this.secrets.findOne({ where: { flowId, tenantId } });
      return row ? this.box.open(row.sealed, webhookSecretAad(flowId)) : null;
    });
    return secret !== null && sameSecret(presented, secret);
  }

  private async flowOf(tenantId: string, flowId: string): Promise<{ key: string }> {
    const rows: { key: string }[] = await this.db.query(`SELECT key FROM flows WHERE id = $1 AND tenant_id = $2`, [
      flowId,
      tenantId,
    ]);
    if (!rows[0]) throw new NotFoundException('flow not found');
    return rows[0];
  }
}
