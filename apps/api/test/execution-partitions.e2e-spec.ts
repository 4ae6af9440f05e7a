import crypto from 'node:crypto';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ExecutionPartitions1763840000000 } from '../src/database/migrations/1763840000000-execution-partitions';
import { ExecutionWriter } from '../src/executions/execution-writer.service';
import { pendingRow } from '../src/executions/execution-row';
import { AHEAD_MS, rangePartitions, uuidAt } from '../src/executions/execution-partitions';
import { uuidv7 } from '../src/platform/ids/uuid7';
import { FINISH_STATEMENT, finishJobs } from '../src/queue/job-finish';
import { RetentionService } from '../src/queue/retention.service';
import { scratchDatabase } from './db-url';
import { TestApp } from './harness';

const DAY = 86_400_000;
/** A UUIDv7-shaped id of time `ms`. */
const idAt = (ms: number) => uuidAt(ms).slice(0, 14) + '7' + crypto.randomUUID().slice(15);
const dayName = (ms: number) => `executions_p${new Date(ms).toISOString().slice(0, 10).replace(/-/g, '')}`;
const today = () => Math.floor(Date.now() / DAY) * DAY;
const INSERT =
  `INSERT INTO executions (id, tenant_id, trigger_type, status, input, started_at, campaign_id, flow_id) ` +
  `VALUES ($1, $2, 'event', $3, '{}', $4, $5, $6)`;

const where = async (db: DataSource, id: string) =>
  ((await db.query(`SELECT tableoid::regclass::text AS t FROM executions WHERE id = $1`, [id])) as { t: string }[])[0]
    ?.t;
/** The range partition holding ids of time `ms`. */
const holding = async (db: DataSource, ms: number) =>
  (await rangePartitions((sql) => db.query(sql))).find((p) => p.from <= ms && ms < p.to)?.name;
