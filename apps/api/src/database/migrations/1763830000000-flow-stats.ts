import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run statistics per flow and node (apps/api/src/flow-stats), kept as runs finish instead of read
 * from executions per view: one row per (tenant, flow, span, start, node), `span` 1 (minute rows:
 * the hour view), 15 (the day view; both kept 2 days) or 60 (hour rows, kept 8 days: the week view),
 * `node_id` `''` for the run as a whole. `hist`: durations as counts per log-scale bucket
 * (flow-stats/duration-histogram.ts), summed element by element on upsert. The execution writer
 * upserts the rows of the runs it wrote about once a second; fillfactor 50 keeps those updates HOT.
 * A new table: nothing existing is rewritten or locked.
 */
export class FlowStats1763830000000 implements MigrationInterface {
  name = 'FlowStats1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE flow_stats (
      tenant_id uuid NOT NULL,
      flow_id uuid NOT NULL,
      span smallint NOT NULL,
      at timestamptz NOT NULL,
      node_id text NOT NULL,
      runs int NOT NULL DEFAULT 0,
      errors int NOT NULL DEFAULT 0,
      fallbacks int NOT NULL DEFAULT 0,
      deadline_misses int NOT NULL DEFAULT 0,
      total_ms double precision NOT NULL DEFAULT 0,
      max_ms double precision NOT NULL DEFAULT 0,
      hist int[] NOT NULL DEFAULT '{}',
      CONSTRAINT flow_stats_pkey PRIMARY KEY (tenant_id, flow_id, span, at, node_id)
    ) WITH (fillfactor = 50)`);
    // Retention deletes by age across flows.
    await q.query(`CREATE INDEX flow_stats_span_at_idx ON flow_stats (span, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS flow_stats`);
  }
}
