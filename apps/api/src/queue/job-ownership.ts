/**
 * Which worker process holds an active flow-runs job, and the job transitions that depend on it.
 *
 * `fetchFlowRuns` tags each job it activates with `output = {"worker": <lease id>}`. pg-boss writes
 * `output` only when a job leaves `active` (complete, fail, expiry), and reads it nowhere, so the
 * tag costs nothing (it is set by the fetch's own UPDATE) and is overwritten as soon as the job is
 * done. A tag therefore means: active, and held by that worker. Jobs activated by any other path
 * (pg-boss's own fetch, a version before leases) carry no `worker` key and are never reclaimed.
 *
 * A worker completes or hands back only jobs still tagged with its own id: a worker whose lease
 * lapsed (a long database outage) may find its jobs reclaimed and run by another worker, and its
 * late completion must not end a run it no longer holds (pg-boss's `complete` would, as the job is
 * `active` again; its `fail` would even fail a job waiting for its retry). Such a job is run again
 * elsewhere: a duplicate delivery, never a lost one (its final row, if ours is written, makes the
 * retry complete without running: RunWorker `alreadyFinished`).
 */
import type { Rows } from '../platform/database/raw-rows';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA } from './flow-runs.queue';

const JOB = `${QUEUE_SCHEMA}.job`;
/** The lease table (migration 1763750000000-queue-workers). */
export const WORKERS_TABLE = 'queue_workers';

/**
 * SQL: the job row is active, written so that a by-id statement reaches its rows through the primary
 * key: `state = 'active'` would let a generic plan take the active-by-flow partial index instead and
 * read every active job of the queue, and the dead entries a busy queue leaves there (4.6 of a 10 ms
 * finishing statement for 30 jobs, measured).
 */
export const HELD = `state::text = 'active'`;

/**
 * SQL: the job row is queued (pg-boss's `state < 'active'`: created or retry), written for by-id
 * statements as HELD is: `state < 'active'` let the hand-over's generic plan walk the queued-by-flow
 * partial index, a whole backlog's entries, to find 22 ids (1.2 of a 3.1 ms statement at a backlog of
 * 10,000, measured with auto_explain).
 */
export const QUEUED_BY_ID = `state::text IN ('created', 'retry')`;

/** SQL: the job's run is a campaign's, counted in campaign_counters: claimed `running` once started. */
export const COUNTED_RUN = `jsonb_typeof(data->'campaignId') = 'string'`;

/** SQL: the lease row aliased `w` is live (refreshed within its lease_seconds). */
export const LEASE_LIVE = `w.seen_at + make_interval(secs => w.lease_seconds) > now()`;

/** The worker an active job is tagged with (text; NULL when untagged). */
export const TAG = `output->>'worker'`;

/** The tag the fetch writes into `output` ($n is the worker id). */
export const tagOf = (param: string) => `jsonb_build_object('worker', ${param}::text)`;

/**
 * A STANDBY job: reserved by a worker (active, tagged, `"standby": true`) to start the moment one of
 * its runs of the same limited flow ends, before the finishing statement that frees that run's slot
 * (job-finish.ts). It is not counted against the flow's limit until that statement promotes it (the
 * run it replaces is counted until then), so the limit holds while no slot waits for a commit.
 * Reserved: no other worker takes it. Not started: `started_on` stays NULL (pg-boss never expires it)
 * and its campaign run stays `queued` until the promotion; it is handed back as it was if its worker
 * stops (or as tried if its worker dies: RECLAIM_SQL).
 */
export const standbyTagOf = (param: string, retried: string) =>
  `jsonb_build_object('worker', ${param}::text, 'standby', true, 'retried', ${retried})`;
/** SQL: the standby job was a retry (its reservation counted the try, as an activation does). */
const RETRIED = `COALESCE((output->>'retried')::boolean, false)`;
/** SQL: the job row (aliased `alias`, or unqualified) is a standby job. */
export const IS_STANDBY_OF = (alias?: string) => `(${alias ? `${alias}.` : ''}output->>'standby' IS NOT NULL)`;
export const IS_STANDBY = IS_STANDBY_OF();

