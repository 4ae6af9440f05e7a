import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { FlowDefinition } from '@callflow/flow';

/** An immutable published version of a flow. */
@Entity('flow_versions')
@Index('flow_versions_flow_version_uq', ['flowId', 'version'], { unique: true })
@Index('flow_versions_tenant_trigger_idx', ['tenantId', 'triggerType'])
export class FlowVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'flow_id', type: 'uuid' })
  flowId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: FlowDefinition;

  /** The trigger node's type and config, copied out for event matching. */
  @Column({ name: 'trigger_type', type: 'text' })
  triggerType!: string;

  @Column({ name: 'trigger_config', type: 'jsonb', default: () => "'{}'" })
  triggerConfig!: Record<string, unknown>;

  @Column({ type: 'text', default: '' })
  note!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
