import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';

/** Operations endpoints: GET /api/v1/health (public) and the Prometheus scrape, GET /metrics. */
@Module({ controllers: [MetricsController, HealthController], providers: [HealthService], exports: [HealthService] })
export class HealthModule {}
