import type { Type } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { RolesModule } from './roles/roles.module';
import { TenantsModule } from './tenants/tenants.module';
import { ConnectionsModule } from './connections/connections.module';
import { ExecutionsModule } from './executions/executions.module';
import { FlowStatsModule } from './flow-stats/flow-stats.module';
import { FlowTemplatesModule } from './flow-templates/flow-templates.module';
import { FlowsModule } from './flows/flows.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './platform/metrics/metrics.module';
import { QueueModule } from './queue/queue.module';
import { RunsModule } from './runs/runs.module';
import { SoapModule } from './soap/soap.module';
import { TriggersModule } from './triggers/triggers.module';
import { WebhookSecretsModule } from './webhook-secrets/webhook-secrets.module';
import { WorkersModule } from './workers/workers.module';

/**
 * Feature modules, listed in one place so adding a feature does not touch app.module.ts.
 */
export const FEATURE_MODULES: Type[] = [
  MetricsModule,
  HealthModule,
  // Access control beyond sign-in: the audit log, roles and the permission catalogue, tenants.
  AuditModule,
  RolesModule,
  TenantsModule,
  ExecutionsModule,
  ConnectionsModule,
  FlowsModule,
  FlowTemplatesModule,
  SoapModule,
  RunsModule,
  QueueModule,
  WorkersModule,
  TriggersModule,
  WebhookSecretsModule,
  CampaignsModule,
  FlowStatsModule,
];
