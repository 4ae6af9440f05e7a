import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackgroundTask } from '../platform/tasks/background-task';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { ExecutionWriter } from '../executions/execution-writer.service';
import { FLOW_RUNS_QUEUE, QUEUE_SCHEMA } from './flow-runs.queue';

const EVERY_MS = 30_000;

/** The jobs pg-boss gave up on: failed, in the live table or already archived. */
const FAILED_JOBS = `
  SELECT id, output FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state = 'failed'
  UNION ALL
  SELECT id, output FROM ${QUEUE_SCHEMA}.archive WHERE name = $1 AND state = 'failed'`;

/**
 * A queued run whose job pg-boss gave up on without its worker saying so (the worker died on the
 * last try, and expiry or a lapsed lease failed the job) would stay `queued`/`running` forever.
 * This marks such executions failed (INFRASTRUCTURE, with pg-boss's reason), every 30 s in worker
 * processes, through the execution rows' one writer. Idempotent: only executions still unfinished
 * whose job (the same id) has failed.
 */
@Injectable()
export class AbandonedRunsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AbandonedRuns');
  private readonly task = new BackgroundTask(
    () => this.sweep(),
    (err) => this.logger.warn({ err }, 'marking abandoned runs failed did not work; will try again'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly executions: ExecutionWriter,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.ROLE !== 'api') this.task.start(EVERY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns how many executions were marked failed. */
  async sweep(): Promise<number> {
    const count = await this.executions.failGivenUp(FAILED_JOBS, [FLOW_RUNS_QUEUE]);
    if (count > 0) this.logger.warn({ executions: count }, 'marked runs whose jobs pg-boss gave up on as failed');
    return count;
  }
}
