/**
 * Finishing flow-runs jobs in ONE round trip: the runs' final execution rows, the completion of their
 * jobs (deleted on a first try, kept as pg-boss keeps them when retried: job-ownership.ts), and the
 * hand-over of each freed slot to a queued job (activated and tagged for the same worker, its campaign
 * run claimed), so a busy queue needs no fetch per run:
 * - the slot of a job of a flow with `maxConcurrentRuns` goes to that flow's next job. This keeps the
 *   limit without the exclusive fetch lock (limited-fetch.ts): it activates at most as many jobs of a
 *   flow as it completed of that flow in the same statement, so the flow's count of active jobs
 *   never grows through it (only fetches grow it, and they count under the lock); and a job is taken
 *   only while the flow's count before it stays under the job's own limit (a newer version may carry
 *   a lower one);
 * - the slot of a job with no limit goes to the next job in the queue's order across flows (as the
 *   fetch picks), among jobs with no limit of flows with no limited job active (a flow whose limited
 *   runs are active is counted by the fetch and the first rule only).
 * - standby jobs (job-ownership.ts): a worker starts a reserved standby job of a limited flow the moment
 *   one of its runs of that flow ends, without waiting for this statement; the statement that completes
 *   the ended run's job promotes the standby job (counted, and its campaign run `running`, from then
 *   on: count-neutral, as the ended one stops being counted in the same statement; a slot whose run
 *   had no successor is handed over as above), and reserves new standby jobs, as many as the worker
 *   asks per flow (two per run of it in flight or about to start: workers/standby-jobs.ts). So a
 *   limited flow's slots never sit idle while a statement commits, and the count of active jobs,
 *   standby ones left out, never exceeds the limit. No standby job is reserved for a flow over its
 *   limit (a version published with a lower one): its runs end without successors until it is within.
 * Either way the queue's order within a flow and its campaigns is kept, paused campaigns are skipped,
 * `start_after` must have passed, and nothing is taken unless the worker's lease is live. It takes
 * the fetch lock SHARED, before its snapshot: hand-overs run side by side, a fetch or a campaign pause
 * waits for them (once a pause is answered, no hand-over claims a run of the campaign, as no fetch
 * does).
 *
 * The statements go as one simple-protocol query (the lock must be taken by an earlier statement of
 * the transaction than the snapshot that reads the queue, and node-postgres sends a parameterised
 * query alone), so the values are inlined as literals: uuids checked, JSON dollar-quoted.
 */
import type { Pool, PoolClient } from 'pg';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA, type FlowRunJob } from './flow-runs.queue';
import {
  COUNTED_RUN,
  HELD,
  IS_STANDBY,
  IS_STANDBY_OF,
  LEASE_LIVE,
  QUEUED_BY_ID,
  standbyTagOf,
  TAG,
  tagOf,
  WORKERS_TABLE,
} from './job-ownership';
import { FETCH_LOCK_KEY } from './limited-fetch';

const JOB = `${QUEUE_SCHEMA}.job`;
const Q = `'${FLOW_RUNS_QUEUE}'`;
const FLOW = `COALESCE(data->>'flowId', '')`;
const CAMPAIGN = `COALESCE(data->>'tenantId', '') || '/' || COALESCE(data->>'campaignId', '')`;
const PAUSED = `ARRAY(SELECT tenant_id::text || '/' || campaign_id FROM campaign_pauses)`;
/** A job's limit as pickWithinLimits reads it (limited-fetch.ts): a number ≥ 1, floored; else none. */
const limitOf = (m: string) => `CASE WHEN jsonb_typeof(${m}) = 'number' AND (${m})::numeric >= 1
  THEN floor((${m})::numeric) END`;
/*
 * The final rows' id range is given as parameters ($7/$8, finalRowIds): executions' partitions outside it
 * are pruned before the executor starts. No range from a subquery (`id BETWEEN (SELECT … LIMIT 1) AND
 * …`) on the other UPDATEs of executions: run-time pruning on it crashed PostgreSQL 18.4
 * (segfault in perform_pruning_base_step, the server restarting every few hundred ms under a
 * campaign); those UPDATEs probe each partition's primary key instead.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A job as the worker runs it (the columns the hand-over returns). */
export interface ClaimedJob {
  id: string;
  data: FlowRunJob;
  retryCount: number;
  retryLimit: number;
  /** Reserved, not started: to start in place of a run of the same flow that ends (job-ownership.ts). */
  standby?: boolean;
}

