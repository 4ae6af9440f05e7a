import type { DataSource, QueryRunner } from 'typeorm';
import { ExecutionFillfactor1763850000000 } from '../src/database/migrations/1763850000000-execution-fillfactor';
import { ensurePartitions, giveRoomForUpdates, rangePartitions } from '../src/executions/execution-partitions';
import { uuidv7 } from '../src/platform/ids/uuid7';
import { scratchDatabase } from './db-url';

/** fillfactor of each partition of executions ('' when it has none). */
const fillfactors = async (ds: DataSource) =>
  Object.fromEntries(
    (
      (await ds.query(
        `SELECT c.relname AS name, coalesce(array_to_string(c.reloptions, ','), '') AS options
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'executions'::regclass`,
      )) as { name: string; options: string }[]
    ).map((r) => [r.name, r.options]),
  );

/** Updates of `table` counted by PostgreSQL, and how many of them were HOT (touched no index). */
async function updates(qr: QueryRunner, table: string): Promise<{ upd: number; hot: number }> {
  await qr.query('SELECT pg_stat_force_next_flush()');
  const [r] = (await qr.query(
    `SELECT n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relname = $1`,
    [table],
  )) as { upd: number; hot: number }[];
  return r!;
}

describe('executions fillfactor', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('the migration sets fillfactor 50 on every partition made before it, DEFAULT too; down resets it', async () => {
    const before = await db.migrated(ExecutionFillfactor1763850000000, 'before');
    // As on an install whose partitions were made before EXECUTIONS_FILLFACTOR.
    for (const name of Object.keys(await fillfactors(before)))
      await before.query(`ALTER TABLE "${name}" RESET (fillfactor)`);
    expect(Object.values(await fillfactors(before))).not.toContain('fillfactor=50');
    await before.destroy();
    const ds = await db.migrated(ExecutionFillfactor1763850000000, 'through');
    const after = await fillfactors(ds);
    expect(Object.keys(after)).toContain('executions_default');
    expect(Object.keys(after).length).toBeGreaterThanOrEqual(2);
    expect(Object.values(after).every((o) => o === 'fillfactor=50')).toBe(true);
    const qr = ds.createQueryRunner();
    await new ExecutionFillfactor1763850000000().down(qr);
    expect(Object.values(await fillfactors(ds)).every((o) => o === '')).toBe(true);
    await new ExecutionFillfactor1763850000000().up(qr);
    await qr.release();
    await ds.destroy();
  });

  it('makes new partitions with it, and gives it to one an older version made without it', async () => {
    const ds = await db.migrated(ExecutionFillfactor1763850000000, 'through');
    try {
      const before = Object.keys(await fillfactors(ds));
      // The partitions retention makes ahead (here: as if ten days had passed).
      const made = await ds.transaction((m) =>
        ensurePartitions((sql, params) => m.query(sql, params), Date.now() + 10 * 86_400_000, 2),
      );
      expect(made.length).toBeGreaterThan(0);
      const after = await fillfactors(ds);
      for (const name of made) {
        expect(before).not.toContain(name);
        expect(after[name]).toBe('fillfactor=50');
      }
      // A rolling upgrade: a worker of the older version made this one.
      await ds.query(`ALTER TABLE ${made[0]} RESET (fillfactor)`);
      const changed = await ds.transaction((m) => giveRoomForUpdates((sql, params) => m.query(sql, params)));
      expect(changed).toEqual([made[0]]);
      expect((await fillfactors(ds))[made[0]!]).toBe('fillfactor=50');
      expect(await ds.transaction((m) => giveRoomForUpdates((sql, params) => m.query(sql, params)))).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it("keeps a run's two updates (running, then final) HOT on its page", async () => {
    const ds = await db.migrated(ExecutionFillfactor1763850000000, 'through');
    const qr = ds.createQueryRunner();
    try {
      const [{ id: tenant }] = await qr.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
      const now = Date.now();
      const part = (await rangePartitions((sql) => qr.query(sql))).find((p) => p.from <= now && now < p.to)!.name;
      // Rows the size of a campaign contact's, queued as the API writes them (in one statement).
      const ids = Array.from({ length: 400 }, () => uuidv7());
      const input = JSON.stringify({ event: { contact: { note: 'x'.repeat(400) } } });
      await qr.query(
        `INSERT INTO executions (id, tenant_id, trigger_type, status, input, started_at)
         SELECT id, $2, 'event', 'queued', $3::json, now() FROM unnest($1::uuid[]) AS id`,
        [ids, tenant, input],
      );
      const steps = JSON.stringify([{ nodeId: 'post', status: 'ok', output: { body: 'y'.repeat(300) } }]);
      const start = await updates(qr, part);
      // As the workers do: claimed in batches, final rows in batches (job-finish.ts).
      for (let i = 0; i < ids.length; i += 20) {
        const batch = ids.slice(i, i + 20);
        await qr.query(`UPDATE executions SET status = 'running' WHERE id = ANY($1::uuid[])`, [batch]);
        await qr.query(
          `UPDATE executions SET status = 'succeeded', steps = $2::json, finished_at = now(), duration_ms = 12
           WHERE id = ANY($1::uuid[])`,
          [batch, steps],
        );
      }
      const end = await updates(qr, part);
      const upd = end.upd - start.upd;
      expect(upd).toBe(800);
      // Without the room (fillfactor 100) fewer than a third are HOT.
      expect((end.hot - start.hot) / upd).toBeGreaterThan(0.6);
    } finally {
      await qr.release();
      await ds.destroy();
    }
  });
});
