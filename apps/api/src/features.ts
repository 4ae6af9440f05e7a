import type { Type } from '@nestjs/common';
import { FlowTemplatesModule } from './flow-templates/flow-templates.module';
import { ConnectionsModule } from './connections/connections.module';
import { AccessModule } from './common/auth/access.module';
import { ExecutionsModule } from './executions/executions.module';
import { FlowsModule } from './flows/flows.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueModule } from './queue/queue.module';
import { RunsModule } from './runs/runs.module';
import { TriggersModule } from './triggers/triggers.module';

/**
 * Feature modules (flows, executions, triggers, queue, health, metrics …), listed in one place so
 * adding a feature does not touch app.module.ts.
 */
export const FEATURE_MODULES: Type[] = [MetricsModule, ExecutionsModule, HealthModule, FlowsModule, RunsModule, QueueModule, TriggersModule];
FEATURE_MODULES.push(AccessModule);
FEATURE_MODULES.push(ConnectionsModule);
FEATURE_MODULES.push(FlowTemplatesModule);
