import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { StatsRange } from '@callflow/flow';

export const STATS_RANGES: readonly StatsRange[] = ['hour', 'day', 'week'];

/** GET /flows/:id/stats?range= */
export class FlowStatsQuery {
  @ApiPropertyOptional({
    enum: STATS_RANGES,
    default: 'hour',
    description: 'The last hour (1-minute points), day (15-minute points) or week (2-hour points)',
  })
  @IsOptional()
  @IsIn(STATS_RANGES)
  range?: StatsRange;
}
