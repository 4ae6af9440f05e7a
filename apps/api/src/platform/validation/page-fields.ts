import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** `cursor`: the opaque nextCursor of the previous page of a list. */
export const CursorField = (maxLength: number) =>
  applyDecorators(
    ApiPropertyOptional({ description: 'The nextCursor of the previous page' }),
    IsOptional(),
    IsString(),
    Length(1, maxLength),
  );

/** `limit`: page size, 1–200, default 50. */
export const LimitField = () =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(200),
  );
