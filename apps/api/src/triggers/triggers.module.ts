import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { FlowsModule } from '../flows/flows.module';
import { QueueModule } from '../queue/queue.module';
import { RunsModule } from '../runs/runs.module';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { IvrController } from './ivr.controller';
import { IvrPipeline } from './ivr-pipeline.service';
import { IvrService } from './ivr.service';
import { SyncFlows } from './sync-flows.service';
import { WebhookController } from './webhook.controller';
import { WebhookService } from './webhook.service';
import { WebhookSecretAuth } from './webhook-auth.service';
import { WebhookSecretsModule } from '../webhook-secrets/webhook-secrets.module';

/** Machine-facing trigger endpoints (API keys): IVR, webhooks, events. */
@Module({
  imports: [ApiKeysModule, WebhookSecretsModule, FlowsModule, RunsModule, QueueModule],
  controllers: [IvrController, WebhookController, EventsController],
  providers: [SyncFlows, IvrService, IvrPipeline, WebhookService, WebhookSecretAuth, EventsService],
  exports: [IvrPipeline],
})
export class TriggersModule {}
