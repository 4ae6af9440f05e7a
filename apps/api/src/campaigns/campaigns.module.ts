import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FlowsModule } from '../flows/flows.module';
import { QueueModule } from '../queue/queue.module';
import { CampaignFeed } from './campaign-feed.service';
import { CampaignPauseService } from './campaign-pause.service';
import { CampaignProgressService } from './campaign-progress.service';
import { CampaignRetryService } from './campaign-retry.service';
import { CampaignsController } from './campaigns.controller';

/**
 * Live campaign progress (issue 19): runs of each campaign and event-triggered flow by state, from
 * counters kept as the runs move (migration 1763800000000); failures by error code; retry-all;
 * pause and resume (the workers' fetch honours pauses, queue/limited-fetch.ts).
 */
@Module({
  imports: [AuditModule, FlowsModule, QueueModule],
  controllers: [CampaignsController],
  providers: [CampaignFeed, CampaignProgressService, CampaignRetryService, CampaignPauseService],
})
export class CampaignsModule {}
