import PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA } from '../src/queue/flow-runs.queue';
import { ACTIVE_BY_FLOW_INDEX, QUEUED_BY_FLOW_INDEX } from '../src/queue/limited-fetch';
import { setUpFlowRunsQueue } from '../src/queue/queue-setup';
import { scratchDatabase } from './db-url';

/**
 * Replicas started together (`docker compose up`) set up the queue at the same moment. pg-boss's
 * create_queue alone deadlocks there in about a third of the rounds (CI saw "callflow failed to
 * start: deadlock detected"): every round here must pass.
 */
describe('queue setup by processes starting together', () => {
  const ROUNDS = 10;
  const PROCESSES = 4;
  const options: PgBoss.Queue = { name: FLOW_RUNS_QUEUE, retryLimit: 3, retryDelay: 5, expireInSeconds: 60 };

  it(`creates the queue and its indexes once, ${ROUNDS} rounds of ${PROCESSES} at once`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const db = scratchDatabase();
      await db.create();
      const sources = Array.from({ length: PROCESSES }, () => new DataSource({ type: 'postgres', url: db.url }));
      const bosses = sources.map(
        () => new PgBoss({ connectionString: db.url, schema: QUEUE_SCHEMA, supervise: false, schedule: false, max: 2 }),
      );
      try {
        await Promise.all(sources.map((s) => s.initialize()));
        await Promise.all(bosses.map((b) => b.start()));
        const results = await Promise.allSettled(bosses.map((b, i) => setUpFlowRunsQueue(b, sources[i]!, options)));
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
      } finally {
        await Promise.all(
          bosses.map((b) => b.stop({ graceful: false, close: true, wait: true }).catch(() => undefined)),
        );
        await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
        await db.drop();
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
