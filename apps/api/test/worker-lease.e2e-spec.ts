import crypto from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { LoopbackServer, type SeenRequest } from '../../../libs/engine/test/loopback';
import { FLOW_RUNS_QUEUE } from '../src/queue/flow-runs.queue';
import { rowsOnPool } from '../src/platform/database/raw-rows';
import { completeOwnJobs, failOwnJob } from '../src/queue/job-ownership';
import { ACTIVE_BY_FLOW_INDEX, fetchFlowRuns, LIMITED_FETCH_SQL } from '../src/queue/limited-fetch';
import { RunWorker } from '../src/workers/run-worker.service';
import { FINISH_STATEMENT, finishJobs } from '../src/queue/job-finish';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow, sleep, waitFor } from './support/triggers';

// pg-boss's own SQL, to compare our reclaim with its expiry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plans = require('pg-boss/src/plans') as { failJobsByTimeout(schema: string): string };

const LEASE = 3;
/** The first run outlasts three leases; the HTTP node's timeout (default 10 s) is raised above it. */
const LONG_MS = LEASE * 1000 * 3.6;
const trigger = (config: Record<string, unknown>) => ({ id: 't', type: 'trigger.campaign', name: 'start', config });
const data = (flowId: string, max: number | null) =>
  JSON.stringify({
    tenantId: 'x',
    flowId,
    versionId: 'v',
    version: 1,
    trigger: 'event',
    eventId: 'e',
    retryOf: null,
    maxConcurrentRuns: max,
    input: {},
  });

