/**
 * Fetching `flow-runs` jobs with a per-flow concurrency limit (`maxConcurrentRuns` of the trigger,
 * carried in each job's data), honoured across EVERY worker process: pg-boss 10 has no per-key
 * concurrency (its singleton policy allows one active job per key, not N), and a limit counted in
 * one process would let N processes make N × the calls to the customer's CRM.
 *
 * So workers do not call `boss.fetch`; they call `fetchFlowRuns`, which in ONE transaction:
 * 1. takes a transaction-scoped advisory lock, so fetches are serialised across processes (a fetch
 *    is a few index probes and one UPDATE, so this is cheap, and no two fetches can both see room
 *    for the same last slot);
 * 2. counts the ACTIVE jobs per flow and worker. Jobs leave `active` through complete/fail/expiry,
 *    never through another path into it, so a count read under the lock can only be too high,
 *    never too low. Jobs tagged with a worker whose lease (worker-lease.ts) is gone or stale were
 *    left by a dead process: they are handed back here, as pg-boss's expiry would but within
 *    QUEUE_LEASE_SECONDS instead of QUEUE_EXPIRE_SECONDS, and no longer count (job-ownership.ts);
 * 3. reads candidates in pg-boss's own order (priority desc, created_on, id; state < active,
 *    start_after < now()), at most `batchSize` per flow and campaign, leaving out the campaigns
 *    paused in `campaign_pauses` (read under the lock: a pause takes the same lock, so once it is
 *    answered no fetch claims a job of that campaign), and picks in JS: a job is taken unless its
 *    flow already has `maxConcurrentRuns` active or picked jobs. A saturated flow's backlog is
 *    skipped, so flows queued behind it are not starved;
 * 4. marks the picked jobs active exactly as pg-boss does (started_on, retry_count + 1 when the job
 *    ran before, FOR UPDATE SKIP LOCKED), tags them with the fetching worker's id, and returns them
 *    in `JobWithMetadata` shape. It takes nothing when the fetching worker's own lease is not live
 *    in the database (its jobs would be reclaimable at once). The campaign runs among them become
 *    `running` (their counts move in campaign_counters in this transaction).
 *
 * Cost: pg-boss's fetch sorts every queued job of the queue (its index is on start_after), ~100 ms
 * with 100,000 queued. Skipping a saturated flow or a paused campaign without reading its backlog
 * needs them in an index, so `ensureFlowRunIndexes` adds two partial indexes to the queue's
 * partition: queued jobs by (flow, campaign, fetch order), and active jobs by flow. Distinct queued
 * (flow, campaign) pairs come from a loose index scan, then each pair's head from its own index
 * range: the cost grows with the number of pairs that have queued jobs and the batch size, not with
 * the backlog: under 1 ms with 100,000 jobs queued on one saturated flow
 * (test/concurrency-limit.e2e-spec.ts checks the plans).
 *
 * While a flow has queued work, its slots mostly change hands without a fetch: a worker finishing a
 * job hands its slot to the flow's next job in the same statement (job-finish.ts, count-neutral, under
 * this lock taken shared). The fetch fills free slots and is woken by NOTIFY (queue-signals.ts).
 */
import type PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { rowsOn, rowsOnPool, type Rows } from '../platform/database/raw-rows';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA, type FlowRunJob } from './flow-runs.queue';
import { IS_STANDBY, LEASE_LIVE, QUEUED_BY_ID, RECLAIM_SQL, TAG, tagOf, WORKERS_TABLE } from './job-ownership';
import { ADVISORY_LOCK } from '../platform/database/advisory-locks';

/** Advisory lock key serialising flow-runs fetches (and index creation) across processes. */
export const FETCH_LOCK_KEY = ADVISORY_LOCK.fetch;

/** The flow a job belongs to, as indexed (the expression must match the indexes exactly). */
const FLOW = `COALESCE(data->>'flowId', '')`;
/**
 * The campaign a job belongs to, as indexed: `<tenant id>/<campaign id>` (a campaign id is the
 * tenant's own: another tenant's campaign of the same id is another campaign), `<tenant id>/` when
 * the job has none. The key `campaign_pauses` rows are matched on.
 */
