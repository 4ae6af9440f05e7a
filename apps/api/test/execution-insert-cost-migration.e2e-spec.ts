import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ExecutionInsertCost1763770000000 } from '../src/database/migrations/1763770000000-execution-insert-cost';
import { scratchDatabase } from './db-url';

const LIST =
  `SELECT id FROM executions WHERE tenant_id = $1 AND (started_at, id) < ` +
  `($2::timestamptz, $3::uuid) ORDER BY started_at DESC, id DESC LIMIT 2`;

describe('execution insert-cost migration', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  const defs = async (ds: DataSource) =>
    Object.fromEntries(
      (
        (await ds.query(
          `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'executions' ` +
            `AND indexname LIKE 'executions_tenant_%started_idx'`,
        )) as { indexname: string; indexdef: string }[]
      ).map((r) => [r.indexname, r.indexdef.replace(/^.* USING btree /, '')]),
    );
  const foreignKeys = async (ds: DataSource) =>
    (
      (await ds.query(
        `SELECT conname FROM pg_constraint WHERE conrelid = 'executions'::regclass AND contype = 'f'`,
      )) as { conname: string }[]
    ).map((r) => r.conname);
  const plan = async (ds: DataSource, args: unknown[]) => {
    await ds.query('SET enable_seqscan = off');
    return ((await ds.query(`EXPLAIN ${LIST}`, args)) as { 'QUERY PLAN': string }[])
      .map((r) => r['QUERY PLAN'])
      .join('\n');
  };

  it('makes list indexes ascending (read backward, same order), drops the tenants FK; down restores both', async () => {
    const before = await db.migrated(ExecutionInsertCost1763770000000, 'before');
    const [{ id: tenantId }] = await before.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = crypto.randomUUID();
      ids.push(id);
      await before.query(
        `INSERT INTO executions (id, tenant_id, trigger_type, status, input, steps, started_at) ` +
          `VALUES ($1, $2, 'ivr', 'succeeded', '{}', '[]', $3)`,
        [id, tenantId, new Date(Date.UTC(2026, 0, 1, 0, 0, i))],
      );
    }
    expect(await foreignKeys(before)).toEqual(['executions_tenant_id_fkey']);
    await before.destroy();

    const ds = await db.migrated(ExecutionInsertCost1763770000000, 'through');
    expect(await defs(ds)).toEqual({
      executions_tenant_started_idx: '(tenant_id, started_at, id)',
      executions_tenant_flow_started_idx: '(tenant_id, flow_id, started_at, id)',
    });
    expect(await foreignKeys(ds)).toEqual([]);
    const args = [tenantId, new Date(Date.UTC(2026, 0, 1, 0, 0, 3)), ids[3]];
    expect(await plan(ds, args)).toMatch(/Index (Only )?Scan Backward using executions_tenant_started_idx/);
    expect((await ds.query(LIST, args)).map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);

    await ds.undoLastMigration();
    expect(await defs(ds)).toEqual({
      executions_tenant_started_idx: '(tenant_id, started_at DESC, id DESC)',
      executions_tenant_flow_started_idx: '(tenant_id, flow_id, started_at DESC, id DESC)',
    });
    expect(await foreignKeys(ds)).toEqual(['executions_tenant_id_fkey']);
    expect((await ds.query(LIST, args)).map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    await ds.destroy();
  });
});
