import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per (event id, flow): the idempotency record that makes a repeated event a no-op. */
@Entity('event_runs')
export class EventRunEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'flow_id', type: 'uuid' })
  flowId!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'execution_id', type: 'uuid' })
  executionId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
