import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowTemplatesModule } from '../flow-templates/flow-templates.module';
import { WebhookSecretsModule } from '../webhook-secrets/webhook-secrets.module';
import { FlowTestRunService } from './flow-test-run.service';
import { FlowVersionEntity } from './flow-version.entity';
import { FlowVersionsService } from './flow-versions.service';
import { FlowEntity } from './flow.entity';
import { FlowsController } from './flows.controller';
import { FlowsService } from './flows.service';

/** Flow drafts, versions and publishing, validation and test runs. */
@Module({
  imports: [TypeOrmModule.forFeature([FlowEntity, FlowVersionEntity]), FlowTemplatesModule, WebhookSecretsModule],
  controllers: [FlowsController],
  providers: [FlowsService, FlowVersionsService, FlowTestRunService],
  exports: [FlowsService, FlowVersionsService],
})
export class FlowsModule {}
