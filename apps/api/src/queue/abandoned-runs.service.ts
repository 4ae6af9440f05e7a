import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundTask } from '../platform/tasks/background-task';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA } from './flow-runs.queue';

const EVERY_MS = 30_000;

/**
 * A queued run whose job pg-boss gave up on without its worker saying so (the worker died on the
 * last try, and expiry or a lapsed lease failed the job) would stay `queued`/`running` forever.
 * This marks such executions failed (INFRASTRUCTURE, with pg-boss's reason), every 30 s in worker
 * processes. Idempotent: only executions still unfinished whose job (the same id) has failed.
 */
const SWEEP_SQL = `
  UPDATE executions e
  SET status = 'failed',
      error = json_build_object('code', 'INFRASTRUCTURE', 'message',
        'gave up: ' || left(coalesce(j.output->'value'->>'message', j.output->>'message', 'the job failed with no retries left'), 200)),
      finished_at = now(),
      duration_ms = GREATEST(0, (extract(epoch FROM now() - e.started_at) * 1000)::int)
  FROM (
    SELECT id, output FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state = 'failed'
    UNION ALL
    SELECT id, output FROM ${QUEUE_SCHEMA}.archive WHERE name = $1 AND state = 'failed'
  ) j
  WHERE e.id = j.id AND e.status IN ('queued', 'running')`;

@Injectable()
export class AbandonedRunsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AbandonedRuns');
  private readonly task = new BackgroundTask(
    () => this.sweep(),
    (err) => this.logger.warn({ err }, 'marking abandoned runs failed did not work; will try again'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.ROLE !== 'api') this.task.start(EVERY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns how many executions were marked failed. */
  async sweep(): Promise<number> {
    const [, count] = (await this.db.query(SWEEP_SQL, [FLOW_RUNS_QUEUE])) as [unknown, number];
    if (count > 0) this.logger.warn({ executions: count }, 'marked runs whose jobs pg-boss gave up on as failed');
    return count;
  }
}