/**
 * SET clauses handing a standby job back to the queue as it was before its reservation: a first try
 * `created` again, a retry `retry` again with the count its reservation added taken back.
 */
const UNRESERVE = `
  state = CASE WHEN ${RETRIED} THEN 'retry'::${QUEUE_SCHEMA}.job_state ELSE 'created'::${QUEUE_SCHEMA}.job_state END,
  retry_count = CASE WHEN ${RETRIED} THEN retry_count - 1 ELSE retry_count END,
  started_on = CASE WHEN ${RETRIED} THEN now() END, start_after = now(), output = NULL`;

/**
 * pg-boss 10.4.2's failJobs (plans.js) for one row, as SET clauses: retry with its delay (and
 * exponential backoff with jitter) while retries remain, else failed. pg-boss deletes and
 * re-inserts the row to resolve singleton-key conflicts and dead letters; the flow-runs queue has
 * neither (standard policy, no dead letter), so an UPDATE is the same transition. Rows where SQL
 * `atOnce` holds go back to `retry` at once instead, never failed.
 */
const retryOrFail = (atOnce = 'false') => `
  state = CASE WHEN ${atOnce} OR retry_count < retry_limit THEN 'retry'::${QUEUE_SCHEMA}.job_state
    ELSE 'failed'::${QUEUE_SCHEMA}.job_state END,
  start_after = CASE
    WHEN ${atOnce} THEN now()
    WHEN retry_count = retry_limit THEN start_after
    WHEN NOT retry_backoff THEN now() + retry_delay * interval '1'
    ELSE now() + (
      retry_delay * 2 ^ LEAST(16, retry_count + 1) / 2 +
      retry_delay * 2 ^ LEAST(16, retry_count + 1) / 2 * random()
    ) * interval '1'
  END,
  completed_on = CASE WHEN ${atOnce} OR retry_count < retry_limit THEN NULL ELSE now() END`;

/**
 * Hands back the active jobs of dead workers ($2 worker ids) as pg-boss's expiry would, with its
 * output shape (`{"value": {"message": …}}`), and drops those workers' lease rows if still stale.
 * Standby jobs too, as tried: a dead worker may have started one without a trace in the database,
 * so its next run counts as a retry (kept as evidence of a possible duplicate, like any other). But
 * at once and never failed: it most likely never ran (with EVENT_RETRY_LIMIT 0 it was failed without
 * a delivery tried). Reads active rows only (partial index on state = 'active').
 */
export const RECLAIM_SQL = `
  WITH reclaimed AS (
    UPDATE ${JOB} SET ${retryOrFail(IS_STANDBY)}, started_on = COALESCE(started_on, now()),
      output = jsonb_build_object('value',
        jsonb_build_object('message', 'the worker stopped: its lease expired', 'worker', ${TAG}))
    WHERE name = $1 AND state = 'active' AND ${TAG} = ANY($2::text[])
    RETURNING id, state
  ), gone AS (
    DELETE FROM ${WORKERS_TABLE} w WHERE w.id::text = ANY($2::text[]) AND NOT (${LEASE_LIVE})
  )
  SELECT count(*)::int AS jobs, (count(*) FILTER (WHERE state = 'failed'))::int AS failed FROM reclaimed`;

/**
 * Completes jobs still held by worker $3. A job that ran on its first try is deleted: it is read by
 * nobody (its execution row is the record), and pg-boss would keep it an hour, then move it to its
 * archive, then delete it: three more writes of the row and its index entries per run. A retried
 * job is kept as pg-boss keeps it (`completed`, archived later): the trace of a run done twice (the
 * chaos test explains each duplicate delivery by it).
 */
