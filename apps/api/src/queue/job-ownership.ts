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

/** SQL: the lease row aliased `w` is live (refreshed within its lease_seconds). */
export const LEASE_LIVE = `w.seen_at + make_interval(secs => w.lease_seconds) > now()`;

/** The worker an active job is tagged with (text; NULL when untagged). */
export const TAG = `output->>'worker'`;

/** The tag the fetch writes into `output` ($n is the worker id). */
export const tagOf = (param: string) => `jsonb_build_object('worker', ${param}::text)`;

/**
 * pg-boss 10.4.2's failJobs (plans.js) for one row, as SET clauses: retry with its delay (and
 * exponential backoff with jitter) while retries remain, else failed. pg-boss deletes and
 * re-inserts the row to resolve singleton-key conflicts and dead letters; the flow-runs queue has
 * neither (standard policy, no dead letter), so an UPDATE is the same transition.
 */
const RETRY_OR_FAIL = `
  state = CASE WHEN retry_count < retry_limit THEN 'retry'::${QUEUE_SCHEMA}.job_state
    ELSE 'failed'::${QUEUE_SCHEMA}.job_state END,
  start_after = CASE
    WHEN retry_count = retry_limit THEN start_after
    WHEN NOT retry_backoff THEN now() + retry_delay * interval '1'
    ELSE now() + (
      retry_delay * 2 ^ LEAST(16, retry_count + 1) / 2 +
      retry_delay * 2 ^ LEAST(16, retry_count + 1) / 2 * random()
    ) * interval '1'
  END,
  completed_on = CASE WHEN retry_count < retry_limit THEN NULL ELSE now() END`;

/**
 * Hands back the active jobs of dead workers ($2 worker ids) as pg-boss's expiry would, with its
 * output shape (`{"value": {"message": …}}`), and drops those workers' lease rows if still stale.
 * Reads active rows only (partial index on state = 'active').
 */
export const RECLAIM_SQL = `
  WITH reclaimed AS (
    UPDATE ${JOB} SET ${RETRY_OR_FAIL},
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
    WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active' AND ${TAG} = $3 AND retry_count = 0
    RETURNING id
  ), again AS (
    UPDATE ${JOB} SET completed_on = now(), state = 'completed', output = NULL
    WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active' AND ${TAG} = $3 AND retry_count > 0
    RETURNING id
  )
  SELECT id FROM first UNION ALL SELECT id FROM again`;

/** pg-boss's failJobsById (output as `boss.fail(name, id, {message})` writes it), for a job still held by worker $3. */
const FAIL_OWN_SQL = `
  UPDATE ${JOB} SET ${RETRY_OR_FAIL}, output = $4::jsonb
  WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active' AND ${TAG} = $3
  RETURNING id`;

const OWNED_SQL = `SELECT id FROM ${JOB} WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active' AND ${TAG} = $3`;

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
