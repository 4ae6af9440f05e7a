import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { AbandonedRunsService } from './abandoned-runs.service';
import { QueueService } from './queue.service';
import { RetentionService } from './retention.service';

/**
 * The durable queue (pg-boss, schema `pgboss`) for event-triggered and retried runs, and its
 * housekeeping (retention, abandoned runs; only when ROLE is `all` or `worker`). The workers that
 * run its jobs are the workers module's.
 */
@Module({
  imports: [ExecutionsModule],
  providers: [QueueService, RetentionService, AbandonedRunsService],
  exports: [QueueService],
})
export class QueueModule {}