const CAMPAIGN = `COALESCE(data->>'tenantId', '') || '/' || COALESCE(data->>'campaignId', '')`;
const JOB = `${QUEUE_SCHEMA}.job`;
export const QUEUED_BY_FLOW_INDEX = 'callflow_flow_runs_queued_by_flow_campaign';
export const ACTIVE_BY_FLOW_INDEX = 'callflow_flow_runs_active_by_flow';
/** The index QUEUED_BY_FLOW_INDEX replaced (queued jobs by flow only), dropped once the new one exists. */
const OLD_QUEUED_BY_FLOW_INDEX = 'callflow_flow_runs_queued_by_flow';

/** The same columns pg-boss 10.4.2 returns with `includeMetadata` (plans.js allJobColumns). */
const JOB_COLUMNS = `j.id, j.name, j.data, EXTRACT(epoch FROM j.expire_in) as "expireInSeconds",
  j.policy, j.state, j.priority, j.retry_limit as "retryLimit", j.retry_count as "retryCount",
  j.retry_delay as "retryDelay", j.retry_backoff as "retryBackoff", j.start_after as "startAfter",
  j.started_on as "startedOn", j.singleton_key as "singletonKey", j.singleton_on as "singletonOn",
  j.expire_in as "expireIn", j.created_on as "createdOn", j.completed_on as "completedOn",
  j.keep_until as "keepUntil", j.dead_letter as "deadLetter", j.output`;

/**
 * Active jobs per flow and worker (standby jobs listed, not counted: job-ownership.ts); `orphaned`
 * when tagged with a worker whose lease is gone or stale. Reads only active rows (partial index) and
 * the few lease rows.
 */
const ACTIVE_SQL = `
  SELECT a.flow_id, a.worker, a.n, (a.worker IS NOT NULL AND w.id IS NULL) AS orphaned
  FROM (SELECT ${FLOW} AS flow_id, ${TAG} AS worker, (count(*) FILTER (WHERE NOT ${IS_STANDBY}))::int AS n
        FROM ${JOB} WHERE name = $1 AND state = 'active' GROUP BY 1, 2) a
  LEFT JOIN ${WORKERS_TABLE} w ON w.id::text = a.worker AND ${LEASE_LIVE}`;

/** The paused campaigns' keys (as CAMPAIGN makes them): a handful of rows, read once per fetch. */
const PAUSED = `ARRAY(SELECT tenant_id::text || '/' || campaign_id FROM campaign_pauses)`;

/**
 * The (flow, campaign) pairs with queued jobs (loose index scan: one probe per pair), then, for each
 * pair whose campaign is not paused, its first $2 jobs in pg-boss's fetch order, merged in that
 * order. A paused campaign's backlog is skipped without being read.
 */
const CANDIDATES_SQL = `
  WITH RECURSIVE groups(flow_id, campaign) AS (
    (SELECT ${FLOW}, ${CAMPAIGN} FROM ${JOB} WHERE name = $1 AND state < 'active' ORDER BY 1, 2 LIMIT 1)
    UNION ALL
    SELECT n.flow_id, n.campaign FROM groups g CROSS JOIN LATERAL (
      SELECT ${FLOW} AS flow_id, ${CAMPAIGN} AS campaign FROM ${JOB}
      WHERE name = $1 AND state < 'active' AND (${FLOW}, ${CAMPAIGN}) > (g.flow_id, g.campaign)
      ORDER BY 1, 2 LIMIT 1
    ) n
  )
  SELECT c.id, c.flow_id, c.max_runs
  FROM groups g CROSS JOIN LATERAL (
    SELECT j.id, j.priority, j.created_on, ${FLOW} AS flow_id, j.data->'maxConcurrentRuns' AS max_runs
    FROM ${JOB} j
    WHERE j.name = $1 AND j.state < 'active' AND j.start_after < now()
      AND ${FLOW} = g.flow_id AND ${CAMPAIGN} = g.campaign
    ORDER BY j.priority DESC, j.created_on, j.id
    LIMIT $2
  ) c
  WHERE g.campaign <> ALL(${PAUSED})
  ORDER BY c.priority DESC, c.created_on, c.id`;