const plan = (rows: { 'QUERY PLAN': string }[]) => rows.map((r) => r['QUERY PLAN']).join('\n');
/** Partitions a plan read (its scans that ran), by name. */
const scanned = (text: string) =>
  [...text.matchAll(/Scan(?: using \S+)? on (executions_\w+) \S+ \(actual/g)].map((m) => m[1]).sort();

describe('executions partitioned by time', () => {
  let t: TestApp;
  let tenantId: string;
  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    [{ tenant_id: tenantId }] = await t.db.query(`SELECT tenant_id FROM users WHERE is_bootstrap`);
  });
  afterAll(() => t.close());

  it('has partitions from today until at least a day ahead, and new runs land in theirs', async () => {
    const parts = await rangePartitions((sql) => t.db.query(sql));
    expect(parts.some((p) => p.from <= Date.now() && p.to > Date.now())).toBe(true);
    expect(parts[parts.length - 1]!.to).toBeGreaterThanOrEqual(Date.now() + AHEAD_MS - 3_600_000);
    const id = uuidv7();
    const run = { executionId: id, tenantId, flowId: null, flowVersion: null, trigger: 'test' as const, input: {} };
    // Fresh: the writer's binary COPY path.
    await t.app.get(ExecutionWriter).record(pendingRow(run, 'running', new Date()), { fresh: true });
    expect(await where(t.db, id)).toBe(await holding(t.db, Date.now()));
    expect(await where(t.db, id)).toMatch(/^executions_p\d{8}$/);
    const legacy = crypto.randomUUID();
    await t.db.query(INSERT, [legacy, tenantId, 'succeeded', new Date(), null, null]);
    expect(await where(t.db, legacy)).toBe('executions_default');
  });

  it('drops a partition past the retention whole, keeps live ones, deletes expired DEFAULT rows', async () => {
    const from = today() - 20 * DAY;
    const old = dayName(from);
    await t.db.query(
      `CREATE TABLE ${old} PARTITION OF executions FOR VALUES FROM ('${uuidAt(from)}') TO ('${uuidAt(from + DAY)}')`,
    );
    const oldIds = [idAt(from + 1000), idAt(from + 2000)];
    for (const id of oldIds) await t.db.query(INSERT, [id, tenantId, 'succeeded', new Date(from + 1000), null, null]);
    const live = uuidv7();
    await t.db.query(INSERT, [live, tenantId, 'succeeded', new Date(), null, null]);
    const [oldDefault, newDefault] = [crypto.randomUUID(), crypto.randomUUID()];
    await t.db.query(INSERT, [oldDefault, tenantId, 'failed', new Date(from), null, null]);
    await t.db.query(INSERT, [newDefault, tenantId, 'failed', new Date(), null, null]);
    expect(await where(t.db, oldIds[0]!)).toBe(old);

    const pruned = await t.app.get(RetentionService).prune();
    expect(pruned).toMatchObject({ executions: 1, partitions: [old] });
    expect(await t.db.query(`SELECT to_regclass($1) AS r`, [old])).toEqual([{ r: null }]);
    expect(await where(t.db, live)).toBe(await holding(t.db, Date.now()));
    expect(await where(t.db, newDefault)).toBe('executions_default');
    expect(await where(t.db, oldDefault)).toBeUndefined();
  });

  it('creates a missing partition, moving the rows DEFAULT took for it', async () => {
    const parts = await rangePartitions((sql) => t.db.query(sql));
    const newest = parts[parts.length - 1]!;
    await t.db.query(`DROP TABLE ${newest.name}`);
    const at = Math.max(newest.from, today()) + 5000;
    const early = idAt(at);
    await t.db.query(INSERT, [early, tenantId, 'queued', new Date(), null, null]);
    expect(await where(t.db, early)).toBe('executions_default');
    await t.app.get(RetentionService).prune();
    expect(await where(t.db, early)).toBe(await holding(t.db, at));
    expect(await where(t.db, early)).toMatch(/^executions_p\d{8}$/);
    const after = await rangePartitions((sql) => t.db.query(sql));
    expect(after[after.length - 1]!.to).toBeGreaterThanOrEqual(Date.now() + AHEAD_MS);
  });

  it('lists across partitions and DEFAULT, newest first, by its cursor (generic plan, values inline)', async () => {
    const phone = `+1555${Date.now()}`;
    const ids = [crypto.randomUUID(), idAt(Date.now() - 3000), uuidv7()]; // DEFAULT, then range partitions
    for (const [i, id] of ids.entries())
      await t.db.query(
        `INSERT INTO executions (id, tenant_id, trigger_type, status, input, started_at, phone) ` +
          `VALUES ($1, $2, 'ivr', 'succeeded', '{}', now() - make_interval(secs => $3), $4)`,
        [id, tenantId, 10 - i, phone],
      );
    const page = (q: Record<string, string>) =>
      t
        .as('get', '/api/v1/executions')
        .query({ phone, limit: '2', ...q })
        .expect(200);
    const first = await page({});
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    const next = await page({ cursor: first.body.nextCursor });
    expect(next.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    // The values go inline into EXECUTE, escaped: a quote is a character of the value.
    expect((await page({ phone: `${phone}' OR true --` })).body.items).toEqual([]);
    await t
      .as('get', '/api/v1/executions')
      .query({ phone: `${phone}\u0000` })
      .expect(400);
  });

  it('the finishing statement prunes its final rows to their partition, the fetch claim too (EXPLAIN)', async () => {
    const id = uuidv7();
    await t.db.query(INSERT, [id, tenantId, 'queued', new Date(), 'c1', crypto.randomUUID()]);
    const pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    try {
      const worker = crypto.randomUUID();
      const row = JSON.stringify({ id, status: 'succeeded', output: null, error: null, steps: [], duration_ms: 1 });
      // Prepares the statement in the pool's one session (no job to complete: the final row is written).
      const done = await finishJobs(pool, worker, [{ jobId: id, finalRow: row }], { handOver: false });
      expect([...done.recorded]).toEqual([id]);
      const c = await pool.connect();
      try {
        await c.query(`BEGIN; SET LOCAL plan_cache_mode = force_generic_plan`);
        const text = plan(
          (
            await c.query(
              `EXPLAIN (ANALYZE, COSTS OFF) EXECUTE ${FINISH_STATEMENT}('{${id}}', ` +
                `${c.escapeLiteral(`[${row}]`)}, '${worker}', false, '{}', '[]', '${id}', '${id}', '{${id}}')`,
            )
          ).rows,
        );
        // The final rows' UPDATE reads their partition only (its range is given as $7/$8: the plan
        // shows the others removed); the claim UPDATE probes every partition's key (job-finish.ts:
        // run-time pruning on a subquery's range crashed PostgreSQL 18.4).
        expect(scanned(text)).toContain(await holding(t.db, Date.now()));
        expect(text).toMatch(/Subplans Removed: [1-9]/);
        await c.query('ROLLBACK');
      } finally {
        c.release();
      }
    } finally {
      await pool.end();
    }
    // The claim (limited-fetch.ts) goes unnamed: planned with its ids, pruned at plan time.
    const claim = plan(
      await t.db.query(
        `EXPLAIN (ANALYZE, COSTS OFF) UPDATE executions SET status = 'running' ` +
          `WHERE id = ANY($1::uuid[]) AND status = 'queued'`,
        [[id]],
      ),
    );
    expect(scanned(claim)).toEqual([await holding(t.db, Date.now())]);
    expect(claim).not.toMatch(/executions_default/);
  });

  it('the finishing statement records a final row whose id is not its first field (every partition read)', async () => {
    const recent = uuidv7();
    const legacy = crypto.randomUUID(); // an id of no time range: DEFAULT holds it
    await t.db.query(INSERT, [recent, tenantId, 'queued', new Date(), 'c1', crypto.randomUUID()]);
    await t.db.query(INSERT, [legacy, tenantId, 'queued', new Date(), 'c1', crypto.randomUUID()]);
    const row = (id: string) => JSON.stringify({ status: 'succeeded', id, output: null, error: null, steps: [] });
    const pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    try {
      const done = await finishJobs(
        pool,
        crypto.randomUUID(),
        [
          { jobId: recent, finalRow: row(recent) },
          { jobId: legacy, finalRow: JSON.stringify({ id: legacy, status: 'failed', steps: [] }) },
        ],
        { handOver: false },
      );
      expect([...done.recorded].sort()).toEqual([recent, legacy].sort());
    } finally {
      await pool.end();
    }
    const statuses = (await t.db.query(`SELECT id, status FROM executions WHERE id = ANY($1::uuid[]) ORDER BY status`, [
      [recent, legacy],
    ])) as { id: string; status: string }[];
    expect(statuses).toEqual([
      { id: legacy, status: 'failed' },
      { id: recent, status: 'succeeded' },
    ]);
  });
});

