import type { IssuedWebhookSecret, WebhookSecretStatus as WebhookSecretStatusView } from '@callflow/flow';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { TtlCache } from '../platform/cache/ttl-cache';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { SecretBox } from '../platform/secrets/secret-box';
import { FlowWebhookSecretEntity } from './flow-webhook-secret.entity';
import {
  chosenSecretProblem,
  fingerprintKey,
  fingerprintOf,
  generateWebhookSecret,
  sameSecret,
  secretDigest,
  webhookSecretAad,
} from './webhook-secret-crypto';
import { WebhookSecretThrottle } from './webhook-secret-throttle.service';

/** GET /flows/:id/webhook-secret (libs/flow/src/api/access.ts). */
export type WebhookSecretStatus = WebhookSecretStatusView<Date>;

/** Secrets are cached this long (a rotation in another process bites within it; in this one at once). */
const CACHE_TTL_MS = 2_000;

const HELD_ELSEWHERE =
  "a flow of another tenant with this flow's key already uses this secret value (one value may open one " +
  "tenant's flow only); choose another value, or omit it to have one generated";

/**
 * Per-flow webhook secrets: set or rotated by a user with api_keys.manage (the value is shown once,
 * like an API key), stored sealed, checked in constant time; a secret opens its own flow only.
 *
 * A value may be held by flows with the same key in one tenant only: a chosen value another
 * tenant's flow with this key holds is refused (409), and so is renaming a flow to a key under
 * which another tenant's flow holds its secret, both under a lock on the key. Otherwise a tenant
 * that knows a value (a former partner, a URL an agent saw) could make it ambiguous and stop the
 * owner's webhook (a call without an API key must match exactly one flow). The refusal tells that
 * tenant nothing a call to the webhook with the value would not, and chosen values are counted
 * per tenant and key like wrong secrets.
 */
@Injectable()
export class WebhookSecretsService {
  private readonly box: SecretBox;
  private readonly fingerprintKey: Buffer;
  private readonly cache = new TtlCache<Buffer | null>(CACHE_TTL_MS, { max: 10_000 });

  constructor(
    @InjectRepository(FlowWebhookSecretEntity) private readonly secrets: Repository<FlowWebhookSecretEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly throttle: WebhookSecretThrottle,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(config.secretsKey);
    this.fingerprintKey = fingerprintKey(config.secretsKey);
  }

  async status(tenantId: string, flowId: string): Promise<WebhookSecretStatus> {
    await this.flowOf(tenantId, flowId);
    const row = await this.secrets.findOne({ where: { flowId, tenantId } });
    if (!row) return { set: false };
    const fingerprint = fingerprintOf(this.fingerprintKey, tenantId, this.open(row));
    return { set: true, fingerprint, createdAt: row.createdAt };
  }

  /** Sets the flow's secret (the given one, else a generated one) and returns it, this once. */
  async rotate(
    tenantId: string,
    userId: string | null,
    flowId: string,
    given?: string,
  ): Promise<IssuedWebhookSecret<Date>> {
    const flow = await this.flowOf(tenantId, flowId);
    if (given !== undefined) {
      const problem = chosenSecretProblem(given);
      if (problem) throw new BadRequestException({ message: problem, details: [problem] });
      await this.throttle.chosenSet(tenantId, flow.key);
    }
    const secret = given ?? generateWebhookSecret();
    const fingerprint = fingerprintOf(this.fingerprintKey, tenantId, secret);
    const sealed = this.box.seal(secret, webhookSecretAad(flowId));
    const keyId = this.box.keyId;
    const createdAt = new Date();
    const row = this.secrets.create({ flowId, tenantId, sealed, keyId, createdBy: userId, createdAt });
    await this.db.transaction(async (m) => {
      // A generated value (256 random bits) is held nowhere else; a chosen one may be.
      if (given !== undefined && (await this.heldElsewhere(m, tenantId, flow.key, secret))) {
        throw new ConflictException(HELD_ELSEWHERE);
      }
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

  /**
   * Before a flow is given the key `key`: 409 when another tenant's flow with that key holds this
   * flow's secret (the two would make each other's webhook ambiguous). Nothing when it has none.
   */
  async assertKeyUsable(tenantId: string, flowId: string, key: string): Promise<void> {
    const row = await this.secrets.findOne({ where: { flowId, tenantId } });
    if (!row) return;
    const secret = this.open(row);
    await this.db.transaction(async (m) => {
      if (await this.heldElsewhere(m, tenantId, key, secret)) {
        const message =
          `the key "${key}" cannot be used: a flow of another tenant with this key uses the same webhook secret ` +
          'as this flow; set a new secret first (a generated one), or choose another key';
        throw new ConflictException({ message, details: { key } });
      }
    });
  }

  /** SHA-256 of the flow's secret, null when it has none (cached; compare with `sameDigest`). */
  secretDigestOf(tenantId: string, flowId: string): Promise<Buffer | null> {
    return this.cache.get(`${tenantId}:${flowId}`, async () => {
      const row = await this.secrets.findOne({ where: { flowId, tenantId } });
      return row ? secretDigest(this.open(row)) : null;
    });
  }

  /**
   * True when a flow of another tenant with this key holds `secret`. Takes a transaction lock on
   * the key first, so two tenants setting the value (or renaming to the key) at once take turns.
   */
  private async heldElsewhere(m: EntityManager, tenantId: string, key: string, secret: string): Promise<boolean> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('webhook-secret-key:' || $1))`, [key]);
    const rows: { flow_id: string; sealed: string }[] = await m.query(
      `SELECT s.flow_id, s.sealed FROM flow_webhook_secrets s
       JOIN flows f ON f.id = s.flow_id AND f.tenant_id = s.tenant_id
       WHERE f.key = $1 AND s.tenant_id <> $2`,
      [key, tenantId],
    );
    return rows.some((r) => {
      try {
        return sameSecret(secret, this.box.open(r.sealed, webhookSecretAad(r.flow_id)));
      } catch {
        return false; // sealed with another key (a rotation in progress): it cannot open the flow either
      }
    });
  }

  private open(row: FlowWebhookSecretEntity): string {
    return this.box.open(row.sealed, webhookSecretAad(row.flowId));
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
