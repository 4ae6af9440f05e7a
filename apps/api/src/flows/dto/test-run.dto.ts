import { runInputSchema, type RunInput } from '@callflow/flow';
import { OpaqueJson } from '../../platform/json/json-fields';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { DefinitionField } from './flow-fields';

export class TestRunDto {
  @DefinitionField()
  definition!: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Run input: call, contact, campaign, ivr, event, request',
    example: { call: { id: 'c-1', callerId: '+390612345678' }, ivr: { digits: '1' } },
  })
  @IsOptional()
  @IsObject()
  @OpaqueJson(runInputSchema)
  input?: RunInput;

  @ApiPropertyOptional({
    description: 'Total time the run may take, ms: at most RUN_DEADLINE_MS (its default; 60 s unless configured)',
    minimum: 50,
    maximum: 600_000,
  })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(600_000)
  deadlineMs?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The flow being edited, so the execution is listed with it' })
  @IsOptional()
  @IsUUID()
  flowId?: string;
}
