import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ConnectionsModule } from '../connections/connections.module';
import { FlowTemplatesModule } from '../flow-templates/flow-templates.module';
import { WebhookSecretsModule } from '../webhook-secrets/webhook-secrets.module';
import { FlowValidationService } from './flow-validation.service';
import { FlowVersionEntity } from './flow-version.entity';
import { FlowVersionsService } from './flow-versions.service';
import { FlowEntity } from './flow.entity';
import { FlowsController } from './flows.controller';
import { FlowsService } from './flows.service';
import { PublishedFlowsService } from './published-flows.service';

/**
 * Flow drafts, versions and publishing, validation; the published versions runs start from (cached,
 * invalidated here on publish). Test runs are the runs module's (runs/flow-test-run.controller.ts).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([FlowEntity, FlowVersionEntity]),
    AuditModule,
    ConnectionsModule,
    FlowTemplatesModule,
    WebhookSecretsModule,
  ],
  controllers: [FlowsController],
  providers: [FlowsService, FlowVersionsService, FlowValidationService, PublishedFlowsService],
  exports: [FlowsService, FlowVersionsService, PublishedFlowsService],
})
export class FlowsModule {}
