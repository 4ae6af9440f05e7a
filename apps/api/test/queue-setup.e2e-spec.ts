import PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA } from '../src/queue/flow-runs.queue';
import { ACTIVE_BY_FLOW_INDEX, QUEUED_BY_FLOW_INDEX } from '../src/queue/limited-fetch';
import { setUpFlowRunsQueue } from '../src/queue/queue-setup';
import { withSessionLock } from '../src/platform/database/advisory-locks';
import { scratchDatabase } from './db-url';

/**
 * Replicas started together (`docker compose up`) set up the queue at the same moment. pg-boss's
 * create_queue alone deadlocks there in some rounds (CI saw "callflow failed to start: deadlock
 * detected"): every round here must pass. Each round starts from no queue (delete_queue).
 */
describe('queue setup by processes starting together', () => {
  const ROUNDS = 40;
  const PROCESSES = 4;
  const options: PgBoss.Queue = { name: FLOW_RUNS_QUEUE, retryLimit: 3, retryDelay: 5, expireInSeconds: 60 };
  const db = scratchDatabase();
  let sources: DataSource[] = [];
  let bosses: PgBoss[] = [];

  beforeAll(async () => {
    await db.create();
    sources = Array.from({ length: PROCESSES }, () => new DataSource({ type: 'postgres', url: db.url }));
    bosses = sources.map(
      () => new PgBoss({ connectionString: db.url, schema: QUEUE_SCHEMA, supervise: false, schedule: false, max: 2 }),
    );
    await Promise.all(sources.map((s) => s.initialize()));
    await Promise.all(bosses.map((b) => b.start()));
  });
  afterAll(async () => {
    await Promise.all(bosses.map((b) => b.stop({ graceful: false, close: true, wait: true }).catch(() => undefined)));
    await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
    await db.drop();
  });

  it(`creates the queue and its indexes once, ${ROUNDS} rounds of ${PROCESSES} at once`, async () => {
    const failures: string[] = [];
    const waits: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.allSettled(
        bosses.map((b, i) => setUpFlowRunsQueue(b, sources[i]!, options, () => waits.push(round))),
      );
      for (const r of results) if (r.status === 'rejected') failures.push(`round ${round}: ${String(r.reason)}`);
      const [queue] = (await sources[0]!.query(
        `SELECT count(*)::int AS n, max(retry_limit) AS retry FROM ${QUEUE_SCHEMA}.queue WHERE name = $1`,
        [FLOW_RUNS_QUEUE],
      )) as { n: number; retry: number }[];
      expect(queue).toEqual({ n: 1, retry: 3 });
      const indexes = (await sources[0]!.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2::text[]) ORDER BY 1`,
        [QUEUE_SCHEMA, [QUEUED_BY_FLOW_INDEX, ACTIVE_BY_FLOW_INDEX]],
      )) as { indexname: string }[];
      expect(indexes.map((r) => r.indexname)).toEqual([ACTIVE_BY_FLOW_INDEX, QUEUED_BY_FLOW_INDEX].sort());
      await sources[0]!.query(`SELECT ${QUEUE_SCHEMA}.delete_queue($1)`, [FLOW_RUNS_QUEUE]);
    }
    expect(failures).toEqual([]);
    // The processes took turns (and said so while waiting).
    expect(waits.length).toBeGreaterThan(0);
  }, 120_000);

  it('frees the lock when its connection is lost during the work (no stale holder, no crash)', async () => {
    const key = 987_654;
    const holder = async () =>
      (
        (await sources[1]!.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [
          key,
        ])) as { pid: number }[]
      ).map((r) => r.pid);
    const answer = await withSessionLock(sources[0]!, key, async () => {
      const [pid] = await holder();
      // The lock's session ends (a failover, an admin's pg_terminate_backend).
      await sources[1]!.query('SELECT pg_terminate_backend($1)', [pid]);
      return 'done';
    });
    expect(answer).toBe('done');
    expect(await holder()).toEqual([]);
    // The pool still works, and the lock can be taken again.
    expect(await withSessionLock(sources[0]!, key, async () => (await holder()).length)).toBe(1);
  });
});
