import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FlowWebhookSecretEntity } from './flow-webhook-secret.entity';
import { WebhookSecretsController } from './webhook-secrets.controller';
import { WebhookSecretsService } from './webhook-secrets.service';

/** Per-flow webhook secrets: the routes that set them, and the check the webhook trigger uses. */
@Module({
  imports: [TypeOrmModule.forFeature([FlowWebhookSecretEntity])],
  controllers: [WebhookSecretsController],
  providers: [WebhookSecretsService],
  exports: [WebhookSecretsService],
})
export class WebhookSecretsModule {}
