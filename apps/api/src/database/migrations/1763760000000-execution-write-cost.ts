import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cheaper execution rows (one per IVR call, written at the call rate):
 * - input, output and error become `json` like steps: read whole only, and stored as validated
 *   text instead of being converted to jsonb on every insert;
 * - retention's index on started_at becomes BRIN: rows arrive in time order, retention only asks
 *   "older than", and a BRIN index costs next to nothing per insert where a B-tree costs a descent.
 */
export class ExecutionWriteCost1763760000000 implements MigrationInterface {
  name = 'ExecutionWriteCost1763760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE executions ALTER COLUMN input TYPE json USING input::json, ` +
        `ALTER COLUMN output TYPE json USING output::json, ALTER COLUMN error TYPE json USING error::json`,
    );
    await q.query(`DROP INDEX IF EXISTS executions_started_idx`);
    await q.query(`CREATE INDEX executions_started_brin ON executions USING brin (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS executions_started_brin`);
    await q.query(`CREATE INDEX IF NOT EXISTS executions_started_idx ON executions (started_at)`);
    await q.query(
      `ALTER TABLE executions ALTER COLUMN input TYPE jsonb USING input::jsonb, ` +
        `ALTER COLUMN output TYPE jsonb USING output::jsonb, ALTER COLUMN error TYPE jsonb USING error::jsonb`,
    );
  }
}
