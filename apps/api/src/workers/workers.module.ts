import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { FlowsModule } from '../flows/flows.module';
import { QueueModule } from '../queue/queue.module';
import { RunsModule } from '../runs/runs.module';
import { RunWorker } from './run-worker.service';

/** The queue workers: fetch runs from the queue and run them (only when ROLE is `all` or `worker`). */
@Module({
  imports: [QueueModule, RunsModule, FlowsModule, ExecutionsModule],
  providers: [RunWorker],
})
export class WorkersModule {}
