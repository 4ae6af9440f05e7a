import type { DataSourceOptions } from 'typeorm';
import { ConnectionEntity } from '../connections/connection.entity';
import { Connections1763730000000 } from './migrations/1763730000000-connections';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { ExecutionEntity } from '../executions/execution.entity';
import { FlowVersionEntity } from '../flows/flow-version.entity';
import { FlowEntity } from '../flows/flow.entity';
import { TenantEntity } from '../tenants/tenant.entity';
import { EventRunEntity } from '../triggers/event-run.entity';
import { UserEntity } from '../users/user.entity';
import { Initial1763700000000 } from './migrations/1763700000000-initial';
import { TriggerRuns1763710000000 } from './migrations/1763710000000-trigger-runs';
import { AccessControl1763720000000 } from './migrations/1763720000000-access-control';
import { ExecutionStepsJson1763740000000 } from './migrations/1763740000000-execution-steps-json';
import { QueueWorkers1763750000000 } from './migrations/1763750000000-queue-workers';
import { ExecutionWriteCost1763760000000 } from './migrations/1763760000000-execution-write-cost';
import { ExecutionInsertCost1763770000000 } from './migrations/1763770000000-execution-insert-cost';
import { ConnectionAllowedOrigins1763785000000 } from './migrations/1763785000000-connection-allowed-origins';
import { RoleEntity } from '../roles/role.entity';
import { AuditLogEntity } from '../audit/audit-log.entity';
import { RefreshTokenEntity } from '../sessions/refresh-token.entity';
import { FlowWebhookSecretEntity } from '../webhook-secrets/flow-webhook-secret.entity';
import { WebhookSecrets1763781000000 } from './migrations/1763781000000-webhook-secrets';
import { WebhookSecretFingerprints1763792000000 } from './migrations/1763792000000-webhook-secret-fingerprints';
import { CampaignProgress1763800000000 } from './migrations/1763800000000-campaign-progress';
import { UserLocale1763820000000 } from './migrations/1763820000000-user-locale';
import { FlowStats1763830000000 } from './migrations/1763830000000-flow-stats';
import { ExecutionPartitions1763840000000 } from './migrations/1763840000000-execution-partitions';
import { ExecutionFillfactor1763850000000 } from './migrations/1763850000000-execution-fillfactor';
import { FlowStatsEntity } from '../flow-stats/flow-stats.entity';
import {
  CampaignCountersEntity,
  CampaignFailuresEntity,
  CampaignPauseEntity,
  CampaignRetryEntity,
} from '../campaigns/campaign-counters.entity';

/** Every entity, listed explicitly (no globbing: works the same from src and dist). */
export const ENTITIES = [
  TenantEntity,
  UserEntity,
  ApiKeyEntity,
  FlowEntity,
  FlowVersionEntity,
  ExecutionEntity,
  EventRunEntity,
  RoleEntity,
  AuditLogEntity,
  RefreshTokenEntity,
  ConnectionEntity,
  FlowWebhookSecretEntity,
  CampaignCountersEntity,
  CampaignFailuresEntity,
  CampaignPauseEntity,
  CampaignRetryEntity,
  FlowStatsEntity,
];
/** Every migration, in order. */
export const MIGRATIONS = [
  Initial1763700000000,
  TriggerRuns1763710000000,
  AccessControl1763720000000,
  Connections1763730000000,
  ExecutionStepsJson1763740000000,
  QueueWorkers1763750000000,
  ExecutionWriteCost1763760000000,
  ExecutionInsertCost1763770000000,
  WebhookSecrets1763781000000,
  ConnectionAllowedOrigins1763785000000,
  WebhookSecretFingerprints1763792000000,
  CampaignProgress1763800000000,
  UserLocale1763820000000,
  FlowStats1763830000000,
  ExecutionPartitions1763840000000,
  ExecutionFillfactor1763850000000,
];

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    extra: { max: 20, application_name: 'callflow' },
  };
}
