import { ApiPropertyOptional } from '@nestjs/swagger';
import { CursorField, LimitField } from '../../platform/validation/page-fields';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { ExecutionStatus, ExecutionTrigger } from '@callflow/flow';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['queued', 'running', 'succeeded', 'failed', 'timeout'];
export const EXECUTION_TRIGGERS: readonly ExecutionTrigger[] = ['test', 'ivr', 'event', 'webhook', 'retry'];

/** Filters of GET /executions; every one optional, combined with AND. */
export class ListExecutionsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only runs of this flow' })
  @IsOptional()
  @IsUUID()
  flowId?: string;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({ enum: EXECUTION_TRIGGERS })
  @IsOptional()
  @IsIn(EXECUTION_TRIGGERS)
  triggerType?: ExecutionTrigger;

  @ApiPropertyOptional({ description: 'Started at or after (ISO 8601)', example: '2025-01-31T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Started before (ISO 8601, exclusive)', example: '2025-02-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'The call id of the input (exact)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  callId?: string;

  @ApiPropertyOptional({ description: 'Caller or contact phone (exact)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  phone?: string;

  @CursorField(512)
  cursor?: string;

  @LimitField()
  limit?: number;
}