/** One job to finish: its run's final row as finalRecordJson made it (absent: written already). */
export interface Finishing {
  jobId: string;
  finalRow?: string;
}

/** What else one finishing statement does besides finishing jobs. */
export interface FinishOptions {
  /** Hand freed slots over and reserve standby jobs (false while the worker shuts down). */
  handOver: boolean;
  /** Standby jobs started in place of finished runs: counted against their flows' limits from now on. */
  promote: readonly string[];
  /** Standby jobs wanted per limited flow id. */
  reserve: ReadonlyMap<string, number>;
}

export interface Finished {
  /** Jobs completed (still held by this worker). */
  completed: Set<string>;
  /** Final rows written (a row missing from the table is not: the caller writes it whole). */
  recorded: Set<string>;
  /** Jobs activated for this worker in place of completed ones, in queue order (standby ones flagged). */
  jobs: ClaimedJob[];
  /** Standby jobs promoted (others of `promote` were no longer standby jobs of this worker). */
  promoted: Set<string>;
}

/** Column list of finalRecordJson's records (row-encoding.ts). */
const FINAL_TYPES =
  'id uuid, status text, output json, error json, steps json, finished_at timestamptz, duration_ms int';

/**
 * Queued jobs with no limit read per slot to hand over, of which the first ones not locked are taken: two
 * workers' statements running side by side read the same head of the queue, and with one candidate per
 * slot the second took nothing (SKIP LOCKED) and its worker fetched instead, under the exclusive fetch
 * lock that every other finishing statement then waited for.
 */
const OPEN_SPARE = 3;
/** SQL: the slots of the completed jobs with no limit, to hand over across flows. */
const OPEN_SLOTS = `(SELECT count(*) FROM done WHERE lim IS NULL)`;
/** SQL: queued job `j` may be activated now by worker $3 (asked to hand over, its lease live). */
const TAKEABLE = `j.name = ${Q} AND j.${QUEUED_BY_ID} AND j.start_after < now()
      AND $4::boolean AND EXISTS (SELECT 1 FROM ${WORKERS_TABLE} w WHERE w.id = $3::uuid AND ${LEASE_LIVE})`;

/**
 * $1 the jobs (uuid[]), $2 their final rows (a JSON array of finalRecordJson records), $3 the worker,
 * $4 whether to hand slots over and reserve (not while the worker shuts down), $5 the standby jobs the
 * worker started in place of finished ones (uuid[]: counted from now on), $6 the standby jobs wanted
 * per limited flow (a JSON array of `{"f": flow id, "n": count}`), $7 and $8 the smallest and largest
 * id of the final rows, $9 their ids (finalRowIds: each row is probed by its key, and the rows' JSON,
 * the bulk of the statement, is parsed once).
 */