/**
 * The claimed runs of campaigns become `running` in the fetch's transaction: the executions
 * trigger moves them from queued to running in campaign_counters as they are claimed (the runner
 * writes no `running` row of its own for them). Last statement before the commit: the counter rows
 * are locked until then only.
 */
const CLAIM_SQL = `UPDATE executions SET status = 'running' WHERE id = ANY($1::uuid[]) AND status = 'queued'`;

/**
 * pg-boss's fetchNextJob UPDATE, for the picked ids (its singleton/stately gating does not apply:
 * the queue's policy is standard), tagging each job with worker $3 (job-ownership.ts: pg-boss
 * writes `output` only when the job leaves `active`, so the tag rides on this UPDATE for free and
 * is overwritten by the completion). Nothing is taken when worker $3's lease is not live. A null
 * $3 (tests, tools) takes untagged jobs.
 */
const ACTIVATE_SQL = `
  WITH next AS (
    SELECT id FROM ${JOB}
    WHERE name = $1 AND id = ANY($2::uuid[]) AND ${QUEUED_BY_ID} AND start_after < now()
      AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM ${WORKERS_TABLE} w WHERE w.id = $3::uuid AND ${LEASE_LIVE}))
    FOR UPDATE SKIP LOCKED
  )
  UPDATE ${JOB} j SET
    state = 'active',
    started_on = now(),
    retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END,
    output = CASE WHEN $3::uuid IS NULL THEN output ELSE ${tagOf('$3')} END
  FROM next
  WHERE j.name = $1 AND j.id = next.id
  RETURNING ${JOB_COLUMNS}`;

/** A queued job as the picker sees it. */
export interface FetchCandidate {
  id: string;
  flow_id: string;
  /** The job's `maxConcurrentRuns` as stored (null or absent: no limit). */
  max_runs: unknown;
}

/** What one fetch got; `blocked` when a queued job was left because its flow was at its limit. */
export interface LimitedFetch {
  jobs: PgBoss.JobWithMetadata<FlowRunJob>[];
  blocked: boolean;
  /** Jobs of dead workers handed back by this fetch (for the caller's log). */
  reclaimed?: { jobs: number; failed: number; workers: string[] };
  /** The fetching worker's lease was not live in the database: nothing was taken. */
  leaseLost?: boolean;
}

/**
 * Takes candidates in their (queue) order, up to `batchSize`, skipping each job whose flow already
 * has its `maxConcurrentRuns` active (`active`) or taken in this pick. Every active job of a flow
 * counts, whatever limit it carried (an older version's unlimited runs still load the same CRM).
 */
export function pickWithinLimits(
  candidates: readonly FetchCandidate[],
  active: ReadonlyMap<string, number>,
  batchSize: number,
): { ids: string[]; blocked: boolean } {
  const running = new Map(active);
  const ids: string[] = [];
  let blocked = false;
  for (const c of candidates) {
    if (ids.length >= batchSize) break;
    const n = running.get(c.flow_id) ?? 0;
    const limit = limitOf(c.max_runs);
    if (limit !== null && n >= limit) {
      blocked = true;
      continue;
    }
    running.set(c.flow_id, n + 1);
    ids.push(c.id);
  }
  return { ids, blocked };
}

function limitOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : null;
}

/**
 * Fetches up to `batchSize` flow-runs jobs for worker `workerId` (its lease id; null: untagged, for
 * tests and tools), honouring each flow's limit across all processes (see the file comment).
 */