const COMPLETE_OWN_SQL = `
  WITH first AS (
    DELETE FROM ${JOB}
    WHERE name = $1 AND id = ANY($2::uuid[]) AND ${HELD} AND ${TAG} = $3 AND retry_count = 0
    RETURNING id
  ), again AS (
    UPDATE ${JOB} SET completed_on = now(), state = 'completed', output = NULL
    WHERE name = $1 AND id = ANY($2::uuid[]) AND ${HELD} AND ${TAG} = $3 AND retry_count > 0
    RETURNING id
  )
  SELECT id FROM first UNION ALL SELECT id FROM again`;

/** pg-boss's failJobsById (output as `boss.fail(name, id, {message})` writes it), for a job still held by worker $3. */
const FAIL_OWN_SQL = `
  UPDATE ${JOB} SET ${retryOrFail()}, output = $4::jsonb
  WHERE name = $1 AND id = ANY($2::uuid[]) AND ${HELD} AND ${TAG} = $3
  RETURNING id`;

const OWNED_SQL = `SELECT id FROM ${JOB} WHERE name = $1 AND id = ANY($2::uuid[]) AND ${HELD} AND ${TAG} = $3`;

/**
 * Hands standby jobs `ids` of worker $3 back to the queue (not started: its run ended with none to
 * replace, or it stops). Their campaign runs were never claimed (they stay `queued` until a standby
 * job is promoted: job-finish.ts), so nothing else changes.
 */
const UNRESERVE_OWN_SQL = `
  UPDATE ${JOB} SET ${UNRESERVE}
  WHERE name = $1 AND id = ANY($2::uuid[]) AND ${HELD} AND ${TAG} = $3 AND ${IS_STANDBY}
  RETURNING id`;

/** Counts standby jobs `ids` of worker `workerId` as started (job-finish.ts does it in its statement). */
export async function promoteOwnJobs(query: Rows, workerId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await query(
    `WITH prom AS (
       UPDATE ${JOB} SET output = ${tagOf('$3')}, started_on = now()
       WHERE name = $1 AND id = ANY($2::uuid[]) AND ${HELD} AND ${TAG} = $3 AND ${IS_STANDBY}
       RETURNING id, data
     )
     UPDATE executions SET status = 'running'
     WHERE id = ANY(ARRAY(SELECT id FROM prom WHERE ${COUNTED_RUN}))
       AND status = 'queued'`,
    [FLOW_RUNS_QUEUE, ids, workerId],
  );
}

/** Hands back standby jobs worker `workerId` still holds (UNRESERVE_OWN_SQL); returns how many. */
export async function unreserveOwnJobs(query: Rows, workerId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return (await query<{ id: string }>(UNRESERVE_OWN_SQL, [FLOW_RUNS_QUEUE, ids, workerId])).length;
}

/** Completes those of `ids` that worker `workerId` still holds; returns the ids it no longer held. */
export async function completeOwnJobs(query: Rows, workerId: string, ids: readonly string[]): Promise<string[]> {
  return notReturned(ids, await query<{ id: string }>(COMPLETE_OWN_SQL, [FLOW_RUNS_QUEUE, ids, workerId]));
}

/** Fails (retry or failed, as pg-boss's fail) a job worker `workerId` still holds; false when it no longer held it. */
export async function failOwnJob(
  query: Rows,
  workerId: string,
  id: string,
  output: { message: string },
): Promise<boolean> {
  return (
    notReturned(
      [id],
      await query<{ id: string }>(FAIL_OWN_SQL, [FLOW_RUNS_QUEUE, [id], workerId, JSON.stringify(output)]),
    ).length === 0
  );
}

/** Those of `ids` that worker `workerId` no longer holds (reclaimed, expired, or done). */
export async function notOwned(query: Rows, workerId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return notReturned(ids, await query<{ id: string }>(OWNED_SQL, [FLOW_RUNS_QUEUE, ids, workerId]));
}

function notReturned(ids: readonly string[], rows: { id: string }[]): string[] {
  const got = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !got.has(id));
}
