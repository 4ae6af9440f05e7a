import type PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { ADVISORY_LOCK, withSessionLock } from '../platform/database/advisory-locks';
import { FLOW_RUNS_QUEUE } from './flow-runs.queue';
import { ensureFlowRunIndexes } from './limited-fetch';

/**
 * Creates the flow-runs queue (or applies `options` to the one there) and the fetch's indexes, one
 * process at a time. pg-boss's create_queue deadlocks when processes starting together run it on a
 * new queue: each waits for the other's uncommitted queue row, while the other's foreign key to the
 * queue table wants a lock that the first's insert holds (replicas started by `docker compose up`).
 */
export async function setUpFlowRunsQueue(
  boss: PgBoss,
  db: DataSource,
  options: PgBoss.Queue,
  waiting?: () => void,
): Promise<void> {
  const setUp = async () => {
    await boss.createQueue(FLOW_RUNS_QUEUE, options);
    // createQueue keeps an existing queue as it was: apply the current settings.
    await boss.updateQueue(FLOW_RUNS_QUEUE, options);
    // The workers' fetch (limited-fetch.ts) reads jobs by flow.
    await ensureFlowRunIndexes(db);
  };
  await withSessionLock(db, ADVISORY_LOCK.queueSetup, setUp, waiting);
}
