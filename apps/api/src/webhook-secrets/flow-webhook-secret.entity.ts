import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A webhook flow's own secret (RetailCRM's clientId, a token in a URL an agent's browser sees):
 * one per flow, sealed with the SECRETS_KEY (never in the definition, which every flows.read user
 * sees and exports). Deleted with its flow. Its fingerprint is computed when shown (keyed from
 * SECRETS_KEY, see webhook-secret-crypto.ts), never stored.
 */
@Entity('flow_webhook_secrets')
@Index('flow_webhook_secrets_tenant_idx', ['tenantId'])
export class FlowWebhookSecretEntity {
  @PrimaryColumn({ name: 'flow_id', type: 'uuid' })
  flowId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** AES-256-GCM, bound to the flow id (see secret-box.ts). */
  @Column({ type: 'text' })
  sealed!: string;

  /** Id of the key it is sealed with (rotation finds stale rows by it). */
  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
