import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../access/access.decorator';
import { HealthService, type HealthReport } from './health.service';

const EXAMPLE = { status: 'ok', database: 'ok', queue: 'ok', version: '0.1.0' };

/** Liveness and readiness in one: 200 when the database answers, 503 otherwise (same body shape). */
@ApiTags('platform')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Service health: database (SELECT 1) and queue (pg-boss schema); no auth' })
  @ApiOkResponse({ description: 'The database answers', schema: { example: EXAMPLE } })
  @ApiServiceUnavailableResponse({
    description: 'The database does not answer',
    schema: { example: { ...EXAMPLE, status: 'error', database: 'error', queue: 'error' } },
  })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
