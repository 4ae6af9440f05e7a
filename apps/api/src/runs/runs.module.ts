import { Global, Module } from '@nestjs/common';
import { ExecutionsRetryController } from '../executions/executions-retry.controller';
import { FlowRunner } from './flow-runner.service';
import { PublishedFlowsService } from './published-flows.service';
import { RetryService } from './retry.service';

/**
 * Running published flow versions: version lookups (cached), the runner that records executions
 * and metrics, and retries of failed executions. Global: triggers, queue workers and the flows
 * feature (cache invalidation on publish) use them.
 */
@Global()
@Module({
  controllers: [ExecutionsRetryController],
  providers: [PublishedFlowsService, FlowRunner, RetryService],
  exports: [PublishedFlowsService, FlowRunner],
})
export class RunsModule {}