const FINISH_SQL = `
  WITH RECURSIVE done_first AS (
    DELETE FROM ${JOB}
    WHERE name = ${Q} AND id = ANY($1::uuid[]) AND ${HELD} AND ${TAG} = $3::text AND retry_count = 0
    RETURNING id, ${FLOW} AS flow_id, ${limitOf(`data->'maxConcurrentRuns'`)} AS lim, ${IS_STANDBY} AS sb
  ),
  again AS (
    SELECT id, ${IS_STANDBY} AS sb FROM ${JOB}
    WHERE name = ${Q} AND id = ANY($1::uuid[]) AND ${HELD} AND ${TAG} = $3::text AND retry_count > 0
  ),
  done_again AS (
    UPDATE ${JOB} j SET completed_on = now(), state = 'completed', output = NULL FROM again a
    WHERE j.name = ${Q} AND j.id = a.id
    RETURNING j.id, ${FLOW} AS flow_id, ${limitOf(`data->'maxConcurrentRuns'`)} AS lim, a.sb
  ),
  done AS (SELECT * FROM done_first UNION ALL SELECT * FROM done_again),
  fin AS (
    UPDATE executions e SET status = x.status, output = x.output, error = x.error, steps = x.steps,
      finished_at = x.finished_at, duration_ms = x.duration_ms
    FROM json_to_recordset($2::json) AS x(${FINAL_TYPES})
    WHERE e.id = x.id AND e.id = ANY($9::uuid[]) AND e.id BETWEEN $7::uuid AND $8::uuid
    RETURNING e.id
  ),
  prom AS (
    UPDATE ${JOB} SET output = ${tagOf('$3')}, started_on = now()
    WHERE name = ${Q} AND id = ANY($5::uuid[]) AND id <> ALL($1::uuid[]) AND ${HELD}
      AND ${TAG} = $3::text AND ${IS_STANDBY}
    RETURNING id, ${FLOW} AS flow_id, ${COUNTED_RUN} AS counted
  ),
  wants AS (SELECT x.f AS flow_id, x.n AS r FROM json_to_recordset($6::json) AS x(f text, n int) WHERE $4::boolean),
  flows AS (
    SELECT flow_id FROM done WHERE lim IS NOT NULL UNION SELECT flow_id FROM prom UNION SELECT flow_id FROM wants
  ),
  counts AS (
    SELECT f.flow_id,
      (SELECT count(*) FROM done d WHERE d.flow_id = f.flow_id AND d.lim IS NOT NULL AND NOT d.sb)::int AS n,
      (SELECT count(*) FROM prom p WHERE p.flow_id = f.flow_id)::int AS p,
      COALESCE((SELECT sum(w.r) FROM wants w WHERE w.flow_id = f.flow_id), 0)::int AS r,
      (SELECT count(*) FROM ${JOB} a WHERE a.name = ${Q} AND a.state = 'active'
        AND COALESCE(a.data->>'flowId', '') = f.flow_id AND NOT ${IS_STANDBY_OF('a')})::int AS active
    FROM flows f
  ),
  want AS (SELECT flow_id, n, p, r, active, GREATEST(n - p, 0) AS h FROM counts WHERE GREATEST(n - p, 0) + r > 0),
  groups(flow_id, campaign) AS (
    SELECT w.flow_id, s.campaign FROM want w CROSS JOIN LATERAL (
      SELECT ${CAMPAIGN} AS campaign FROM ${JOB}
      WHERE name = ${Q} AND state < 'active' AND ${FLOW} = w.flow_id ORDER BY 1 LIMIT 1) s
    UNION ALL
    SELECT g.flow_id, s.campaign FROM groups g CROSS JOIN LATERAL (
      SELECT ${CAMPAIGN} AS campaign FROM ${JOB}
      WHERE name = ${Q} AND state < 'active' AND ${FLOW} = g.flow_id AND ${CAMPAIGN} > g.campaign
      ORDER BY 1 LIMIT 1) s
  ),
  cand AS (
    SELECT c.id, c.lim, w.n, w.p, w.h, w.r, w.active,
      row_number() OVER (PARTITION BY c.flow_id ORDER BY c.priority DESC, c.created_on, c.id) AS rn
    FROM groups g JOIN want w ON w.flow_id = g.flow_id CROSS JOIN LATERAL (
      SELECT j.id, j.priority, j.created_on, ${FLOW} AS flow_id, ${limitOf(`j.data->'maxConcurrentRuns'`)} AS lim
      FROM ${JOB} j
      WHERE j.name = ${Q} AND j.state < 'active' AND j.start_after < now()
        AND ${FLOW} = g.flow_id AND ${CAMPAIGN} = g.campaign
      ORDER BY j.priority DESC, j.created_on, j.id LIMIT w.h + w.r) c
    WHERE g.campaign <> ALL(${PAUSED})
  ),
  picked AS (
    SELECT id, rn > h AS sb FROM cand
    WHERE (rn <= h AND (lim IS NULL OR active - n + p + rn - 1 < lim))
      OR (rn > h AND rn <= h + r AND lim IS NOT NULL AND active - n + p <= lim)
  ),
  opengroups(flow_id, campaign) AS (
    (SELECT ${FLOW}, ${CAMPAIGN} FROM ${JOB} WHERE name = ${Q} AND state < 'active'
      AND EXISTS (SELECT 1 FROM done WHERE lim IS NULL) ORDER BY 1, 2 LIMIT 1)
    UNION ALL
    SELECT n.flow_id, n.campaign FROM opengroups g CROSS JOIN LATERAL (
      SELECT ${FLOW} AS flow_id, ${CAMPAIGN} AS campaign FROM ${JOB}
      WHERE name = ${Q} AND state < 'active' AND (${FLOW}, ${CAMPAIGN}) > (g.flow_id, g.campaign)
      ORDER BY 1, 2 LIMIT 1) n
  ),
  opencand AS (
    SELECT c.id FROM opengroups g CROSS JOIN LATERAL (
      SELECT j.id, j.priority, j.created_on, ${limitOf(`j.data->'maxConcurrentRuns'`)} AS lim
      FROM ${JOB} j
      WHERE j.name = ${Q} AND j.state < 'active' AND j.start_after < now()
        AND ${FLOW} = g.flow_id AND ${CAMPAIGN} = g.campaign
      ORDER BY j.priority DESC, j.created_on, j.id
      LIMIT ${OPEN_SPARE} * ${OPEN_SLOTS}) c
    WHERE g.campaign <> ALL(${PAUSED}) AND c.lim IS NULL
      AND NOT EXISTS (SELECT 1 FROM ${JOB} a WHERE a.name = ${Q} AND a.state = 'active'
        AND COALESCE(a.data->>'flowId', '') = g.flow_id AND ${limitOf(`a.data->'maxConcurrentRuns'`)} IS NOT NULL)
    ORDER BY c.priority DESC, c.created_on, c.id LIMIT ${OPEN_SPARE} * ${OPEN_SLOTS}
  ),
  next AS (
    SELECT j.id FROM ${JOB} j
    WHERE j.id = ANY(ARRAY(SELECT id FROM picked)) AND ${TAKEABLE}
    FOR UPDATE SKIP LOCKED
  ),
  nextopen AS (
    SELECT j.id FROM ${JOB} j
    WHERE j.id = ANY(ARRAY(SELECT id FROM opencand)) AND ${TAKEABLE}
    ORDER BY j.priority DESC, j.created_on, j.id
    FOR UPDATE SKIP LOCKED LIMIT ${OPEN_SLOTS}
  ),
  act AS (
    UPDATE ${JOB} j SET state = 'active',
      started_on = CASE WHEN j.id = ANY(ARRAY(SELECT id FROM picked WHERE sb)) THEN NULL ELSE now() END,
      retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END,
      output = CASE WHEN j.id = ANY(ARRAY(SELECT id FROM picked WHERE sb))
        THEN ${standbyTagOf('$3', 'started_on IS NOT NULL')} ELSE ${tagOf('$3')} END
    WHERE j.name = ${Q} AND j.id = ANY(ARRAY(SELECT id FROM next UNION ALL SELECT id FROM nextopen))
    RETURNING j.id, j.data, j.retry_count, j.retry_limit, j.priority, j.created_on, ${IS_STANDBY_OF('j')} AS standby
  ),
  claimed AS (
    SELECT id FROM act WHERE NOT standby AND ${COUNTED_RUN}
    UNION ALL SELECT id FROM prom WHERE counted
  ),
  claim AS (
    UPDATE executions SET status = 'running'
    WHERE id = ANY(ARRAY(SELECT id FROM claimed)) AND status = 'queued'
  )
  SELECT json_build_object(
    'done', (SELECT COALESCE(json_agg(id), '[]') FROM done),
    'recorded', (SELECT COALESCE(json_agg(id), '[]') FROM fin),
    'promoted', (SELECT COALESCE(json_agg(id), '[]') FROM prom),
    'jobs', (SELECT COALESCE(json_agg(json_build_object('id', id, 'data', data, 'retryCount', retry_count,
      'retryLimit', retry_limit, 'standby', standby) ORDER BY priority DESC, created_on, id), '[]') FROM act)
  ) AS r`;

