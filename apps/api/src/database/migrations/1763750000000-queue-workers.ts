import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leases of the processes that run queue workers (queue/worker-lease.ts): each refreshes its row
 * every lease/3 seconds, and the flow-runs fetch hands back the active jobs of a worker whose row
 * is gone or older than its `lease_seconds` (a crashed process), instead of waiting for pg-boss's
 * expiry. A handful of rows, read by primary key or whole: no other index.
 */
export class QueueWorkers1763750000000 implements MigrationInterface {
  name = 'QueueWorkers1763750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE queue_workers (
      id uuid NOT NULL,
      host text NOT NULL,
      pid int NOT NULL,
      lease_seconds int NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      seen_at timestamptz NOT NULL,
      CONSTRAINT queue_workers_pkey PRIMARY KEY (id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS queue_workers`);
  }
}
