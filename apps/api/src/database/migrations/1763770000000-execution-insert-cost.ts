import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cheaper inserts into executions (one row per IVR call, at the call rate). Measured with binary
 * COPY of real rows, alternating tables: PostgreSQL CPU per row, median of 12 rounds, 32 → 28 µs.
 * - The list indexes (tenant[, flow], started_at, id) become ascending. Rows arrive in time order,
 *   so each insert now lands at the right end of its tenant's (or flow's) range, where B-tree leaf
 *   splits leave pages 90 % full, instead of at the left end of a descending range (50/50 splits,
 *   more pages, more WAL). Lists read them backward (`ORDER BY started_at DESC, id DESC`).
 * - The foreign key to tenants goes: it looked the tenant up and locked its row once per inserted
 *   row. Rows are only written for runs of a tenant's published flows, and the API never deletes a
 *   tenant; deleting one must delete its executions (there is no cascade any more).
 */
export class ExecutionInsertCost1763770000000 implements MigrationInterface {
  name = 'ExecutionInsertCost1763770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions DROP CONSTRAINT IF EXISTS executions_tenant_id_fkey`);
    await q.query(`DROP INDEX IF EXISTS executions_tenant_started_idx`);
    await q.query(`DROP INDEX IF EXISTS executions_tenant_flow_started_idx`);
    await q.query(`CREATE INDEX executions_tenant_started_idx ON executions (tenant_id, started_at, id)`);
    await q.query(`CREATE INDEX executions_tenant_flow_started_idx ON executions (tenant_id, flow_id, started_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS executions_tenant_started_idx`);
    await q.query(`DROP INDEX IF EXISTS executions_tenant_flow_started_idx`);
    await q.query(`CREATE INDEX executions_tenant_started_idx ON executions (tenant_id, started_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX executions_tenant_flow_started_idx ON executions (tenant_id, flow_id, started_at DESC, id DESC)`,
    );
    await q.query(
      `ALTER TABLE executions ADD CONSTRAINT executions_tenant_id_fkey ` +
        `FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE`,
    );
  }
}