describe('worker lease: a live worker keeps its jobs', () => {
  let t: TestApp;
  let mock: LoopbackServer;
  const deliveries: string[] = [];

  const longPost = () => {
    const node = postNode(`${mock.base}/long`, '{"event":"{{event.id}}"}');
    return { ...node, config: { ...node.config, timeoutMs: LONG_MS + 5_000 } };
  };

  beforeAll(async () => {
    t = await TestApp.start({ QUEUE_LEASE_SECONDS: String(LEASE), QUEUE_EXPIRE_SECONDS: '120' });
    mock = await LoopbackServer.start();
    mock.on('POST /long', async (req: SeenRequest, res: ServerResponse) => {
      const { event } = JSON.parse(req.body) as { event: string };
      deliveries.push(event);
      // The first run takes longer than three leases.
      await sleep(event === 'long-1' ? LONG_MS : 10);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  afterAll(async () => {
    await t.close();
    await mock.close();
  });

  it('renews the lease as a run outlasts it: other fetches neither reclaim the job nor pass the limit', async () => {
    await publishFlow(t, 'long', chainFlow(trigger({ campaignIds: ['long'], maxConcurrentRuns: 1 }), longPost()));
    const events = ['long-1', 'long-2'].map((id) => ({
      id,
      type: 'campaign.contact',
      campaign: { id: 'long' },
      contact: { phone: '+15550100' },
    }));
    // One request each, in order: events accepted together share created_on, and the fetch's
    // tie-break (the job id) is random, so the short run could go first and be over unseen.
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events[0]).expect(202);
    const workerId = t.app.get(RunWorker).workerId!;
    expect(workerId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(async () => (deliveries.length > 0 ? true : undefined), 30_000, 'the first run to start');
    expect(deliveries).toEqual(['long-1']);
    await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(events[1]).expect(202);
    const [{ seen: seenAtStart }] = await t.db.query(`SELECT seen_at AS seen FROM queue_workers WHERE id = $1`, [
      workerId,
    ]);

    // A second fetcher, as another worker process would, through more than three leases.
    const until = Date.now() + LEASE * 1000 * 3;
    let fetches = 0;
    while (Date.now() < until) {
      const f = await fetchFlowRuns(t.db, 5);
      expect(f.reclaimed).toBeUndefined();
      expect(f.jobs).toEqual([]);
      fetches++;
      await sleep(200);
    }
    expect(fetches).toBeGreaterThan(10);
    // The flow's limit (1) held the second run back here too.
    expect(deliveries).toEqual(['long-1']);
    const active: { worker: string; retry: number }[] = await t.db.query(
      `SELECT output->>'worker' AS worker, retry_count AS retry FROM pgboss.job WHERE name = $1 AND state = 'active'`,
      [FLOW_RUNS_QUEUE],
    );
    expect(active).toEqual([{ worker: workerId, retry: 0 }]);
    const [{ seen }] = await t.db.query(`SELECT seen_at AS seen FROM queue_workers WHERE id = $1`, [workerId]);
    expect(new Date(seen).getTime() - new Date(seenAtStart).getTime()).toBeGreaterThan(LEASE * 1000 * 1.5);

    // A job is completed (deleted) with its execution row's final write: wait for both.
    await waitFor(
      async () => {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM executions WHERE event_id = ANY($1::text[]) AND status = 'succeeded'`,
          [['long-1', 'long-2']],
        );
        const [{ done }] = await t.db.query(`SELECT (2 - count(*))::int AS done FROM pgboss.job WHERE name = $1`, [
          FLOW_RUNS_QUEUE,
        ]);
        return n === 2 && done === 2 ? true : undefined;
      },
      30_000,
      'both runs to succeed and their jobs to complete',
    );
    expect(deliveries.sort()).toEqual(['long-1', 'long-2']);
    const jobs: { state: string; retry: number }[] = await t.db.query(
      `SELECT state::text, retry_count AS retry FROM pgboss.job WHERE name = $1`,
      [FLOW_RUNS_QUEUE],
    );
    // Completed jobs are deleted, not kept for pg-boss's archive (job-ownership.ts).
    expect(jobs).toEqual([]);
  }, 75_000);
});

describe('worker lease: the fetch reclaims the jobs of dead workers', () => {
  let t: TestApp;
  const query = () => rowsOnPool(t.db);
  const A = crypto.randomUUID();
  const C = crypto.randomUUID();
  const live = crypto.randomUUID();
  const dead = crypto.randomUUID();
  const gone = crypto.randomUUID();

  const lease = (id: string, ageSeconds: number) =>
    t.db.query(
      `INSERT INTO queue_workers (id, host, pid, lease_seconds, seen_at) ` +
        `VALUES ($1, 'h', 1, $2, now() - make_interval(secs => $3))`,
      [id, LEASE, ageSeconds],
    );
  const job = async (
    flowId: string,
    max: number | null,
    state: string,
    opts: { worker?: string; retry?: number; expireSeconds?: number; startedAgo?: number } = {},
  ) => {
    const id = crypto.randomUUID();
    await t.db.query(
      `INSERT INTO pgboss.job (id, name, data, state, started_on,
                              retry_count, retry_limit, retry_delay, retry_backoff, expire_in, output)
       VALUES ($1, $2, $3::jsonb, $4::pgboss.job_state,
               CASE WHEN $4 = 'active' THEN now() - make_interval(secs => $8) END,
               $5, 3, 2, true, make_interval(secs => $6), $7::jsonb)`,
      [
        id,
        FLOW_RUNS_QUEUE,
        data(flowId, max),
        state,
        opts.retry ?? 0,
        opts.expireSeconds ?? 120,
        opts.worker ? JSON.stringify({ worker: opts.worker }) : null,
        opts.startedAgo ?? 1,
      ],
    );
    return id;
  };
  const row = async (id: string) => {
    const [r] = await t.db.query(
      `SELECT state::text, retry_count AS retry, output, extract(epoch ` +
        `FROM start_after - now())::float8 AS "startsIn", completed_on ` +
        `IS NOT NULL AS completed FROM pgboss.job WHERE id = $1`,
      [id],
    );
    return r as {
      state: string;
      retry: number;
      output: Record<string, unknown> | null;
      startsIn: number;
      completed: boolean;
    };
  };

  beforeAll(async () => {
    // No workers in this process: the test calls the fetch itself.
    t = await TestApp.start({ ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('hands back tagged jobs of a stale or missing lease as pg-boss expiry would, and only those', async () => {
    await lease(live, 0);
    await lease(dead, LEASE + 2);
    const deadFirst = await job(A, 3, 'active', { worker: dead });
    const deadLast = await job(A, 3, 'active', { worker: dead, retry: 3 });
    const noLease = await job(A, 3, 'active', { worker: gone });
    const liveJob = await job(C, 1, 'active', { worker: live });
    const untagged = await job(C, 1, 'active', { startedAgo: 100 });
    const queuedA = [
      await job(A, 3, 'created'),
      await job(A, 3, 'created'),
      await job(A, 3, 'created'),
      await job(A, 3, 'created'),
    ];
    const queuedC = await job(C, 1, 'created');
    // pg-boss's own expiry of a twin of deadFirst, to compare.
    const twin = await job(crypto.randomUUID(), null, 'active', { expireSeconds: 1, startedAgo: 5 });

    const f = await fetchFlowRuns(t.db, 10, live);
    await t.db.query(plans.failJobsByTimeout('pgboss'));

    expect({ ...f.reclaimed!, workers: [...f.reclaimed!.workers].sort() }).toEqual({
      jobs: 3,
      failed: 1,
      workers: [dead, gone].sort(),
    });
    // The three reclaimed slots of A are free again; C is held by the live and the untagged job.
    expect(f.jobs.map((j) => j.id).sort()).toEqual(queuedA.slice(0, 3).sort());
    expect(f.blocked).toBe(true);
    expect(f.jobs.every((j) => (j.output as { worker?: string }).worker === live && j.state === 'active')).toBe(true);

    const [first, last, viaBoss] = await Promise.all([row(deadFirst), row(deadLast), row(twin)]);
    expect(first).toMatchObject({
      state: 'retry',
      retry: 0,
      completed: false,
      output: { value: { message: expect.stringContaining('lease'), worker: dead } },
    });
    expect(viaBoss).toMatchObject({
      state: 'retry',
      retry: 0,
      completed: false,
      output: { value: { message: expect.any(String) } },
    });
    // Backoff: retry_delay 2 s, first retry: between 2 and 4 s, as pg-boss computes it.
    for (const r of [first, viaBoss]) {
      expect(r.startsIn).toBeGreaterThan(1.5);
      expect(r.startsIn).toBeLessThan(4.1);
    }
    expect(last).toMatchObject({ state: 'failed', retry: 3, completed: true });
    expect((await row(noLease)).state).toBe('retry');
    expect(await row(liveJob)).toMatchObject({ state: 'active', output: { worker: live } });
    expect(await row(untagged)).toMatchObject({ state: 'active', output: null });
    expect((await row(queuedC)).state).toBe('created');
    const leases: { id: string }[] = await t.db.query(`SELECT id FROM queue_workers ORDER BY id`);
    expect(leases.map((l) => l.id)).toEqual([live]);

    // A fetch by a worker whose lease is gone takes nothing.
    const other = await job(crypto.randomUUID(), null, 'created');
    const orphan = await fetchFlowRuns(t.db, 10, gone);
    expect(orphan).toMatchObject({ jobs: [], leaseLost: true });
    expect((await row(other)).state).toBe('created');

    // The dead worker's late completion or hand-back does not touch a job it no longer holds.
    expect(await completeOwnJobs(query(), dead, [deadFirst])).toEqual([deadFirst]);
    expect(await failOwnJob(query(), dead, deadFirst, { message: 'late' })).toBe(false);
    expect((await row(deadFirst)).state).toBe('retry');
    // Its holder's do.
    expect(await completeOwnJobs(query(), live, [liveJob, f.jobs[0]!.id])).toEqual([]);
    expect(await row(liveJob)).toBeUndefined();
    expect(await failOwnJob(query(), live, f.jobs[1]!.id, { message: 'infra' })).toBe(true);
    expect(await row(f.jobs[1]!.id)).toMatchObject({ state: 'retry', output: { message: 'infra' } });
  });

  it('keeps the fetch cheap over a 100,000-job backlog (active rows through the partial index)', async () => {
    await t.db.query(`DELETE FROM pgboss.job WHERE name = $1`, [FLOW_RUNS_QUEUE]);
    const flow = crypto.randomUUID();
    await t.db.query(
      `INSERT INTO pgboss.job (name, data, state, created_on) SELECT $1, $2::jsonb, 'created', ` +
        `now() - interval '10 minutes' + g * interval '1 microsecond' FROM generate_series(1, 100000) g`,
      [FLOW_RUNS_QUEUE, data(flow, 20)],
    );
    // The flow is saturated by 20 runs of five live workers.
    const workers = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const w of workers) {
      await lease(w, 0);
      for (let i = 0; i < 4; i++) await job(flow, 20, 'active', { worker: w });
    }
    await t.db.query('ANALYZE pgboss.job');
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = process.hrtime.bigint();
      const f = await fetchFlowRuns(t.db, 10, workers[0]!);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      expect(f).toMatchObject({ jobs: [], blocked: true });
      expect(f.reclaimed).toBeUndefined();
    }
    times.sort((a, b) => a - b);
    const [plan] = await t.db.query(`EXPLAIN (FORMAT JSON) ${LIMITED_FETCH_SQL.active}`, [FLOW_RUNS_QUEUE]);
    expect(JSON.stringify(plan)).toContain(ACTIVE_BY_FLOW_INDEX);
    process.stdout.write(
      `leased fetch, 100,000 queued on a saturated flow, 20 active: ` +
        `median ${times[15]!.toFixed(2)} ms, max ${times[29]!.toFixed(2)} ms\n`,
    );
    expect(times[15]).toBeLessThan(20);
  });

  it('hands slots over by primary key over a 100,000-job backlog (plan made while the queue was small)', async () => {
    await t.db.query(`DELETE FROM pgboss.job WHERE name = $1`, [FLOW_RUNS_QUEUE]);
    await t.db.query('VACUUM pgboss.job'); // the last test's 100,000 rows: a small queue is small on disk too
    const worker = crypto.randomUUID();
    await lease(worker, 0);
    const pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    try {
      const flow = crypto.randomUUID();
      const held: string[] = [];
      for (let i = 0; i < 20; i++) held.push(await job(flow, 20, 'active', { worker }));
      for (let i = 0; i < 3; i++) await job(flow, 20, 'created');
      // Planned (generic plan, kept for the session) while the queue is small, as at a worker's first
      // finish; the backlog then grows with no ANALYZE (which would have the plan made again).
      await t.db.query('ANALYZE pgboss.job');
      await finishJobs(pool, worker, [], { handOver: true });
      await t.db.query(
        `INSERT INTO pgboss.job (name, data, state, created_on) SELECT $1, $2::jsonb, 'created', ` +
          `now() - interval '10 minutes' + g * interval '1 microsecond' FROM generate_series(1, 100000) g`,
        [FLOW_RUNS_QUEUE, data(flow, 20)],
      );
      const c = await pool.connect();
      let seen = '';
      try {
        // The lease (3 s) is renewed as a live worker's is; the plan EXECUTE uses is the session's cached one.
        await t.db.query(`UPDATE queue_workers SET seen_at = now() WHERE id = $1`, [worker]);
        await c.query(`BEGIN; SET LOCAL plan_cache_mode = force_generic_plan`);
        const [{ 'QUERY PLAN': json }] = (
          await c.query(
            `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${FINISH_STATEMENT}('{${held.join(',')}}', ` +
              `'[]', '${worker}', true, '{}', '[]', '${NO_ID}', '${NO_ID}', '{}')`,
          )
        ).rows as { 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }[];
        const buffers = (json[0].Plan['Shared Hit Blocks'] ?? 0) + (json[0].Plan['Shared Read Blocks'] ?? 0);
        seen = `${buffers} buffers, ${json[0]['Execution Time']} ms`;
        const next = findPlan(json[0].Plan, (n) => n['Subplan Name'] === 'CTE next')!;
        // The 20 handed-over jobs are read by id through the key, not by walking the backlog's entries.
        const used = indexesOf(next);
        expect(used.some((i) => i?.endsWith('_pkey'))).toBe(true);
        expect(used.filter((i) => !i?.endsWith('_pkey'))).toEqual([]);
        expect(next['Actual Rows']).toBe(20);
        expect(buffers).toBeLessThan(1500);
        await c.query('ROLLBACK');
      } finally {
        c.release();
      }
      process.stdout.write(`hand-over of 20 slots over 100,000 queued: ${seen}\n`);
    } finally {
      await pool.end();
    }
  });

  it('hands slots over past the queued jobs another finishing statement holds (no limit)', async () => {
    await t.db.query(`DELETE FROM pgboss.job WHERE name = $1`, [FLOW_RUNS_QUEUE]);
    const worker = crypto.randomUUID();
    await lease(worker, 0);
    const flow = crypto.randomUUID();
    const held: string[] = [];
    for (let i = 0; i < 3; i++) held.push(await job(flow, null, 'active', { worker }));
    for (let i = 0; i < 9; i++) await job(flow, null, 'created');
    const queued = (
      (await t.db.query(
        `SELECT id FROM pgboss.job WHERE name = $1 AND state = 'created' ORDER BY priority DESC, created_on, id`,
        [FLOW_RUNS_QUEUE],
      )) as { id: string }[]
    ).map((r) => r.id);
    const other = new Pool({ connectionString: t.databaseUrl, max: 1 });
    const pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    const locker = await other.connect();
    try {
      // Another worker's finishing statement has taken the head of the queue and not committed yet.
      await locker.query('BEGIN');
      await locker.query(`SELECT id FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) FOR UPDATE`, [
        FLOW_RUNS_QUEUE,
        queued.slice(0, 3),
      ]);
      const done = await finishJobs(
        pool,
        worker,
        held.map((jobId) => ({ jobId })),
        { handOver: true },
      );
      expect([...done.completed].sort()).toEqual([...held].sort());
      // The next three in queue order, not nothing (which sent the worker to the exclusive fetch).
      expect(done.jobs.map((j) => j.id)).toEqual(queued.slice(3, 6));
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
      await other.end();
      await pool.end();
    }
  });

  it("hands a dead worker's standby jobs back at once and never fails them, even on their last try", async () => {
    await t.db.query(`DELETE FROM pgboss.job WHERE name = $1`, [FLOW_RUNS_QUEUE]);
    const live = crypto.randomUUID();
    const dead = crypto.randomUUID();
    await lease(live, 0);
    await lease(dead, LEASE + 2);
    const flow = crypto.randomUUID();
    const standby = async (retry: number) => {
      const id = await job(flow, 2, 'active', { worker: dead, retry });
      await t.db.query(
        `UPDATE pgboss.job SET started_on = NULL,
           output = jsonb_build_object('worker', $2::text, 'standby', true, 'retried', $3::boolean) WHERE id = $1`,
        [id, dead, retry > 0],
      );
      return id;
    };
    const first = await standby(0);
    const last = await standby(3);
    const running = await job(flow, 2, 'active', { worker: dead, retry: 3 });
    const f = await fetchFlowRuns(t.db, 10, live);
    expect(f.reclaimed).toMatchObject({ jobs: 3, failed: 1 });
    for (const id of [first, last]) {
      const r = await row(id);
      expect(r).toMatchObject({ state: 'retry', completed: false });
      expect(r.startsIn).toBeLessThan(0.5);
    }
    // A run that was under way on its last try fails, as before.
    expect(await row(running)).toMatchObject({ state: 'failed', completed: true });
  });

  it('reserves no standby job for a flow over its limit (a version published with a lower one)', async () => {
    await t.db.query(`DELETE FROM pgboss.job WHERE name = $1`, [FLOW_RUNS_QUEUE]);
    const worker = crypto.randomUUID();
    await lease(worker, 0);
    const pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    try {
      // Four runs in flight under the old limit (4); the queued jobs carry the new one (2).
      const over = crypto.randomUUID();
      const held: string[] = [];
      for (let i = 0; i < 4; i++) held.push(await job(over, 4, 'active', { worker }));
      for (let i = 0; i < 6; i++) await job(over, 2, 'created');
      const one = await finishJobs(pool, worker, [{ jobId: held[0]! }], {
        handOver: true,
        reserve: new Map([[over, 6]]),
      });
      expect([...one.completed]).toEqual([held[0]]);
      expect(one.jobs).toEqual([]);
      // Within the limit again (1 in flight after this one): a hand-over and standby jobs as asked.
      const two = await finishJobs(
        pool,
        worker,
        held.slice(1, 3).map((jobId) => ({ jobId })),
        { handOver: true, reserve: new Map([[over, 2]]) },
      );
      expect(two.jobs.filter((j) => !j.standby)).toHaveLength(1);
      expect(two.jobs.filter((j) => j.standby)).toHaveLength(2);
    } finally {
      await pool.end();
    }
  });
});

/** No final rows: their id range is empty. */
const NO_ID = '00000000-0000-0000-0000-000000000000';
interface PlanNode {
  'Subplan Name'?: string;
  'Parent Relationship'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}
const findPlan = (n: PlanNode, test: (n: PlanNode) => boolean): PlanNode | undefined =>
  test(n) ? n : (n.Plans ?? []).map((p) => findPlan(p, test)).find(Boolean);
/** The indexes a plan node's own scans use (not those of the subqueries it reads its ids from). */
const indexesOf = (n: PlanNode): (string | undefined)[] => [
  ...(n['Index Name'] ? [n['Index Name']] : []),
  ...(n.Plans ?? []).filter((p) => p['Parent Relationship'] !== 'InitPlan').flatMap(indexesOf),
];
