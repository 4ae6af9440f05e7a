import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { EngineModule } from '../engine/engine.module';
import { ExecutionsModule } from '../executions/executions.module';
import { FlowsModule } from '../flows/flows.module';
import { QueueModule } from '../queue/queue.module';
import { ExecutionsRetryController } from './executions-retry.controller';
import { FlowRunner } from './flow-runner.service';
import { FlowTestRunController } from './flow-test-run.controller';
import { FlowTestRunStreamController } from './flow-test-run-stream.controller';
import { FlowTestRunService } from './flow-test-run.service';
import { RetryService } from './retry.service';

/**
 * Running flows: the runner that runs a published version and records its execution and metrics
 * (triggers and queue workers use it), test runs of drafts, and retries of failed executions.
 */
@Module({
  imports: [EngineModule, ConnectionsModule, ExecutionsModule, QueueModule, FlowsModule],
  controllers: [FlowTestRunController, FlowTestRunStreamController, ExecutionsRetryController],
  providers: [FlowRunner, FlowTestRunService, RetryService],
  exports: [FlowRunner],
})
export class RunsModule {}
