import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CampaignPauseState, CampaignRetryRequest, CampaignRetryResult } from '@callflow/flow';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';

/** POST /campaigns/:campaignId/retry. */
export class RetryCampaignDto implements CampaignRetryRequest {
  @ApiProperty({
    description:
      'Names this action (e.g. a UUID made per click): the same id again queues nothing and answers what ' +
      'the first request queued',
    example: '0190a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b',
  })
  @IsString()
  @Length(1, 200)
  requestId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this flow's failed runs" })
  @IsOptional()
  @IsUUID()
  flowId?: string;

  @ApiPropertyOptional({ description: 'Only failed runs with this error code', example: 'HTTP_STATUS' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  code?: string;
}

export class CampaignRetryResultDto implements CampaignRetryResult {
  @ApiProperty()
  requestId!: string;

  @ApiProperty({ description: "Failed runs queued again, each on its flow's published version" })
  queued!: number;

  @ApiProperty({ description: 'Failed runs left as they were: their flow is no longer published' })
  skipped!: number;

  @ApiProperty({ description: 'True when this request id had been used already: nothing was queued this time' })
  repeated!: boolean;
}

export class CampaignPauseStateDto implements CampaignPauseState<Date> {
  @ApiProperty()
  campaignId!: string;

  @ApiProperty()
  paused!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  pausedAt!: Date | null;
}
