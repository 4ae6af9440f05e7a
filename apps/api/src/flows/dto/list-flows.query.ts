import { ApiPropertyOptional } from '@nestjs/swagger';
import { CursorField, LimitField } from '../../platform/validation/page-fields';
import { IsOptional, IsString, Length } from 'class-validator';

export class ListFlowsQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive search in names (and keys)', example: 'vip' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @CursorField(1024)
  cursor?: string;

  @LimitField()
  limit?: number;
}
