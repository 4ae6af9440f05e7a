import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** The Prometheus registry, for every module (the scrape endpoint is health/metrics.controller.ts). */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