/**
 * The name the statement is prepared under in each session (a new text needs a new name). Its plan is
 * generic (forced by finishCall; left to choose, PostgreSQL planned it anew at every call), made
 * once per session, when the tables may still be small: every row it touches is reached
 * through `= ANY(ARRAY(…))` (an index probe per id whatever the statistics), never a join the planner
 * could turn into a scan of executions.
 */
/** The name the finishing statement is prepared under in each session (EXPLAIN in tests). */
export const FINISH_STATEMENT = 'callflow_finish_jobs_v16';
const PREPARED = FINISH_STATEMENT;
/** Sessions that have it prepared (pool clients are reused objects; a new connection is a new one). */
const prepared = new WeakSet<PoolClient>();

/**
 * The query text: prepared once per session (planning it took 2-7 ms, running it under 1), then the
 * shared lock and the statement with the values inlined.
 */
function finishCall(client: PoolClient, worker: string, items: readonly Finishing[], o: FinishOptions): string {
  if (!UUID.test(worker)) throw new Error(`not a uuid: ${worker}`);
  for (const i of items) if (!UUID.test(i.jobId)) throw new Error(`not a uuid: ${i.jobId}`);
  for (const id of o.promote) if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  const rows = items.filter((i) => i.finalRow !== undefined).map((i) => i.finalRow!);
  const reserve = JSON.stringify([...o.reserve].filter(([, n]) => n > 0).map(([f, n]) => ({ f, n: Math.floor(n) })));
  const prepare = prepared.has(client)
    ? ''
    : `PREPARE ${PREPARED} (uuid[], json, uuid, boolean, uuid[], json, uuid, uuid, uuid[]) AS ${FINISH_SQL};\n`;
  const { ids, lo, hi } = finalRowIds(rows);
  // Generic: planning this statement per call (a custom plan, which PostgreSQL kept choosing) cost
  // more than running it, the more so with executions' partitions to plan for (SET LOCAL: this
  // transaction only). No sequential scans: the one plan is made at the session's first call, often
  // on a small or empty queue, where scanning pgboss.job looked cheapest; a backlog of 100,000 jobs
  // then made each call read 41,000 buffers (every step reaches its rows by id or by the queue's
  // indexes, whatever the statistics).
  return (
    `${prepare}SET LOCAL plan_cache_mode = force_generic_plan;\nSET LOCAL enable_seqscan = off;\n` +
    `SELECT pg_advisory_xact_lock_shared(${FETCH_LOCK_KEY});\n` +
    `EXECUTE ${PREPARED}('{${items.map((i) => i.jobId).join(',')}}', ` +
    `${dollarQuoted(`[${rows.join(',')}]`)}, '${worker}', ${o.handOver}, '{${o.promote.join(',')}}', ` +
    `${dollarQuoted(reserve)}, ` +
    `'${lo}', '${hi}', '{${ids.join(',')}}')`
  );
}

