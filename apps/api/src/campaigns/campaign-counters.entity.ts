import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Runs of one campaign in one flow, by state, kept as they change (migration 1763800000000: the
 * queued rows' inserter counts them, a trigger on executions the rest). Read, never written, here.
 */
@Entity('campaign_counters')
export class CampaignCountersEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The events' campaign id; `''` for runs whose events carried none. */
  @PrimaryColumn({ name: 'campaign_id', type: 'text' })
  campaignId!: string;

  @PrimaryColumn({ name: 'flow_id', type: 'uuid' })
  flowId!: string;

  @Column({ type: 'bigint', default: 0 })
  accepted!: string;

  @Column({ type: 'bigint', default: 0 })
  retried!: string;

  @Column({ type: 'bigint', default: 0 })
  queued!: string;

  @Column({ type: 'bigint', default: 0 })
  running!: string;

  @Column({ type: 'bigint', default: 0 })
  succeeded!: string;

  /** Failed and timed-out runs not retried. */
  @Column({ type: 'bigint', default: 0 })
  failed!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** Failed runs (not retried) of one campaign in one flow with one error code, kept by the same trigger. */
@Entity('campaign_failures')
export class CampaignFailuresEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'campaign_id', type: 'text' })
  campaignId!: string;

  @PrimaryColumn({ name: 'flow_id', type: 'uuid' })
  flowId!: string;

  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'bigint', default: 0 })
  failed!: string;

  /** The latest run that failed with this code. */
  @Column({ name: 'example_id', type: 'uuid', nullable: true })
  exampleId!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** A paused campaign: the workers' fetch leaves its queued runs where they are (queue/limited-fetch.ts). */
@Entity('campaign_pauses')
export class CampaignPauseEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'campaign_id', type: 'text' })
  campaignId!: string;

  @Column({ name: 'paused_at', type: 'timestamptz', default: () => 'now()' })
  pausedAt!: Date;

  @Column({ name: 'paused_by', type: 'uuid', nullable: true })
  pausedBy!: string | null;
}

/** One retry-all request, by the id its caller chose: a repeated id answers what the first did. */
@Entity('campaign_retries')
export class CampaignRetryEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'campaign_id', type: 'text' })
  campaignId!: string;

  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ name: 'flow_id', type: 'uuid', nullable: true })
  flowId!: string | null;

  @Column({ type: 'text', nullable: true })
  code!: string | null;

  @Column({ type: 'int', default: 0 })
  queued!: number;

  @Column({ type: 'int', default: 0 })
  skipped!: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
