import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_PARTITION, ensurePartitions, spanDays } from '../../executions/execution-partitions';

/** The indexes of executions (names kept), as the parent's partitioned indexes. */
const INDEXES = [
  `executions_tenant_started_idx ON executions (tenant_id, started_at, id)`,
  `executions_tenant_flow_started_idx ON executions (tenant_id, flow_id, started_at, id)`,
  `executions_tenant_call_idx ON executions (tenant_id, call_id)`,
  `executions_tenant_phone_idx ON executions (tenant_id, phone)`,
  `executions_tenant_campaign_idx ON executions (tenant_id, campaign_id, id) WHERE campaign_id > ''`,
  `executions_started_brin ON executions USING brin (started_at)`,
];
const NAMES = INDEXES.map((i) => i.split(' ')[0]!);
const TRIGGER = `CREATE TRIGGER executions_campaign_counters AFTER UPDATE ON executions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION campaign_counters_on_update()`;

/**
 * Executions partitioned by time (execution-partitions.ts), so retention drops days of runs as a
 * table instead of deleting their rows one by one. RANGE (id): ids are UUIDv7, time first, and the
 * primary key must contain the partition key; a by-id statement touches one partition.
 * On an existing install nothing is rewritten: the table (renamed, its indexes too) becomes the
 * DEFAULT partition, its indexes attached to the parent's of the old names; today's rows move into
 * today's partition; older ones stay in DEFAULT, which retention prunes row by row as before
 * until they are gone. The statement trigger of campaign counters moves to the parent (a partition
 * cannot have one with transition tables). `down` copies every row back into one plain table.
 */
export class ExecutionPartitions1763840000000 implements MigrationInterface {
  name = 'ExecutionPartitions1763840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS executions_campaign_counters ON executions`);
    await q.query(`ALTER TABLE executions RENAME TO ${DEFAULT_PARTITION}`);
    await q.query(`ALTER TABLE ${DEFAULT_PARTITION} RENAME CONSTRAINT executions_pkey TO ${DEFAULT_PARTITION}_pkey`);
    for (const n of NAMES)
      await q.query(`ALTER INDEX IF EXISTS ${n} RENAME TO ${n.replace('executions', DEFAULT_PARTITION)}`);
    await q.query(
      `CREATE TABLE executions (LIKE ${DEFAULT_PARTITION} INCLUDING DEFAULTS, ` +
        `CONSTRAINT executions_pkey PRIMARY KEY (id)) PARTITION BY RANGE (id)`,
    );
    for (const i of INDEXES) await q.query(`CREATE INDEX ${i}`);
    // Matching indexes of the attached table are attached, not built again.
    await q.query(`ALTER TABLE executions ATTACH PARTITION ${DEFAULT_PARTITION} DEFAULT`);
    // The default retention's span; the workers continue with the configured one.
    await ensurePartitions((sql, params) => q.query(sql, params), Date.now(), spanDays(14));
    await q.query(TRIGGER);
    await q.query(`ANALYZE executions`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS executions_campaign_counters ON executions`);
    await q.query(`CREATE TABLE executions_flat (LIKE executions INCLUDING DEFAULTS)`);
    await q.query(`INSERT INTO executions_flat SELECT * FROM executions`);
    await q.query(`DROP TABLE executions`);
    await q.query(`ALTER TABLE executions_flat RENAME TO executions`);
    await q.query(`ALTER TABLE executions ADD CONSTRAINT executions_pkey PRIMARY KEY (id)`);
    for (const i of INDEXES) await q.query(`CREATE INDEX ${i}`);
    await q.query(TRIGGER);
    await q.query(`ANALYZE executions`);
  }
}
