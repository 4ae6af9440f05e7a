import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FlowStats } from '@callflow/flow';
import { RequirePermission } from '../access/access.decorator';
import { CurrentUser, type UserPrincipal } from '../access/principal';
import { FlowStatsQuery } from './dto/flow-stats.query';
import { FlowStatsService } from './flow-stats.service';

@ApiTags('flows')
@ApiBearerAuth()
@Controller('flows')
export class FlowStatsController {
  constructor(private readonly stats: FlowStatsService) {}

  @Get(':id/stats')
  @RequirePermission('executions.read')
  @ApiOperation({
    summary: "A flow's runs per bucket, error rate, p50/p95/p99 durations, IVR fallbacks and deadline misses, per node",
    description:
      'Counted as runs finish (test runs are not; charts lag by about a second). Percentiles are within 9.1 % ' +
      '(log-scale histograms). 404 for a flow of another tenant.',
  })
  read(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: FlowStatsQuery,
  ): Promise<FlowStats<Date>> {
    return this.stats.read(user.tenantId, id, query.range ?? 'hour');
  }
}
