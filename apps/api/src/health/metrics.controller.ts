import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import crypto from 'node:crypto';
import { bearerOf } from '../access/api-key-of';
import { Public } from '../access/access.decorator';
import { APP_CONFIG, type AppConfig } from '../platform/config/app-config';
import { MetricsService } from '../platform/metrics/metrics.service';

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/**
 * Prometheus scrape endpoint (outside /api/v1). The metrics are install-wide: they name every
 * tenant's flow keys and count their runs, so they are served only to a scraper presenting
 * METRICS_TOKEN as a bearer token; without METRICS_TOKEN the route answers 404.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly token: Buffer | undefined;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.token = config.METRICS_TOKEN === undefined ? undefined : digest(config.METRICS_TOKEN);
  }

  @Get()
  @Public()
  scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (!this.token) {
      throw new NotFoundException(
        'metrics are off: set METRICS_TOKEN and scrape with Authorization: Bearer <METRICS_TOKEN>',
      );
    }
    const presented = bearerOf(authorization);
    // Digests have one length, so the comparison is constant-time whatever was presented.
    if (!presented || !crypto.timingSafeEqual(digest(presented), this.token)) {
      throw new UnauthorizedException('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    // Set here, not with @Header: refusals keep the API's JSON error shape.
    res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.registry.metrics();
  }
}
