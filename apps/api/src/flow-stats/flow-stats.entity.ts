import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Runs of a flow (node_id `''`) or of one of its nodes that finished in one minute (span 1), quarter
 * of an hour (15) or hour (60), with their durations as a histogram (migration 1763830000000). Written by the
 * execution writer's FlowStatsRecorder, read by FlowStatsService, both in SQL.
 */
@Entity('flow_stats')
@Index('flow_stats_span_at_idx', ['span', 'at'])
export class FlowStatsEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'flow_id', type: 'uuid' })
  flowId!: string;

  /** Minutes the row covers: 1, 15 or 60. */
  @PrimaryColumn({ type: 'smallint' })
  span!: number;

  /** Start of the minute or hour. */
  @PrimaryColumn({ type: 'timestamptz' })
  at!: Date;

  /** `''`: the run as a whole. */
  @PrimaryColumn({ name: 'node_id', type: 'text' })
  nodeId!: string;

  @Column({ type: 'int', default: 0 })
  runs!: number;

  /** Failed or timed-out runs; failed steps for a node. */
  @Column({ type: 'int', default: 0 })
  errors!: number;

  @Column({ type: 'int', default: 0 })
  fallbacks!: number;

  @Column({ name: 'deadline_misses', type: 'int', default: 0 })
  deadlineMisses!: number;

  @Column({ name: 'total_ms', type: 'double precision', default: 0 })
  totalMs!: number;

  @Column({ name: 'max_ms', type: 'double precision', default: 0 })
  maxMs!: number;

  /** Counts per duration bucket (flow-stats/duration-histogram.ts), cut after the last non-zero one. */
  @Column({ type: 'int', array: true, default: () => "'{}'" })
  hist!: number[];
}