export function fetchFlowRuns(
  db: DataSource,
  batchSize: number,
  workerId: string | null = null,
): Promise<LimitedFetch> {
  return db.transaction(async (m) => {
    const sql = rowsOn(m.queryRunner!);
    await sql('SELECT pg_advisory_xact_lock($1)', [FETCH_LOCK_KEY]);
    const groups = await sql<{ flow_id: string; worker: string | null; n: number; orphaned: boolean }>(ACTIVE_SQL, [
      FLOW_RUNS_QUEUE,
    ]);
    const active = new Map<string, number>();
    for (const g of groups) if (!g.orphaned) active.set(g.flow_id, (active.get(g.flow_id) ?? 0) + g.n);
    const dead = [...new Set(groups.filter((g) => g.orphaned).map((g) => g.worker!))];
    let reclaimed: LimitedFetch['reclaimed'];
    if (dead.length > 0) {
      const [r] = await sql<{ jobs: number; failed: number }>(RECLAIM_SQL, [FLOW_RUNS_QUEUE, dead]);
      reclaimed = { jobs: r!.jobs, failed: r!.failed, workers: dead };
    }
    const candidates = await sql<FetchCandidate>(CANDIDATES_SQL, [FLOW_RUNS_QUEUE, batchSize]);
    const { ids, blocked } = pickWithinLimits(candidates, active, batchSize);
    if (ids.length === 0) return { jobs: [], blocked, reclaimed };
    const jobs = await sql<PgBoss.JobWithMetadata<FlowRunJob>>(ACTIVATE_SQL, [FLOW_RUNS_QUEUE, ids, workerId]);
    if (jobs.length === 0 && workerId !== null) {
      // Picked jobs are skipped only when locked by a concurrent pg-boss call or when our lease is not live.
      const [me] = await sql<{ live: boolean }>(
        `SELECT ${LEASE_LIVE} AS live FROM ${WORKERS_TABLE} w WHERE w.id = $1`,
        [workerId],
      );
      if (!me?.live) return { jobs, blocked, reclaimed, leaseLost: true };
    }
    const counted = jobs.filter((j) => typeof j.data.campaignId === 'string').map((j) => j.id);
    if (counted.length > 0) await sql(CLAIM_SQL, [counted]);
    // Started in queue order (UPDATE … RETURNING has none of its own).
    const rank = new Map(ids.map((id, i) => [id, i]));
    jobs.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
    return { jobs, blocked, reclaimed };
  });
}

/**
 * Creates the two partial indexes `fetchFlowRuns` reads on the flow-runs partition (pg-boss 10
 * names it `j` + sha224(queue name), recorded in `queue.partition_name`), once, under the fetch
 * lock. Additive: pg-boss never reads them; if the queue is ever recreated they are made again at
 * the next start.
 */
export async function ensureFlowRunIndexes(db: DataSource): Promise<void> {
  const missing = async (q: Rows) => {
    const [r] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2::text[])`,
      [QUEUE_SCHEMA, [QUEUED_BY_FLOW_INDEX, ACTIVE_BY_FLOW_INDEX]],
    );
    return r!.n < 2;
  };
  if (!(await missing(rowsOnPool(db)))) return;
  await db.transaction(async (m) => {
    const sql = rowsOn(m.queryRunner!);
    await sql('SELECT pg_advisory_xact_lock($1)', [FETCH_LOCK_KEY]);
    if (!(await missing(sql))) return;
    const [queue] = await sql<{ partition_name: string }>(
      `SELECT partition_name FROM ${QUEUE_SCHEMA}.queue WHERE name = $1`,
      [FLOW_RUNS_QUEUE],
    );
    if (!queue) throw new Error(`queue ${FLOW_RUNS_QUEUE} does not exist`);
    const table = `${QUEUE_SCHEMA}."${queue.partition_name.replaceAll('"', '""')}"`;
    await sql(
      `CREATE INDEX IF NOT EXISTS ${QUEUED_BY_FLOW_INDEX} ON ${table} (name, (${FLOW}), (${CAMPAIGN}), ` +
        `priority DESC, created_on, id) INCLUDE (start_after) WHERE state < 'active'`,
    );
    await sql(`DROP INDEX IF EXISTS ${QUEUE_SCHEMA}.${OLD_QUEUED_BY_FLOW_INDEX}`);
    await sql(
      `CREATE INDEX IF NOT EXISTS ${ACTIVE_BY_FLOW_INDEX} ON ${table} (name, (${FLOW})) WHERE state = 'active'`,
    );
  });
}

/**
 * The read statements of a fetch, for EXPLAIN in tests ($1 queue name, $2 batch size; `reclaim`: $2
 * dead worker ids).
 */
export const LIMITED_FETCH_SQL = { active: ACTIVE_SQL, candidates: CANDIDATES_SQL, reclaim: RECLAIM_SQL } as const;
