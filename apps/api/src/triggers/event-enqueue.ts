/**
 * The write of `POST /events` in one statement: the (flow, event) idempotency rows, then for the
 * pairs it inserted (a pair another request holds waits for that request's commit, then counts as
 * existing) their `queued` executions rows and their pg-boss jobs, and the wake-up of the workers.
 * One round trip and one JSON document for all the runs of a batch: the run inputs are sent once
 * (the job data is built from the same rows in SQL), and no per-element array escaping.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { QueryRunner } from 'typeorm';
import { callIdOf, phoneOf } from '../executions/execution-row';
import type { FlowRunJob } from '../queue/flow-runs.queue';
import { insertJobsSql } from '../queue/job-insert';
import { QUEUE_CHANNEL } from '../queue/queue-signals';

/** The rows of a batch, in the order given (the callers' lock order). */
const RUNS = `jsonb_to_recordset($2::jsonb) AS x(id uuid, flow_id uuid, version_id uuid, version int, event_id text,
  call_id text, phone text, input jsonb, max_runs int, campaign_id text)`;

/** The FlowRunJob of a claimed row (flow-runs.queue.ts), built in SQL from the row it was sent in. */
const JOB_DATA = `jsonb_build_object('executionId', r.id, 'tenantId', $1::uuid, 'flowId', r.flow_id,
  'versionId', r.version_id, 'version', r.version, 'trigger', 'event', 'eventId', r.event_id, 'retryOf', NULL,
  'maxConcurrentRuns', r.max_runs, 'input', r.input, 'campaignId', r.campaign_id)`;

const CLAIM_AND_ENQUEUE = `
  WITH x AS MATERIALIZED (
    SELECT * FROM ${RUNS}
  ), claimed AS (
    INSERT INTO event_runs (tenant_id, flow_id, event_id, execution_id)
    SELECT $1::uuid, x.flow_id, x.event_id, x.id FROM x
    ON CONFLICT DO NOTHING
    RETURNING execution_id
  ), runs AS MATERIALIZED (
    SELECT x.* FROM x JOIN claimed c ON c.execution_id = x.id
  ), queued AS (
    INSERT INTO executions (id, tenant_id, flow_id, flow_version, trigger_type, status, event_id, call_id, phone,
      input, steps, retry_of, campaign_id, started_at)
    SELECT r.id, $1::uuid, r.flow_id, r.version, 'event', 'queued', r.event_id, r.call_id, r.phone, r.input,
      '[]'::jsonb, NULL, r.campaign_id, now()
    FROM runs r
  ), jobs AS (
    ${insertJobsSql(`(SELECT r.id, ${JOB_DATA} AS data FROM runs r)`)}
  )
  SELECT n, CASE WHEN n > 0 THEN pg_notify('${QUEUE_CHANNEL}', 'queued') END AS notified
  FROM (SELECT count(*)::int AS n FROM runs) c`;

/** Runs serialised per turn of the event loop (~0.5 ms of CPU each). */
const CHUNK = 250;

const rowOf = (r: FlowRunJob) => ({
  id: r.executionId,
  flow_id: r.flowId,
  version_id: r.versionId,
  version: r.version,
  event_id: r.eventId,
  call_id: callIdOf(r.input),
  phone: phoneOf(r.input),
  input: r.input,
  max_runs: r.maxConcurrentRuns,
  campaign_id: r.campaignId ?? null,
});

/**
 * The rows of `runs` as the statement's JSON document, serialised CHUNK at a time with a turn of
 * the event loop between: a request on this process (an IVR call) does not wait for a whole batch.
 */
export async function runsDocument(runs: readonly FlowRunJob[]): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < runs.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    parts.push(JSON.stringify(runs.slice(i, i + CHUNK).map(rowOf)).slice(1, -1));
  }
  return `[${parts.join(',')}]`;
}

/**
 * Claims each (flow, event id) pair of the runs in `document` (runsDocument; all of trigger
 * `event`, in the lock order) and queues the runs of the pairs it claimed, in the caller's
 * transaction; returns how many it claimed (all of them unless some pair existed). Campaign counts
 * are the caller's (countQueued).
 */
export async function claimAndEnqueue(tx: QueryRunner, tenantId: string, document: string): Promise<number> {
  const [row] = (await tx.query(CLAIM_AND_ENQUEUE, [tenantId, document])) as { n: number }[];
  return row!.n;
}