describe('execution partitions migration', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  const indexes = async (ds: DataSource) =>
    (
      (await ds.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'executions' ORDER BY 1`)) as {
        indexname: string;
      }[]
    ).map((r) => r.indexname);
  const shape = async (ds: DataSource) => ({
    kind: (await ds.query(`SELECT relkind FROM pg_class WHERE oid = 'executions'::regclass`))[0].relkind,
    indexes: await indexes(ds),
    triggers: (
      await ds.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'executions'::regclass AND NOT tgisinternal`)
    ).map((r: { tgname: string }) => r.tgname),
    rows: (await ds.query(`SELECT count(*)::int AS n FROM executions`))[0].n,
  });

  it('turns a populated table into DEFAULT + day partitions (today moved), and back', async () => {
    const before = await db.migrated(ExecutionPartitions1763840000000, 'before');
    const [{ id: tenant }] = await before.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const flow = crypto.randomUUID();
    const ids = { now: uuidv7(), old: idAt(Date.now() - 10 * DAY), v4: crypto.randomUUID() };
    await before.query(INSERT, [ids.now, tenant, 'queued', new Date(), 'camp', flow]);
    await before.query(INSERT, [ids.old, tenant, 'succeeded', new Date(Date.now() - 10 * DAY), null, null]);
    await before.query(INSERT, [ids.v4, tenant, 'succeeded', new Date(), null, null]);
    const flat = await shape(before);
    expect(flat.kind).toBe('r');
    await before.destroy();

    const ds = await db.migrated(ExecutionPartitions1763840000000, 'through');
    expect(await shape(ds)).toEqual({ ...flat, kind: 'p' });
    expect(await where(ds, ids.now)).toBe(await holding(ds, Date.now()));
    expect(await where(ds, ids.now)).not.toBe('executions_default');
    expect(await where(ds, ids.old)).toBe('executions_default');
    expect(await where(ds, ids.v4)).toBe('executions_default');
    // The campaign trigger still counts, from the parent.
    await ds.query(
      `INSERT INTO campaign_counters (tenant_id, campaign_id, flow_id, queued) VALUES ($1, 'camp', $2, 1)`,
      [tenant, flow],
    );
    await ds.query(`UPDATE executions SET status = 'succeeded' WHERE id = $1`, [ids.now]);
    expect(await ds.query(`SELECT queued, succeeded::int FROM campaign_counters`)).toEqual([
      { queued: '0', succeeded: 1 },
    ]);

    await ds.undoLastMigration();
    expect(await shape(ds)).toEqual(flat);
    await ds.destroy();
  });
});
