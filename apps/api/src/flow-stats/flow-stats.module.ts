import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module';
import { FlowStatsController } from './flow-stats.controller';
import { FlowStatsService } from './flow-stats.service';

/**
 * Run statistics per flow and node (issue 19): rollups kept as runs finish (the execution writer's
 * FlowStatsRecorder writes them; the queue's retention prunes them), read per view.
 */
@Module({
  imports: [FlowsModule],
  controllers: [FlowStatsController],
  providers: [FlowStatsService],
})
export class FlowStatsModule {}
