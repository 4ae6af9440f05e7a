import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the background retention of executions and event idempotency records. */
export class TriggerRuns1763710000000 implements MigrationInterface {
  name = 'TriggerRuns1763710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS executions_started_idx ON executions (started_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS event_runs_created_idx ON event_runs (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS event_runs_created_idx`);
    await q.query(`DROP INDEX IF EXISTS executions_started_idx`);
  }
}
