import type { MigrationInterface, QueryRunner } from 'typeorm';

const PARTITIONS = `SELECT c.oid::regclass::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'executions'::regclass ORDER BY 1`;

/**
 * Fillfactor 50 on the partitions of executions made before it (new ones are created with it,
 * execution-partitions.ts EXECUTIONS_FILLFACTOR): a run's row is updated twice, and room on its page
 * keeps those updates HOT. Only pages written from now on keep the room; nothing is rewritten.
 */
export class ExecutionFillfactor1763850000000 implements MigrationInterface {
  name = 'ExecutionFillfactor1763850000000';

  async up(q: QueryRunner): Promise<void> {
    for (const { name } of (await q.query(PARTITIONS)) as { name: string }[])
      await q.query(`ALTER TABLE ${name} SET (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { name } of (await q.query(PARTITIONS)) as { name: string }[])
      await q.query(`ALTER TABLE ${name} RESET (fillfactor)`);
  }
}
