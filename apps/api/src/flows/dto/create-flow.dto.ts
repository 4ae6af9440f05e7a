import { DefinitionField, DescriptionField, KeyField, NameField } from './flow-fields';

export class CreateFlowDto {
  @NameField()
  name!: string;

  @KeyField()
  key?: string;

  @DescriptionField()
  description?: string;

  @DefinitionField()
  definition!: Record<string, unknown>;
}
