import { DefinitionField } from './flow-fields';

export class ValidateFlowDto {
  @DefinitionField()
  definition!: Record<string, unknown>;
}
