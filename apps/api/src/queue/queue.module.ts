import { Global, Module } from '@nestjs/common';
import { AbandonedRunsService } from './abandoned-runs.service';
import { QueueService } from './queue.service';
import { RetentionService } from './retention.service';
import { RunWorker } from './run-worker.service';

/**
 * The durable queue (pg-boss, schema `pgboss`) for event-triggered and retried runs; its
 * workers and the retention job run only when ROLE is `all` or `worker`.
 */
@Global()
@Module({
  providers: [QueueService, RunWorker, RetentionService, AbandonedRunsService],
  exports: [QueueService],
})
export class QueueModule {}
