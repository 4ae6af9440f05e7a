import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { FlowDefinition } from '@callflow/flow';

/** A flow's editable draft; published versions live in flow_versions. */
@Entity('flows')
@Index('flows_tenant_key_uq', ['tenantId', 'key'], { unique: true })
export class FlowEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** URL slug used by trigger endpoints (/ivr/:flowKey, /hooks/:flowKey). */
  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'jsonb' })
  definition!: FlowDefinition;

  /** Bumped on every draft save; a PUT must carry the revision it edited. */
  @Column({ type: 'int', default: 1 })
  revision!: number;

  /** The version triggers run, or null when never published (or unpublished). */
  @Column({ name: 'published_version', type: 'int', nullable: true })
  publishedVersion!: number | null;

  @Column({ name: 'latest_version', type: 'int', default: 0 })
  latestVersion!: number;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
