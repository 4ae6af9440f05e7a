import { OpaqueJson } from '../../platform/json/json-fields';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';
import { DefinitionField, DescriptionField, KeyField, NameField } from './flow-fields';

/** `definition`, or `templateId` (GET /flow-templates) with optional `connections` — exactly one of the two. */
export class CreateFlowDto {
  @NameField()
  name!: string;

  @KeyField()
  key?: string;

  @DescriptionField()
  description?: string;

  @DefinitionField(false)
  definition?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'gcalls-call-log',
    description: 'Create the flow from this template instead of a definition (GET /flow-templates)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  templateId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', format: 'uuid' },
    example: { gcalls: '6f1c0b5e-2d7a-4c1e-9a51-0d3b8f1e2a44' },
    description:
      "With templateId: the connection picked for each of the template's `requires.connections` purposes; " +
      'those not given stay placeholders the validator flags',
  })
  @IsOptional()
  @IsObject()
  @OpaqueJson()
  connections?: Record<string, string>;
}
