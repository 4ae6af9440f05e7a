import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import { DefinitionField, DescriptionField, KeyField, NameField } from './flow-fields';

/** A draft save: the given fields replace the current ones; `revision` is the one edited. */
export class UpdateFlowDto {
  @NameField(false)
  name?: string;

  @KeyField()
  key?: string;

  @DescriptionField()
  description?: string;

  @DefinitionField(false)
  definition?: Record<string, unknown>;

  @ApiProperty({ description: 'The revision this edit started from; a stale one is a 409', example: 1 })
  @IsInt()
  @Min(1)
  revision!: number;
}
