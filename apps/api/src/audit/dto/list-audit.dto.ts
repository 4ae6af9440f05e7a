import { ApiPropertyOptional } from '@nestjs/swagger';
import { LimitField } from '../../platform/validation/page-fields';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ListAuditDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ example: 'flow.published' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like flow.published' })
  action?: string;

  @LimitField()
  limit?: number;
}
