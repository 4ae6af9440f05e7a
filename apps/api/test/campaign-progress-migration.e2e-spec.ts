import * as migration from '../src/database/migrations/1763800000000-campaign-progress';
import { scratchDatabase } from './db-url';

describe('campaign progress migration (issue 19: the upgrade path)', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('leaves runs made before it uncounted, counts campaign runs as they move, and reverts', async () => {
    const before = await db.migrated(migration.CampaignProgress1763800000000, 'before');
    const [{ id: tenant }] = await before.query(`INSERT INTO tenants (name) VALUES ('old') RETURNING id`);
    const [{ id: flow }] = await before.query(
      `INSERT INTO flows (tenant_id, key, name, definition) VALUES ($1, 'dialer', 'dialer', '{}') RETURNING id`,
      [tenant],
    );
    const insert = (id: string, status: string) =>
      before.query(
        `INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, input, started_at)
         VALUES ($1, $2, $3, 1, 'event', $4, '{"campaign":{"id":"spring"}}', now())`,
        [id, tenant, flow, status],
      );
    await insert('00000000-0000-7000-8000-000000000001', 'queued');
    await before.destroy();

    const ds = await db.migrated(migration.CampaignProgress1763800000000, 'through');
    // A run queued before the upgrade finishes after it: not counted (it has no campaign).
    await ds.query(`UPDATE executions SET status = 'succeeded'`);
    expect(await ds.query(`SELECT * FROM campaign_counters`)).toEqual([]);
    // A campaign run (as the new code queues it) is counted as it moves, by the trigger.
    await ds.query(
      `INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, input, started_at,
         campaign_id)
       VALUES ('00000000-0000-7000-8000-000000000002', $1, $2, 1, 'event', 'queued', '{}', now(), 'spring')`,
      [tenant, flow],
    );
    await ds.query(
      `UPDATE executions SET status = 'failed', error = '{"code":"HTTP_STATUS"}' WHERE campaign_id IS NOT NULL`,
    );
    // Its insert was not counted here (ExecutionWriter's countQueued does that): the trigger counts the move only.
    const counters = await ds.query(`SELECT campaign_id, queued::int, failed::int FROM campaign_counters`);
    expect(counters).toEqual([{ campaign_id: 'spring', queued: -1, failed: 1 }]);
    expect(await ds.query(`SELECT code, failed::int FROM campaign_failures`)).toEqual([
      { code: 'HTTP_STATUS', failed: 1 },
    ]);
    await ds.undoLastMigration();
    const tables = await ds.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'campaign_%'`);
    expect(tables).toEqual([]);
    const columns = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'executions' AND column_name IN ($1, $2)`,
      ['campaign_id', 'retried_by'],
    );
    expect(columns).toEqual([]);
    await ds.destroy();
  });
});
