import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA } from './flow-runs.queue';

/**
 * SQL inserting one `flow-runs` job per row of `source` (a relation with `id uuid` and `data
 * jsonb`, the FlowRunJob), with the values pg-boss 10.4.2's `insert` gives a job that sets no
 * option of its own (plans.js insertJobs: the queue's settings, else pg-boss's defaults, as
 * QueueService starts it with none). A plain INSERT: the ids are new execution ids, so pg-boss's
 * ON CONFLICT DO NOTHING (a speculative insertion into every unique index) is not needed. Used
 * inside a larger statement (the events' claim, triggers/event-enqueue.ts): the data is built in
 * SQL and the rows go in with the executions rows, in one round trip.
 */
export function insertJobsSql(source: string): string {
  return `INSERT INTO ${QUEUE_SCHEMA}.job (id, name, data, priority, start_after, expire_in, keep_until,
      retry_limit, retry_delay, retry_backoff, dead_letter, policy)
    SELECT s.id, q.name, s.data, 0, now(), COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
      now() + CAST(COALESCE((q.retention_minutes * 60)::text, '14 days') AS interval),
      COALESCE(q.retry_limit, 2),
      CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(q.retry_delay, 1) ELSE COALESCE(q.retry_delay, 0) END,
      COALESCE(q.retry_backoff, false), q.dead_letter, q.policy
    FROM ${source} s JOIN ${QUEUE_SCHEMA}.queue q ON q.name = '${FLOW_RUNS_QUEUE}'`;
}
