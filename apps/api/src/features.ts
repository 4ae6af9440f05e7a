import type { Type } from '@nestjs/common';
import { ExecutionsModule } from './executions/executions.module';
import { MetricsModule } from './metrics/metrics.module';

/**
 * Feature modules (flows, executions, triggers, queue, health, metrics …), listed in one place so
 * adding a feature does not touch app.module.ts.
 */
export const FEATURE_MODULES: Type[] = [MetricsModule, ExecutionsModule];