/**
 * `s` as a dollar-quoted literal: taken as is, with no character to escape (the driver's escapeLiteral
 * walks the text character by character and doubles every backslash of the JSON). The tag is one the
 * text does not contain.
 */
export function dollarQuoted(s: string): string {
  let tag = '$f$';
  // The closing tag must be the first place the tag occurs: `…$f` followed by `$f$` would close early.
  for (let i = 0; `${s}${tag}`.indexOf(tag) !== s.length; i++) tag = `$f${i}$`;
  return `${tag}${s}${tag}`;
}

const FIRST_ID = /^\{"id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;
const ALL_IDS = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'] as const;

/**
 * The ids of finalRecordJson rows (their first field), with the smallest and largest; when a row has
 * none readable there, every id's range and each row's id as JSON.parse reads it.
 */
function finalRowIds(rows: readonly string[]): { ids: string[]; lo: string; hi: string } {
  const ids: string[] = [];
  let lo = ALL_IDS[1] as string;
  let hi = ALL_IDS[0] as string;
  for (const r of rows) {
    const id = FIRST_ID.exec(r)?.[1];
    if (!id) return { ids: rows.map(idOfRow).filter((i) => i !== undefined), lo: ALL_IDS[0], hi: ALL_IDS[1] };
    ids.push(id);
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  return { ids, lo, hi };
}

/** A row's id when it is a uuid (a row without one matches no execution: its caller writes it whole). */
function idOfRow(row: string): string | undefined {
  const id = (JSON.parse(row) as { id?: unknown }).id;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}

/**
 * Writes the final rows, completes the jobs still held by worker `worker` and hands the slots of
 * limited flows over (see the file comment), in one transaction and one round trip.
 */
export async function finishJobs(
  pool: Pool,
  worker: string,
  items: readonly Finishing[],
  options: Partial<FinishOptions> = {},
): Promise<Finished> {
  const o: FinishOptions = { handOver: true, promote: [], reserve: new Map(), ...options };
  const client = await pool.connect();
  let failed: unknown;
  // A checked-out client has no pool listener: a connection lost now would be an unhandled 'error'
  // (execution-writer.service.ts, CHAOS-6). The query in flight rejects too.
  const onError = (err: unknown) => (failed ??= err);
  client.on('error', onError);
  try {
    const res = (await client.query(finishCall(client, worker, items, o))) as unknown;
    prepared.add(client);
    const last = (Array.isArray(res) ? res[res.length - 1] : res) as {
      rows: { r: { done: string[]; recorded: string[]; promoted: string[]; jobs: ClaimedJob[] } }[];
    };
    const row = last.rows[0]!.r;
    return {
      completed: new Set(row.done),
      recorded: new Set(row.recorded),
      promoted: new Set(row.promoted),
      jobs: row.jobs,
    };
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    client.off('error', onError);
    // A session that failed is not handed back (it may be gone, or mid-transaction).
    client.release(failed === undefined ? undefined : failed instanceof Error ? failed : new Error(String(failed)));
  }
}
