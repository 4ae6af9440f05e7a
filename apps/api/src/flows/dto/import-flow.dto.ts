import { ApiProperty } from '@nestjs/swagger';
import { Equals } from 'class-validator';
import { DefinitionField, DescriptionField, KeyField, NameField } from './flow-fields';

export const EXPORT_FORMAT = 'callflow.flow';
export const EXPORT_FORMAT_VERSION = 1;

/**
 * A document made by GET /flows/:id/export. Edit `name` or `key` to import it under another
 * name or key; the key is de-duplicated (-2, -3 …) when taken.
 */
export class ImportFlowDto {
  @ApiProperty({ enum: [EXPORT_FORMAT] })
  @Equals(EXPORT_FORMAT, { message: `format must be "${EXPORT_FORMAT}"` })
  format!: string;

  @ApiProperty({ enum: [EXPORT_FORMAT_VERSION] })
  @Equals(EXPORT_FORMAT_VERSION, { message: `formatVersion must be ${EXPORT_FORMAT_VERSION}` })
  formatVersion!: number;

  @NameField()
  name!: string;

  @KeyField()
  key?: string;

  @DescriptionField()
  description?: string;

  @DefinitionField()
  definition!: Record<string, unknown>;
}
