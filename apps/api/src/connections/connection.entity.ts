import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A tenant's named credentials (docs/security.md). Secrets are sealed per value (see secret-box.ts). */
@Entity('connections')
@Index('connections_tenant_name_uq', ['tenantId', 'name'], { unique: true })
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** The type's non-secret settings (username, tokenUrl, the token request…). */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  /** Free non-secret fields, exposed to templates as `connection.*`. */
  @Column({ type: 'jsonb' })
  fields!: Record<string, unknown>;

  /** Origins (`https://crm.example.com`) the credentials may be sent to; empty: nowhere (see connection-origins.ts). */
  @Column({ name: 'allowed_origins', type: 'jsonb', default: () => "'[]'" })
  allowedOrigins!: string[];

  /** Secret name → sealed value (AES-256-GCM, base64). */
  @Column({ type: 'jsonb' })
  secrets!: Record<string, string>;

  /** Id of the key the secrets are sealed with (rotation finds stale rows by it). */
  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
