import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { FlowWebhookSecretEntity } from './flow-webhook-secret.entity';
import { WebhookSecretsController } from './webhook-secrets.controller';
import { WebhookSecretThrottle } from './webhook-secret-throttle.service';
import { WebhookSecretsService } from './webhook-secrets.service';

/** Per-flow webhook secrets: the routes that set them, and what the webhook trigger checks them with. */
@Module({
  imports: [TypeOrmModule.forFeature([FlowWebhookSecretEntity]), AuditModule],
  controllers: [WebhookSecretsController],
  providers: [WebhookSecretsService, WebhookSecretThrottle],
  exports: [WebhookSecretsService, WebhookSecretThrottle],
})
export class WebhookSecretsModule {}
