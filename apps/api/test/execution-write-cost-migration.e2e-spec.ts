import crypto from 'node:crypto';
import { ExecutionWriteCost1763760000000 } from '../src/database/migrations/1763760000000-execution-write-cost';
import { scratchDatabase } from './db-url';

describe('execution write-cost migration', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('keeps existing executions as they were through json columns and back; swaps the retention index', async () => {
    const input = { call: { id: 'c1', callerId: '+39061234' }, contact: { tags: ['a', 'b'], n: 1.5 } };
    const before = await db.migrated(ExecutionWriteCost1763760000000, 'before');
    const [{ id: tenantId }] = await before.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    await before.query(
      `INSERT INTO executions (id, tenant_id, trigger_type, status, input, output, error, steps, started_at) ` +
        `VALUES ($1, $2, 'ivr', 'failed', $3, $4, $5, '[]', now())`,
      [
        crypto.randomUUID(),
        tenantId,
        JSON.stringify(input),
        JSON.stringify({ queue: 'gold' }),
        JSON.stringify({ code: 'X', message: 'no' }),
      ],
    );
    await before.destroy();

    const ds = await db.migrated(ExecutionWriteCost1763760000000, 'through');
    const types = async () =>
      Object.fromEntries(
        (
          (await ds.query(
            `SELECT column_name, data_type FROM information_schema.columns ` +
              `WHERE table_name = 'executions' AND column_name IN ('input', 'output', 'error')`,
          )) as { column_name: string; data_type: string }[]
        ).map((r) => [r.column_name, r.data_type]),
      );
    const indexes = async () =>
      (
        (await ds.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'executions'`)) as { indexname: string }[]
      ).map((r) => r.indexname);
    const row = async () => (await ds.query(`SELECT input, output, error FROM executions`))[0];

    expect(await types()).toEqual({ input: 'json', output: 'json', error: 'json' });
    expect(await indexes()).toEqual(expect.arrayContaining(['executions_started_brin']));
    expect(await indexes()).not.toContain('executions_started_idx');
    expect(await row()).toEqual({ input, output: { queue: 'gold' }, error: { code: 'X', message: 'no' } });

    await ds.undoLastMigration();
    expect(await types()).toEqual({ input: 'jsonb', output: 'jsonb', error: 'jsonb' });
    expect(await indexes()).toContain('executions_started_idx');
    expect(await row()).toEqual({ input, output: { queue: 'gold' }, error: { code: 'X', message: 'no' } });
    await ds.destroy();
  });
});
